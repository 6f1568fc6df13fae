// The `strata admin` session file: what `strata admin login` keeps between
// commands — the server, the user, and the token pair from POST login
// (docs/admin-api.md). The tokens are secrets: the file is private to its
// owner (mode 0600, in a directory created 0700) and written atomically, so
// a crash or a concurrent command never leaves half a session behind.
//
//   {"endpoint": "http://127.0.0.1:9000", "user": "alice",
//    "access_token": "eyJ...", "refresh_token": "...",
//    "access_expires_at": 1764550900}
//
// Functions here are thread-compatible: two processes saving at once each
// write a complete file and the last rename wins.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "common/result.h"

namespace strata::app {

struct AdminSession {
  std::string endpoint;  // the server the tokens belong to, as given at login
  std::string user;
  std::string access_token;       // JWT for Authorization: Bearer
  std::string refresh_token;      // spent by one POST refresh
  int64_t access_expires_at = 0;  // Unix seconds; 0 means "treat as expired"
};

// The session file's path: strata_config ($STRATA_CONFIG) when non-empty,
// else <home>/.config/strata/session.json. Either argument may be null.
// kInvalidArgument when neither is set.
common::Result<std::filesystem::path> DefaultSessionPath(const char* strata_config,
                                                         const char* home);

// Reads the session at path. nullopt when there is no file. kCorruption when
// the file is not a session (not JSON, a field missing or of the wrong type),
// with a message naming the file and telling the user to log in again;
// kUnavailable when it cannot be read. Unknown fields are ignored.
common::Result<std::optional<AdminSession>> LoadSession(const std::filesystem::path& path);

// Replaces the file at path with session: written to a temporary file
// created with mode 0600 in the same directory, fsynced, renamed over path,
// then the directory fsynced. The directory is created (mode 0700, missing
// parents 0755 less the umask) when missing; an existing one is left as it
// is. On failure the previous file is untouched and no temporary file stays.
// kUnavailable on an I/O error.
common::Status SaveSession(const std::filesystem::path& path, const AdminSession& session);

// Removes the file. OK when there was none; kUnavailable on an I/O error.
common::Status DeleteSession(const std::filesystem::path& path);

// An exclusive advisory lock (flock) on "<session file>.lock", held by a
// command while it refreshes the session. Two commands that find the access
// token expired at the same moment would otherwise both spend the one-use
// refresh token, and the server takes a second spend for a stolen token and
// revokes the whole session (docs/admin-api.md, POST refresh). The lock file
// is created with mode 0600 and left in place. Released on destruction.
class SessionLock {
 public:
  // Blocks until the lock is free. kUnavailable on an I/O error (e.g. the
  // session directory is missing).
  static common::Result<SessionLock> Acquire(const std::filesystem::path& session_file);
  ~SessionLock();
  SessionLock(SessionLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  SessionLock& operator=(SessionLock&&) = delete;
  SessionLock(const SessionLock&) = delete;

 private:
  explicit SessionLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace strata::app
