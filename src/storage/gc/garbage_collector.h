// GarbageCollector: removes chunk contents nothing references any more
// (ARCHITECTURE.md section 4, "Delete / overwrite"). Two kinds of garbage:
//   * unreferenced chunks: rows whose reference count has stayed 0 for the
//     grace period (the object that used them was deleted or overwritten);
//   * orphans: shard sets on the drives that no chunk row names, left by a
//     write that stored a chunk but never committed (crash mid-PUT, client
//     gone, lost a dedup race).
// Both wait out the same grace period, so a reader mid-stream, or an upload
// that deduplicated against a chunk or has written one but not committed
// yet, never loses it. The grace period must therefore exceed the longest
// time from a chunk's ChunkStore::Write to the commit that names it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

#include "common/clock.h"
#include "common/result.h"
#include "meta/meta_store.h"
#include "storage/chunk_store.h"

namespace strata::storage {

struct GcOptions {
  // How long garbage must have been garbage before it is removed: a chunk's
  // refcount 0 since (zero_since_ms), an orphan's files unmodified for.
  std::chrono::milliseconds grace{std::chrono::hours(1)};
  // Chunk rows fetched per ListUnreferencedChunks call. REQUIRES: >= 1.
  size_t batch = 1000;
  // Multipart uploads older than this are aborted, which releases their
  // parts' chunks to the collection above. 0: uploads never expire.
  std::chrono::milliseconds upload_max_age{0};
};

// What one pass (or the collector's life, for totals()) removed.
struct GcStats {
  uint64_t chunks_deleted = 0;   // unreferenced chunk rows deleted
  uint64_t orphans_deleted = 0;  // shard sets without a row deleted
  uint64_t uploads_aborted = 0;  // multipart uploads past upload_max_age
  // Content bytes (ChunkInfo::size) of the deleted chunk rows. Orphans add
  // nothing: the ChunkStore does not report their size.
  uint64_t bytes_reclaimed = 0;
  // Per-item failures (a row or a location) that were skipped; the item is
  // retried by the next pass.
  uint64_t errors = 0;
  bool operator==(const GcStats&) const = default;
};

// Thread-safe: totals() and RequestStop() may be called from any thread at
// any time; RunOnce() calls are serialized internally (a second caller
// waits for the first pass to end). `meta`, `chunks` and `clock` must
// outlive the collector.
class GarbageCollector {
 public:
  GarbageCollector(meta::MetaStore& meta, ChunkStore& chunks, const common::Clock& clock,
                   GcOptions options);

  // One full pass: first every unreferenced chunk past the grace period, then
  // every orphan location older than it. A failure on one item is counted in
  // GcStats::errors and the pass goes on. Returns this pass's figures, or
  // the error of a call the whole pass depends on (listing unreferenced
  // chunks, ForEachLocation); the work done before such an error still counts
  // in totals(). After RequestStop() a pass ends early with kUnavailable.
  common::Result<GcStats> RunOnce();

  // Sum over all passes so far, including partial ones.
  GcStats totals() const;

  // Makes the running pass (if any) and every later one end at the next
  // item. Used at shutdown; there is no way back.
  void RequestStop();

 private:
  // The two halves of a pass; each adds to `stats`.
  common::Status ReclaimUnreferenced(int64_t cutoff_ms, GcStats& stats);
  common::Status AbortStaleUploads(GcStats& stats);
  common::Status DeleteOrphans(int64_t cutoff_ms, GcStats& stats);
  void AddToTotals(const GcStats& pass);

  meta::MetaStore& meta_;
  ChunkStore& chunks_;
  const common::Clock& clock_;
  const GcOptions options_;

  std::mutex run_mu_;  // held for a whole RunOnce: one pass at a time
  std::atomic<bool> stop_{false};
  mutable std::mutex totals_mu_;
  GcStats totals_;  // GUARDED_BY(totals_mu_)
};

}  // namespace strata::storage
