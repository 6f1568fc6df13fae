// RedisClient: the cache's connection to Redis — a small pool, health
// tracking with a background reconnector, the "dirty" rule (an invalidation
// that did not reach Redis forbids using the cache until the global epoch has
// been bumped), and Lua scripts run by SHA. Private to meta/cache; the
// protocol it serves is described in cached_meta_store.h.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/result.h"
#include "meta/cache/internal/redis_connection.h"
#include "meta/cache/internal/redis_url.h"

namespace strata::meta::cache::internal {

// A Lua script and its SHA-1 (hex), for EVALSHA.
struct Script {
  explicit Script(std::string_view source);
  std::string source;
  std::string sha1;
};

struct ClientOptions {
  std::chrono::milliseconds timeout{50};  // connect, and each command round trip
  int connections = 4;                    // most pooled connections; >= 1
  std::string epoch_key;                  // INCR'd to bump the epoch
  // Reconnect attempts start this far apart and double up to the cap.
  std::chrono::milliseconds backoff_initial{20};
  std::chrono::milliseconds backoff_cap{500};
};

// Thread-safe.
//
// States: the client is usable() when it is connected and clean. It starts
// neither: the process may have a predecessor that died between a commit and
// its invalidation, so the first connection bumps the epoch before anything
// is read (see cached_meta_store.h, "Epoch"). While not usable, Eval fails at
// once without a round trip, and a background thread reconnects with backoff;
// on success it bumps the epoch when the client is dirty or Redis restarted
// (its run_id changed: a restart from a snapshot could bring back entries
// that were invalidated since), then makes the client usable.
class RedisClient {
 public:
  RedisClient(RedisEndpoint endpoint, ClientOptions options);
  // Stops the reconnector. REQUIRES: no call in progress.
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // One reconnect attempt in the calling thread (bounded by a few timeouts),
  // then starts the background reconnector. Call once, before use.
  void Start();

  bool usable() const;

  // Runs `script` with `keys` and `args` on a pooled connection: EVALSHA,
  // falling back to EVAL when Redis lost its script cache. Waits at most
  // `acquire_wait` for a free connection when all are busy.
  //   * kUnavailable at once, without a round trip, when !usable();
  //   * kUnavailable when no connection freed up in time;
  //   * kTimeout, kUnavailable or kInternal when the round trip failed
  //     (counted in errors()); a connection-level failure also makes the
  //     client unusable until the reconnector succeeds. A connection that
  //     broke before sending anything (closed by Redis while idle) is
  //     replaced and the command retried once.
  //   * a Redis error reply becomes kInternal (counted in errors()).
  common::Result<Reply> Eval(const Script& script, const std::vector<std::string>& keys,
                             const std::vector<std::string_view>& args,
                             std::chrono::milliseconds acquire_wait);

  // Records that an invalidation may not have reached Redis: the client is
  // unusable until the reconnector has bumped the epoch on a connection made
  // after this call. Called after the write it covers has committed.
  void MarkDirty();

  uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }

 private:
  struct Pooled {
    std::unique_ptr<RedisConnection> connection;
    uint64_t generation = 0;  // generation_ when it was made
  };

  // Opens a connection and reads Redis's run_id (INFO server).
  common::Result<std::unique_ptr<RedisConnection>> Open(std::string* run_id) const;
  // One reconnect attempt: open, bump the epoch if needed, become usable.
  common::Status Recover();
  void ReconnectLoop();

  // A connection for one command, or the reason there is none. `fresh` says
  // it was just opened (a failure on it is not an idle-close).
  common::Result<Pooled> Acquire(std::chrono::milliseconds wait, bool* fresh);
  void Release(Pooled pooled);
  // Drops every pooled connection and makes the client unusable, unless
  // `generation` is already past (a connection from before the last outage).
  void MarkDown(uint64_t generation);
  bool UsableLocked() const { return up_ && dirty_seq_ == clean_seq_; }

  const RedisEndpoint endpoint_;
  const ClientOptions options_;
  std::atomic<uint64_t> errors_{0};

  mutable std::mutex mu_;
  std::condition_variable idle_cv_;       // a connection came back, or the state changed
  std::condition_variable reconnect_cv_;  // the reconnector has work, or must stop
  bool up_ = false;                       // GUARDED_BY(mu_)
  // MarkDirty() calls so far, and how many of them an epoch bump covers. The
  // first connection of the process bumps too, hence 1 and 0.
  uint64_t dirty_seq_ = 1;    // GUARDED_BY(mu_)
  uint64_t clean_seq_ = 0;    // GUARDED_BY(mu_)
  std::string run_id_;        // GUARDED_BY(mu_): Redis's, when last usable
  uint64_t generation_ = 0;   // GUARDED_BY(mu_): bumped by MarkDown
  std::vector<Pooled> idle_;  // GUARDED_BY(mu_)
  int open_ = 0;              // GUARDED_BY(mu_): idle + handed out
  bool stop_ = false;         // GUARDED_BY(mu_)

  std::mutex recover_mu_;  // one Recover() at a time
  std::thread reconnector_;
};

}  // namespace strata::meta::cache::internal
