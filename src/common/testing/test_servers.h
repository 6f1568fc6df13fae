// Helpers for test fixtures that run a real server process on loopback
// (PostgreSQL, Redis): a free port, the end of a log for failure messages,
// and one server shared by every test of a binary, stopped at the end.
// Header-only: test code only.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>

namespace strata::common::testing {

// A TCP port on 127.0.0.1 that was free a moment ago (0 when none could be
// found). Another process may take it before the caller binds: retry.
inline int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

// The last `bytes` of a log file, for a failure message.
inline std::string LogTail(const std::filesystem::path& log, size_t bytes = 2000) {
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  return all.size() > bytes ? all.substr(all.size() - bytes) : all;
}

// One Server (started by Server::Start(), returning Result<unique_ptr>) per
// test binary, started on first use and stopped when the tests end. A start
// that failed is reported once and not retried; every later call returns
// null with a failure pointing at the first.
template <typename Server>
Server* SharedTestServer(std::string_view what) {
  struct State {
    std::mutex mu;
    std::unique_ptr<Server> server;  // GUARDED_BY(mu)
    bool failed = false;             // GUARDED_BY(mu)
  };
  class StopAtEnd : public ::testing::Environment {
   public:
    explicit StopAtEnd(State& state) : state_(state) {}
    void TearDown() override {
      std::lock_guard lock(state_.mu);
      state_.server.reset();
    }

   private:
    State& state_;
  };
  static State state;
  static ::testing::Environment* const registered =
      ::testing::AddGlobalTestEnvironment(new StopAtEnd(state));
  (void)registered;
  std::lock_guard lock(state.mu);
  if (state.server == nullptr && !state.failed) {
    auto started = Server::Start();
    if (started.ok()) {
      state.server = std::move(started).value();
    } else {
      state.failed = true;
      ADD_FAILURE() << "cannot start " << what << ": " << started.status().ToString();
    }
  }
  if (state.server == nullptr) ADD_FAILURE() << "no " << what << " (see the first failure)";
  return state.server.get();
}

}  // namespace strata::common::testing
