// RedisConnection: one synchronous hiredis connection with bounded waits, and
// Reply, a Redis answer in plain C++ types (so hiredis stays inside this
// file's .cc). Private to meta/cache.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "meta/cache/internal/redis_url.h"

struct redisContext;

namespace strata::meta::cache::internal {

struct Reply {
  enum class Type { kNil, kInteger, kString, kStatus, kError, kArray };
  Type type = Type::kNil;
  int64_t integer = 0;       // kInteger
  std::string text;          // kString (binary-safe), kStatus, kError
  std::vector<Reply> array;  // kArray
};

// Not thread-safe: one user at a time (the pool hands it out exclusively).
//
// Every wait is bounded by `timeout`: the TCP connect, and each read or write
// of a command (SO_RCVTIMEO/SO_SNDTIMEO), so a Redis that accepts connections
// but never answers (stopped, overloaded) costs at most about `timeout` per
// call. After any I/O failure the connection is broken() and must be dropped.
//
// SIGPIPE: a write to a connection Redis closed would raise SIGPIPE, which
// kills a process that has not ignored it. Each command blocks SIGPIPE in the
// calling thread and discards one it caused, so this class is safe in
// processes (tests, tools) that did not set SIGPIPE to SIG_IGN.
class RedisConnection {
 public:
  // Connects, then AUTHs and SELECTs as the endpoint says. kUnavailable when
  // Redis cannot be reached or refuses (a wrong password), kTimeout when it
  // does not answer within `timeout`.
  static common::Result<std::unique_ptr<RedisConnection>> Connect(
      const RedisEndpoint& endpoint, std::chrono::milliseconds timeout);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Sends one command (binary-safe arguments) and reads its reply. A Redis
  // error reply ("-ERR ...", "-NOSCRIPT ...") is a Reply of Type::kError, not
  // a failure. Fails with kTimeout when no reply came within the timeout,
  // kUnavailable when the connection broke (closed by Redis, reset), kInternal
  // for a protocol error; broken() is true after any of them.
  // REQUIRES: !broken().
  common::Result<Reply> Command(const std::vector<std::string_view>& argv);

  bool broken() const { return broken_; }

 private:
  explicit RedisConnection(redisContext* context) : context_(context) {}

  redisContext* context_;
  bool broken_ = false;
};

}  // namespace strata::meta::cache::internal
