#include "storage/gc/garbage_collector.h"

#include <spdlog/spdlog.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace strata::storage {

using common::Code;
using common::Error;
using common::Result;
using common::Status;

namespace {

Status Stopped() { return Error(Code::kUnavailable, "garbage collection stopped"); }

}  // namespace

GarbageCollector::GarbageCollector(meta::MetaStore& meta, ChunkStore& chunks,
                                   const common::Clock& clock, GcOptions options)
    : meta_(meta), chunks_(chunks), clock_(clock), options_(options) {}

Result<GcStats> GarbageCollector::RunOnce() {
  std::lock_guard run_lock(run_mu_);
  // One cutoff for the whole pass, so both halves agree on what is old enough.
  const int64_t cutoff_ms = clock_.NowMillis() - options_.grace.count();
  GcStats stats;
  // Expired uploads first: their parts' chunks then start their grace period.
  Status status = AbortStaleUploads(stats);
  if (status.ok()) status = ReclaimUnreferenced(cutoff_ms, stats);
  // Orphans run after reclaiming: a chunk whose row was deleted but whose
  // files could not be has just become an orphan, and gets a second try here.
  if (status.ok()) status = DeleteOrphans(cutoff_ms, stats);
  AddToTotals(stats);
  if (!status.ok()) return status;
  return stats;
}

Status GarbageCollector::AbortStaleUploads(GcStats& stats) {
  if (options_.upload_max_age.count() <= 0) return Status();
  const int64_t initiated_before = clock_.NowMillis() - options_.upload_max_age.count();
  for (;;) {
    STRATA_ASSIGN_OR_RETURN(std::vector<meta::MultipartUpload> stale,
                            meta_.ListStaleUploads(initiated_before, options_.batch));
    size_t aborted = 0;
    for (const meta::MultipartUpload& upload : stale) {
      if (stop_.load()) return Stopped();
      Status status = meta_.AbortMultipartUpload(upload.upload_id, clock_.NowMillis());
      // Completed or aborted by its client meanwhile: nothing to do.
      if (status.code() == common::Code::kNoSuchUpload) continue;
      if (!status.ok()) {
        ++stats.errors;
        spdlog::warn("gc: aborting expired upload {} failed: {}", upload.upload_id,
                     status.ToString());
        continue;
      }
      ++aborted;
      ++stats.uploads_aborted;
    }
    // A short batch is the last; a batch that aborted nothing would repeat.
    if (stale.size() < options_.batch || aborted == 0) return Status();
  }
}

Status GarbageCollector::ReclaimUnreferenced(int64_t cutoff_ms, GcStats& stats) {
  // Rows that failed or were refused this pass. A failed row is still listed
  // (oldest first), so without this the loop would fetch it forever; a batch
  // with nothing new in it ends the walk, and the rest waits for the next pass.
  std::set<std::pair<std::string, std::string>> seen;
  for (;;) {
    STRATA_ASSIGN_OR_RETURN(std::vector<meta::ChunkInfo> batch,
                            meta_.ListUnreferencedChunks(cutoff_ms, options_.batch));
    bool progressed = false;
    for (const meta::ChunkInfo& chunk : batch) {
      if (stop_.load()) return Stopped();
      if (!seen.emplace(chunk.hash, chunk.location).second) continue;
      progressed = true;
      // The row goes first, the files after, and only when the row's
      // conditional delete succeeded. That is what makes racing an upload
      // safe. An upload that wants this content calls FindChunk first:
      //   * if FindChunk runs before this delete, it moves zero_since_ms to
      //     now (and the upload's commit then raises the count), so the
      //     conditional delete sees a young or referenced row and refuses;
      //     the files stay;
      //   * if it runs after, it finds no row, writes the content again under
      //     a fresh location, and commits a new row naming that; the files
      //     deleted below are the old location's, which nothing names.
      // An upload that found the row but commits only after the grace period
      // (and this delete) fails its commit with kUnavailable rather than
      // naming deleted files.
      Result<bool> deleted = meta_.DeleteUnreferencedChunk(chunk, cutoff_ms);
      if (!deleted.ok()) {
        ++stats.errors;
        spdlog::warn("gc: deleting chunk row {} failed: {}", chunk.hash,
                     deleted.status().ToString());
        continue;
      }
      if (!*deleted) continue;  // re-referenced or re-touched meanwhile: keep it
      ++stats.chunks_deleted;
      stats.bytes_reclaimed += chunk.size;
      if (Status removed = chunks_.Delete(chunk.location); !removed.ok()) {
        // The row is gone, so the files are now an orphan: the orphan half of
        // this pass (or a later one) retries them.
        ++stats.errors;
        spdlog::warn("gc: deleting files of chunk {} at {} failed: {}", chunk.hash, chunk.location,
                     removed.ToString());
      }
    }
    if (batch.size() < options_.batch || !progressed) return Status();
  }
}

Status GarbageCollector::DeleteOrphans(int64_t cutoff_ms, GcStats& stats) {
  // Collect first, then check and delete: the visit runs inside the
  // ChunkStore's directory walk, which should not see its own deletions, and
  // MetaStore calls do not belong inside it.
  std::vector<std::string> candidates;
  Status listed = chunks_.ForEachLocation([&](const StoredLocation& stored) {
    // Files modified within the grace period may belong to an upload that has
    // not committed yet.
    if (stored.modified_ms <= cutoff_ms) candidates.push_back(stored.location);
  });
  if (!listed.ok()) {
    // A partial listing (a drive offline) still names real orphans: whether a
    // location is an orphan is the metadata's answer, not the drives'. So a
    // dead drive costs a counted error, not every later sweep.
    ++stats.errors;
    spdlog::warn("gc: listing shard locations was incomplete: {}", listed.ToString());
  }
  for (const std::string& location : candidates) {
    if (stop_.load()) return Stopped();
    Result<bool> exists = meta_.ChunkLocationExists(location);
    if (!exists.ok()) {
      ++stats.errors;
      spdlog::warn("gc: checking location {} failed: {}", location, exists.status().ToString());
      continue;
    }
    if (*exists) continue;
    if (Status removed = chunks_.Delete(location); !removed.ok()) {
      ++stats.errors;
      spdlog::warn("gc: deleting orphan location {} failed: {}", location, removed.ToString());
      continue;
    }
    ++stats.orphans_deleted;
  }
  return Status();
}

void GarbageCollector::AddToTotals(const GcStats& pass) {
  std::lock_guard lock(totals_mu_);
  totals_.chunks_deleted += pass.chunks_deleted;
  totals_.orphans_deleted += pass.orphans_deleted;
  totals_.uploads_aborted += pass.uploads_aborted;
  totals_.bytes_reclaimed += pass.bytes_reclaimed;
  totals_.errors += pass.errors;
}

GcStats GarbageCollector::totals() const {
  std::lock_guard lock(totals_mu_);
  return totals_;
}

void GarbageCollector::RequestStop() { stop_.store(true); }

}  // namespace strata::storage
