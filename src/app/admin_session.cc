#include "app/admin_session.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "common/random.h"
#include "storage/drive/durable_file.h"

namespace strata::app {
namespace {

namespace fs = std::filesystem;
using common::Code;
using common::Error;
using storage::IoError;

constexpr size_t kMaxSessionFileBytes = 1 << 20;

common::Status Corrupt(const fs::path& path, std::string_view why) {
  return Error(Code::kCorruption, "session file " + path.string() + " is damaged (" +
                                      std::string(why) + "); run strata admin login again");
}

// Creates dir when missing: missing parents like `mkdir -p`, dir itself 0700.
common::Status MakePrivateDirectory(const fs::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return common::Status::Ok();
    return Error(Code::kUnavailable, dir.string() + " is not a directory");
  }
  if (errno != ENOENT) return IoError("stat", dir, errno);
  fs::path parent = dir.parent_path();
  if (!parent.empty() && parent != dir) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) return IoError("create directory", parent, ec.value());
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return IoError("mkdir", dir, errno);
  return common::Status::Ok();
}

common::Status WriteAll(int fd, std::string_view data, const fs::path& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("write", path, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return common::Status::Ok();
}

// Closes the temporary file and removes it unless Commit()ed.
class TempFileGuard {
 public:
  TempFileGuard(int fd, fs::path path) : fd_(fd), path_(std::move(path)) {}
  ~TempFileGuard() {
    CloseFd();
    if (!committed_) ::unlink(path_.c_str());
  }
  TempFileGuard(const TempFileGuard&) = delete;
  TempFileGuard& operator=(const TempFileGuard&) = delete;
  int fd() const { return fd_; }
  // Closes the descriptor; the close of a written file can report a write
  // error, so its result counts.
  int CloseFd() {
    int rc = fd_ >= 0 ? ::close(fd_) : 0;
    fd_ = -1;
    return rc;
  }
  void Commit() { committed_ = true; }

 private:
  int fd_;
  fs::path path_;
  bool committed_ = false;
};

}  // namespace

common::Result<fs::path> DefaultSessionPath(const char* strata_config, const char* home) {
  if (strata_config != nullptr && *strata_config != '\0') return fs::path(strata_config);
  if (home != nullptr && *home != '\0') {
    return fs::path(home) / ".config" / "strata" / "session.json";
  }
  return Error(Code::kInvalidArgument,
               "no session file: HOME is not set; give --config or set STRATA_CONFIG");
}

common::Result<std::optional<AdminSession>> LoadSession(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<AdminSession>();
    return IoError("open", path, errno);
  }
  std::string text;
  char chunk[4096];
  int err = 0;
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) err = errno;
    if (n <= 0) break;
    text.append(chunk, static_cast<size_t>(n));
    if (text.size() > kMaxSessionFileBytes) break;
  }
  ::close(fd);
  if (err != 0) return IoError("read", path, err);
  if (text.size() > kMaxSessionFileBytes) return Corrupt(path, "larger than 1 MiB");

  const nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return Corrupt(path, "not a JSON object");
  AdminSession session;
  for (auto [name, field] :
       {std::pair{"endpoint", &session.endpoint}, std::pair{"user", &session.user},
        std::pair{"access_token", &session.access_token},
        std::pair{"refresh_token", &session.refresh_token}}) {
    auto it = json.find(name);
    if (it == json.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
      return Corrupt(path, std::string("no \"") + name + "\" string");
    }
    *field = it->get<std::string>();
  }
  auto expires = json.find("access_expires_at");
  if (expires == json.end() || !expires->is_number_integer()) {
    return Corrupt(path, "no \"access_expires_at\" integer");
  }
  session.access_expires_at = expires->get<int64_t>();
  return std::optional<AdminSession>(std::move(session));
}

common::Status SaveSession(const fs::path& path, const AdminSession& session) {
  fs::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  STRATA_RETURN_IF_ERROR(MakePrivateDirectory(dir));
  const nlohmann::json json = {{"endpoint", session.endpoint},
                               {"user", session.user},
                               {"access_token", session.access_token},
                               {"refresh_token", session.refresh_token},
                               {"access_expires_at", session.access_expires_at}};
  const std::string text =
      json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";

  // Mode 0600 from the first instant: a file created wider and narrowed
  // afterwards could be opened by another user in between, and an open
  // descriptor outlives a chmod. (Hence not storage::DurableFileWriter,
  // which creates 0644.) O_EXCL and O_NOFOLLOW refuse a planted file or link.
  common::SecureRandom random;
  fs::path temp = path;
  temp += ".tmp-" + common::RandomHexId(random, 8);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("create", temp, errno);
  TempFileGuard guard(fd, temp);
  // The umask can only remove bits from 0600; make the mode exact anyway.
  if (::fchmod(guard.fd(), 0600) != 0) return IoError("chmod", temp, errno);
  STRATA_RETURN_IF_ERROR(WriteAll(guard.fd(), text, temp));
  // Durable before it takes the old file's name: a crash must not leave an
  // empty session where a good one was.
  if (::fsync(guard.fd()) != 0) return IoError("fsync", temp, errno);
  if (guard.CloseFd() != 0) return IoError("close", temp, errno);
  if (::rename(temp.c_str(), path.c_str()) != 0) return IoError("rename", temp, errno);
  guard.Commit();
  return storage::SyncDirectory(dir);
}

common::Status DeleteSession(const fs::path& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return IoError("remove", path, errno);
  return common::Status::Ok();
}

common::Result<SessionLock> SessionLock::Acquire(const fs::path& session_file) {
  fs::path lock_path = session_file;
  lock_path += ".lock";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("open", lock_path, errno);
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    int err = errno;
    ::close(fd);
    return IoError("lock", lock_path, err);
  }
  return SessionLock(fd);
}

SessionLock::~SessionLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace strata::app
