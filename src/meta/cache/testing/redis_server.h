// A throwaway redis-server for tests (TESTING.md, "Redis"): started on
// 127.0.0.1 and a free port with no persistence
// (`--save '' --appendonly no`), in a directory of its own
// (strata-redis-XXXXXX in $STRATA_REDIS_TEST_DIR, else /dev/shm where there
// is one, else $TMPDIR), and killed with that directory removed when the
// object goes. It is stopped by its pid only.
//
// No server outlives its test process: the server gets PR_SET_PDEATHSIG
// (SIGKILL when the thread that started it exits, so start it from the main
// thread), and a server whose test process died anyway (kill -9 of both in
// the wrong order) is killed and removed by the next Start() on the machine.
//
// The binary is $STRATA_REDIS_SERVER, else `redis-server` on PATH. Test-only;
// not thread-safe (one test thread drives it).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>

#include "common/result.h"
#include "common/status.h"

namespace strata::meta::cache::testing {

class RedisServer {
 public:
  // Starts a server and waits (up to 10 s) until it answers PING. kInternal,
  // with the end of its log, on failure.
  static common::Result<std::unique_ptr<RedisServer>> Start();
  // Kills the server (SIGKILL, also when paused) and removes its directory.
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int port() const { return port_; }
  // "redis://127.0.0.1:<port>".
  std::string Url() const;
  // The server's pid; 0 while it is killed.
  pid_t pid() const { return pid_; }

  // Kills the server at once (SIGKILL: no shutdown, connections reset) and
  // reaps it. Its data is gone: it has no persistence. A no-op when killed.
  void Kill();
  // Starts it again, empty, on the same port. REQUIRES: killed.
  common::Status Restart();
  // SIGSTOP: the kernel still accepts connections (the listen backlog) but
  // nothing answers, as with an overloaded or wedged server.
  void Pause();
  // SIGCONT.
  void Resume();

  // Sends "PING" over a fresh connection: true when "+PONG" comes back
  // within `timeout_ms`.
  bool Ping(int timeout_ms = 1000) const;

 private:
  explicit RedisServer(std::filesystem::path dir) : dir_(std::move(dir)) {}

  common::Status Spawn();

  const std::filesystem::path dir_;
  int port_ = 0;
  pid_t pid_ = 0;
};

// The one server of a test binary, started on first use and killed when the
// tests end (a gtest Environment this library registers). Null, with a test
// failure added, when it cannot start. Tests that kill, pause or restart a
// server must start their own.
RedisServer* SharedRedisServer();

}  // namespace strata::meta::cache::testing
