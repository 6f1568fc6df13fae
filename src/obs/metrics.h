// Metrics: Strata's Prometheus metrics (ARCHITECTURE.md section 8), served as
// text at /_strata/metrics by the app's own HTTP server. The family names are
// fixed: docs/operations.md lists them and dashboards are written against
// them.
//
// Two kinds of figures:
//   * recorded as they happen: requests (RecordRequest), metadata store
//     calls (ObserveMetaOperation) and audit records (CountAuditRecords);
//   * sampled when scraped: connections, drives, capacity, heal and GC
//     progress. The app registers a sampler (SetSampler) that reads them from
//     the HTTP server and the storage engine, so obs depends on nothing but
//     common and prometheus-cpp.
//
// Label values are bounded: operations, S3 error codes and drives come from
// closed sets, and each label additionally keeps at most kMaxLabelValues
// distinct values; later new values are folded into "Other", so a caller
// bug can never grow the series count without limit. Never pass keys,
// bucket names or request paths as labels.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::obs {

// One finished HTTP request, as the S3 handler or the reserved-path handler
// saw it.
struct RequestRecord {
  // S3 operation name (s3::OperationName), "Reserved" for /_strata/ paths,
  // "Unknown" when the request could not be parsed.
  std::string_view operation;
  int status = 0;               // HTTP status sent; outside 100..599 counts as 5xx
  double duration_seconds = 0;  // from the handler taking the request to its last byte
  uint64_t received_bytes = 0;  // request payload bytes read
  uint64_t sent_bytes = 0;      // response body bytes written
  std::string_view error_code;  // S3 error code ("NoSuchKey"); "" when none
};

// Figures read from the HTTP server and the storage engine at scrape time.
struct DriveSample {
  std::string drive;  // the configured drive folder: a closed, fixed set
  bool online = false;
  uint64_t errors = 0;  // I/O failures since start
  // statvfs of the folder; nullopt when it failed (the gauges then keep
  // their last value rather than claim 0 bytes).
  std::optional<uint64_t> free_bytes;
  std::optional<uint64_t> total_bytes;
};

struct StorageSample {
  uint64_t objects = 0;
  uint64_t logical_bytes = 0;
  uint64_t inline_bytes = 0;
  uint64_t chunks = 0;
  uint64_t chunk_bytes = 0;
  uint64_t unreferenced_chunks = 0;
  uint64_t noncurrent_versions = 0;
  uint64_t noncurrent_bytes = 0;
  uint64_t delete_markers = 0;
  double dedup_ratio = 1.0;
};

// The metadata cache's counters (meta/cache/cached_meta_store.h, CacheStats).
struct CacheSample {
  uint64_t hits = 0;    // reads answered from Redis, since start
  uint64_t misses = 0;  // reads that went to the store, since start
  uint64_t errors = 0;  // Redis round trips that failed or timed out, since start
  bool connected = false;
};

// The PostgreSQL store's transaction retries (meta/postgres, RetryCounts).
struct MetaRetrySample {
  uint64_t conflicts = 0;   // transactions run again after a serialization failure
  uint64_t reconnects = 0;  // connections reset after PostgreSQL went away
};

struct ScrapeSample {
  uint64_t open_connections = 0;
  uint64_t requests_in_flight = 0;
  // nullopt when the metadata store did not answer: those gauges keep their
  // last value.
  std::optional<StorageSample> storage;
  std::vector<DriveSample> drives;
  // Totals since start, non-decreasing (exported as counters).
  uint64_t reconstructions = 0;
  uint64_t corruptions_found = 0;
  uint64_t heal_passes = 0;
  uint64_t heal_chunks_checked = 0;
  uint64_t heal_shards_rebuilt = 0;
  uint64_t gc_chunks_deleted = 0;
  uint64_t gc_orphans_deleted = 0;
  uint64_t gc_uploads_aborted = 0;
  uint64_t gc_bytes_reclaimed = 0;
  uint64_t upload_memory_waits = 0;  // uploads that waited for the budget
  // Current values.
  uint64_t heal_queue_length = 0;
  uint64_t upload_memory_leased = 0;  // bytes uploads hold of the budget
  // nullopt when no cache is configured: the strata_meta_cache_* series are
  // then absent from the scrape (their families show no samples).
  std::optional<CacheSample> cache;
  // nullopt unless the metadata store is PostgreSQL: strata_meta_retries_total
  // is then absent.
  std::optional<MetaRetrySample> meta_retries;
};

// Thread-safety: every method may be called concurrently, except
// SetSampler, which must be called before the first Scrape.
class Metrics {
 public:
  // Distinct values one label may take before new ones become "Other".
  static constexpr size_t kMaxLabelValues = 200;

  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Counts a request: requests_total, duration, bytes, and errors_total when
  // error_code is set.
  void RecordRequest(const RequestRecord& record);

  // One MetaStore call named `operation` (its method name) took `seconds`.
  void ObserveMetaOperation(std::string_view operation, double seconds);

  // The audit trail (obs/audit_trail.h) committed `written` records to the
  // metadata store and gave up on `lost` ones: strata_audit_records_total
  // and strata_audit_records_lost_total.
  void CountAuditRecords(uint64_t written, uint64_t lost);

  // The function Scrape calls first to refresh the sampled figures. It runs
  // on the scraping thread and may block (it queries the metadata store).
  // Without a sampler those figures stay at zero.
  void SetSampler(std::function<ScrapeSample()> sampler);

  // Runs the sampler, applies its figures and returns every family in the
  // Prometheus text format 0.0.4 (kContentType).
  std::string Scrape();

  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "2xx" for 200..299 and so on; anything outside 100..599 is "5xx" (a
// response that never got a valid status is a server-side failure).
std::string_view StatusClass(int status);

}  // namespace strata::obs
