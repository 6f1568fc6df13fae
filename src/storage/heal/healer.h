// Healer: finds chunks with missing or corrupt shards and rebuilds them from
// the good ones (ARCHITECTURE.md section 4, "Healer / scanner"). Two sources
// of work:
//   * a queue of chunks known to be damaged (a read had to rebuild from
//     parity, a write missed a drive), repaired first;
//   * full passes over every chunk row in the MetaStore, which find damage
//     nobody has read yet (bit rot, a replaced drive).
// The repair itself is ChunkStore::Heal; this class decides what to heal,
// how fast, and keeps the figures the admin API and metrics report.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_set>

#include "common/clock.h"
#include "common/status.h"
#include "meta/meta_store.h"
#include "storage/chunk_store.h"

namespace strata::storage {

struct HealerOptions {
  // Most chunks waiting in the queue; Enqueue drops chunks beyond it (a full
  // pass finds them later).
  size_t queue_limit = 10000;
  // Heal calls per second, over passes and queue drains together, so
  // background repair leaves the drives to foreground traffic. 0 = unlimited.
  double max_chunks_per_second = 0;
  // Chunk rows fetched per MetaStore::ListChunks call. REQUIRES: >= 1.
  size_t page_size = 1000;
};

// Figures since the healer was built (counters only grow), for the admin
// API and metrics.
struct HealProgress {
  bool pass_running = false;
  uint64_t passes_completed = 0;  // full passes that reached the last chunk
  uint64_t chunks_checked = 0;    // Heal calls, from passes and the queue
  uint64_t shards_missing = 0;    // summed over HealResults
  uint64_t shards_corrupt = 0;
  uint64_t shards_rebuilt = 0;
  uint64_t chunks_unrecoverable = 0;  // Heal failed: fewer than K good shards, or an I/O error
  uint64_t queued = 0;                // chunks in the queue now
  int64_t last_pass_started_ms = 0;   // Clock time; 0 = never
  // When the last completed pass ended; older than last_pass_started_ms while
  // a pass runs or after one was stopped. 0 = never.
  int64_t last_pass_finished_ms = 0;
};

// Thread-safe: every method may be called from any thread. At most one full
// pass runs at a time; queue drains may run beside it (each chunk is healed
// by one caller, but a chunk can be healed by a pass and a drain at once,
// which ChunkStore::Heal tolerates). `meta`, `chunks` and `clock` must
// outlive the healer.
class Healer {
 public:
  Healer(meta::MetaStore& meta, ChunkStore& chunks, const common::Clock& clock,
         HealerOptions options);

  // Queues a chunk for repair, unless a chunk with the same location is
  // already queued or the queue holds queue_limit chunks (then it is
  // dropped). Never blocks on I/O; fit for ChunkStore's degraded-read
  // callback.
  void Enqueue(const meta::ChunkInfo& chunk);

  // Heals the chunks queued when the call starts (chunks queued meanwhile
  // wait for the next drain), rate-limited. Returns how many it healed or
  // tried to; stops early after RequestStop(), leaving the rest queued.
  size_t DrainQueue();

  // Walks every chunk row in hash order, a page at a time, healing each,
  // rate-limited; queued chunks are drained between pages so a long pass does
  // not delay known damage. Per-chunk failures are counted, not returned.
  // Returns OK when the walk reached the end; kUnavailable when a pass is
  // already running or after RequestStop() (the pass ends at the next
  // chunk, or at once if it was sleeping for the rate limit); a ListChunks
  // error ends the pass and is returned.
  common::Status RunFullPass();

  // Ends the running pass and drain early and makes later ones return at
  // once. Used at shutdown; there is no way back.
  void RequestStop();

  HealProgress progress() const;

 private:
  // Heals one chunk and adds its result to the counters.
  void HealOne(const meta::ChunkInfo& chunk);
  // Sleeps until the rate limit allows the next Heal. Returns false when
  // stopped (at once, or during the sleep).
  bool Pace();

  meta::MetaStore& meta_;
  ChunkStore& chunks_;
  const common::Clock& clock_;
  const HealerOptions options_;

  mutable std::mutex mu_;
  std::condition_variable stop_cv_;         // wakes Pace() on RequestStop
  bool stop_ = false;                       // GUARDED_BY(mu_)
  std::deque<meta::ChunkInfo> queue_;       // GUARDED_BY(mu_)
  std::unordered_set<std::string> queued_;  // GUARDED_BY(mu_): locations in queue_
  // The earliest time the next Heal may start under the rate limit.
  std::chrono::steady_clock::time_point next_heal_;  // GUARDED_BY(mu_)
  HealProgress progress_;                            // GUARDED_BY(mu_); queued is filled on read
};

}  // namespace strata::storage
