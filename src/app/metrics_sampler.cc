#include "app/metrics_sampler.h"

#include <sys/statvfs.h>

namespace strata::app {

obs::ScrapeSample SampleMetrics(const MetricsSources& sources) {
  obs::ScrapeSample s;
  s.open_connections = sources.server.OpenConnections();
  s.requests_in_flight = sources.server.InflightRequests();

  if (auto stats = sources.meta.GetStorageStats(); stats.ok()) {
    // As the admin API reports it: bytes every version would take without
    // dedup over the bytes they do take (inline bytes count on both sides).
    const uint64_t stored = stats->chunk_bytes + stats->inline_bytes;
    const uint64_t logical = stats->logical_bytes + stats->noncurrent_bytes;
    s.storage = obs::StorageSample{
        .objects = stats->objects,
        .logical_bytes = stats->logical_bytes,
        .inline_bytes = stats->inline_bytes,
        .chunks = stats->chunks,
        .chunk_bytes = stats->chunk_bytes,
        .unreferenced_chunks = stats->unreferenced_chunks,
        .noncurrent_versions = stats->noncurrent_versions,
        .noncurrent_bytes = stats->noncurrent_bytes,
        .delete_markers = stats->delete_markers,
        .dedup_ratio =
            stored == 0 ? 1.0 : static_cast<double>(logical) / static_cast<double>(stored),
    };
  }

  for (const auto& drive : sources.chunks.DriveStatuses()) {
    obs::DriveSample d{
        .drive = drive.path.string(), .online = drive.online, .errors = drive.errors};
    struct statvfs fs {};
    if (::statvfs(drive.path.c_str(), &fs) == 0) {
      // f_bavail: what an unprivileged writer (Strata) may still use.
      d.free_bytes = static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
      d.total_bytes = static_cast<uint64_t>(fs.f_blocks) * fs.f_frsize;
    }
    s.drives.push_back(std::move(d));
  }

  s.reconstructions = sources.chunks.reconstructions();
  s.corruptions_found = sources.chunks.corruptions_found();
  const storage::HealProgress heal = sources.healer.progress();
  s.heal_passes = heal.passes_completed;
  s.heal_chunks_checked = heal.chunks_checked;
  s.heal_shards_rebuilt = heal.shards_rebuilt;
  s.heal_queue_length = heal.queued;
  if (sources.upload_memory != nullptr) {
    s.upload_memory_leased = sources.upload_memory->leased();
    s.upload_memory_waits = sources.upload_memory->waits();
  }
  const storage::GcStats gc = sources.gc.totals();
  s.gc_chunks_deleted = gc.chunks_deleted;
  s.gc_orphans_deleted = gc.orphans_deleted;
  s.gc_uploads_aborted = gc.uploads_aborted;
  s.gc_bytes_reclaimed = gc.bytes_reclaimed;

  if (sources.cache != nullptr) {
    const meta::cache::CacheStats cache = sources.cache->stats();
    s.cache = obs::CacheSample{.hits = cache.hits,
                               .misses = cache.misses,
                               .errors = cache.errors,
                               .connected = cache.connected};
  }
  if (sources.postgres != nullptr) {
    const auto retries = sources.postgres->retry_counts();
    s.meta_retries = obs::MetaRetrySample{.conflicts = retries.conflict_retries,
                                          .reconnects = retries.reconnects};
  }
  return s;
}

}  // namespace strata::app
