#include "meta/cache/testing/redis_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>
#include <thread>
#include <vector>

#include "common/testing/test_servers.h"

namespace strata::meta::cache::testing {
namespace {

namespace fs = std::filesystem;
using common::Code;
using common::Error;

constexpr const char* kDirStem = "strata-redis";
constexpr const char* kOwnerFile = "owner.pid";    // the test process
constexpr const char* kServerFile = "server.pid";  // the redis-server

fs::path ServerBase() {
  if (const char* env = getenv("STRATA_REDIS_TEST_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  if (access("/dev/shm", W_OK | X_OK) == 0) return "/dev/shm";
  std::error_code ec;
  return fs::temp_directory_path(ec);
}

// $STRATA_REDIS_SERVER, else redis-server found on PATH (resolved here, so
// the forked child only has to execv).
std::string Binary() {
  if (const char* env = getenv("STRATA_REDIS_SERVER"); env != nullptr && *env != '\0') return env;
  const char* path = getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    const size_t colon = dirs.find(':');
    const std::string candidate = std::string(dirs.substr(0, colon)) + "/redis-server";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
  }
  return "redis-server";
}

// Whether /proc says `pid` runs redis-server (so a recycled pid is left
// alone).
bool IsRedisServer(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
  std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return cmdline.find("redis-server") != std::string::npos;
}

// Servers whose test process died without killing them.
void ReapAbandoned() {
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(ServerBase(), ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(kDirStem + std::string("-"))) continue;
    std::ifstream owner_in(entry.path() / kOwnerFile);
    pid_t owner = 0;
    if (!(owner_in >> owner) || owner <= 0) continue;
    if (kill(owner, 0) == 0 || errno != ESRCH) continue;  // alive, or not ours to judge
    std::ifstream server_in(entry.path() / kServerFile);
    pid_t server = 0;
    if (server_in >> server && server > 0 && IsRedisServer(server)) kill(server, SIGKILL);
    fs::remove_all(entry.path(), ec);
  }
}

}  // namespace

common::Result<std::unique_ptr<RedisServer>> RedisServer::Start() {
  ReapAbandoned();
  std::string pattern = (ServerBase() / (std::string(kDirStem) + "-XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return Error(Code::kInternal, "mkdtemp " + pattern + ": " + strerror(errno));
  }
  std::unique_ptr<RedisServer> server(new RedisServer(pattern));
  std::ofstream(server->dir_ / kOwnerFile) << getpid() << "\n";
  common::Status status;
  // Another process may take the port between FreeLoopbackPort() and the bind.
  for (int attempt = 0; attempt < 5; ++attempt) {
    server->port_ = common::testing::FreeLoopbackPort();
    status = server->Spawn();
    if (status.ok()) return server;
  }
  return status;
}

RedisServer::~RedisServer() {
  Kill();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string RedisServer::Url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

common::Status RedisServer::Spawn() {
  const std::string binary = Binary();
  const std::string log = (dir_ / "redis.log").string();
  std::vector<std::string> argv = {
      binary,   "--bind", "127.0.0.1",    "--port",    std::to_string(port_),
      "--save", "",       "--appendonly", "no",        "--daemonize",
      "no",     "--dir",  dir_.string(),  "--logfile", log};
  std::vector<char*> args;
  for (std::string& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) return Error(Code::kInternal, std::string("fork: ") + strerror(errno));
  if (pid == 0) {
    // The child: async-signal-safe calls only, until exec.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    const int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, STDIN_FILENO);
      dup2(null, STDOUT_FILENO);
      dup2(null, STDERR_FILENO);
    }
    execv(args[0], args.data());
    _exit(127);
  }
  pid_ = pid;
  std::ofstream(dir_ / kServerFile) << pid << "\n";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (Ping(200)) return common::Status::Ok();
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = 0;
      return Error(Code::kInternal, binary + " exited at start:\n" + common::testing::LogTail(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Kill();
  return Error(Code::kInternal,
               binary + " did not answer PING within 10 s:\n" + common::testing::LogTail(log));
}

void RedisServer::Kill() {
  if (pid_ == 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = 0;
}

common::Status RedisServer::Restart() {
  if (pid_ != 0) return Error(Code::kInternal, "Restart: the server is running");
  return Spawn();
}

void RedisServer::Pause() {
  if (pid_ != 0) kill(pid_, SIGSTOP);
}

void RedisServer::Resume() {
  if (pid_ != 0) kill(pid_, SIGCONT);
}

bool RedisServer::Ping(int timeout_ms) const {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port_));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  auto wait_for = [&](short events) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{.fd = fd, .events = events, .revents = 0};
    return poll(&p, 1, static_cast<int>(left.count())) == 1 && (p.revents & events) != 0;
  };
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 ||
      (errno == EINPROGRESS && wait_for(POLLOUT))) {
    int error = 0;
    socklen_t length = sizeof(error);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    constexpr std::string_view kPing = "PING\r\n";
    if (error == 0 &&
        send(fd, kPing.data(), kPing.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(kPing.size())) {
      std::string reply;
      char buffer[64];
      while (reply.size() < 7 && wait_for(POLLIN)) {
        const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
        if (n <= 0) break;
        reply.append(buffer, static_cast<size_t>(n));
      }
      ok = reply.starts_with("+PONG");
    }
  }
  close(fd);
  return ok;
}

RedisServer* SharedRedisServer() {
  return common::testing::SharedTestServer<RedisServer>("redis-server");
}

}  // namespace strata::meta::cache::testing
