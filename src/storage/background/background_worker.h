// BackgroundWorker: the one thread that runs Strata's periodic storage work
// (STYLE.md rule 10: background work off the request path, rate-limited):
//   * every gc_interval, a garbage collection pass;
//   * every second, or at once after EnqueueHeal, a drain of the heal queue;
//   * every heal_interval, a full heal pass.
// The jobs run one after another on this thread, so a long heal pass delays
// GC (the healer still drains its queue between pages). Pass summaries are
// logged at info, failures at warn.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "meta/meta_store.h"
#include "storage/gc/garbage_collector.h"
#include "storage/heal/healer.h"

namespace strata::storage {

struct BackgroundOptions {
  // Time between automatic runs, counted from the end of the previous run
  // (or from construction). Zero means never automatically; the Trigger*
  // methods still work.
  std::chrono::milliseconds gc_interval{0};
  std::chrono::milliseconds heal_interval{0};
};

// Passes the worker has finished (or ended with an error), for tests and
// metrics.
struct BackgroundRuns {
  uint64_t gc_passes = 0;
  uint64_t heal_passes = 0;
  uint64_t queue_drains = 0;  // drains that healed at least one chunk
  bool operator==(const BackgroundRuns&) const = default;
};

// The constructor starts the thread; Stop() or the destructor ends it.
// Thread-safe: every method may be called from any thread, but not from
// inside the jobs (they run on the worker's own thread).
class BackgroundWorker {
 public:
  // `gc` and `healer` must outlive the worker.
  BackgroundWorker(GarbageCollector& gc, Healer& healer, BackgroundOptions options);
  // Calls Stop().
  ~BackgroundWorker();

  BackgroundWorker(const BackgroundWorker&) = delete;
  BackgroundWorker& operator=(const BackgroundWorker&) = delete;

  // Healer::Enqueue, then wakes the worker to drain the queue now rather
  // than within the second. The degraded-read callback to wire up.
  void EnqueueHeal(const meta::ChunkInfo& chunk);

  // Asks for a full heal pass soon and returns at once. Ignored while a pass
  // runs; several requests before it starts make one pass.
  void TriggerHealPass();
  // The same for a GC pass.
  void TriggerGc();

  // Ends the worker: the running GC or heal pass stops at its next item (the
  // rate limiter's sleep included), then the thread is joined. Also stops
  // `gc` and `healer` for good (their RequestStop). Idempotent; returns once
  // the thread has ended.
  void Stop();

  BackgroundRuns runs() const;

 private:
  void Run();
  void RunGc();
  void RunHealPass();
  bool Stopping() const;

  GarbageCollector& gc_;
  Healer& healer_;
  const BackgroundOptions options_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;             // GUARDED_BY(mu_)
  bool gc_requested_ = false;     // GUARDED_BY(mu_)
  bool heal_requested_ = false;   // GUARDED_BY(mu_)
  bool drain_requested_ = false;  // GUARDED_BY(mu_)
  bool gc_running_ = false;       // GUARDED_BY(mu_)
  bool heal_running_ = false;     // GUARDED_BY(mu_)
  BackgroundRuns runs_;           // GUARDED_BY(mu_)

  std::mutex join_mu_;  // serializes Stop()'s join
  std::thread thread_;  // started last in the constructor
};

}  // namespace strata::storage
