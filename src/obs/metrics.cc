#include "obs/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <sstream>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "common/string_hash.h"

namespace strata::obs {
namespace {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;

// prometheus-cpp throws (std::invalid_argument) only for invalid metric or
// label *names* and unsorted buckets; every name and bucket list here is a
// constant, so nothing in this file can throw except std::bad_alloc.

// Requests: 1 ms .. 60 s (a 4 MiB chunk write is tens of ms; a multi-GiB GET
// streams for many seconds).
const Histogram::BucketBoundaries kRequestBuckets = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
// Metadata calls are mostly sub-millisecond SQLite queries: 100 us .. 10 s.
const Histogram::BucketBoundaries kMetaBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                  0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                                  1,      2.5,     5,      10};

constexpr std::string_view kOther = "Other";

// One label's value set, capped at Metrics::kMaxLabelValues.
class BoundedLabel {
 public:
  std::string Bound(std::string_view value) {
    std::lock_guard lock(mu_);
    std::string v(value);
    if (seen_.contains(v)) return v;
    if (seen_.size() >= Metrics::kMaxLabelValues) return std::string(kOther);
    seen_.insert(v);
    return v;
  }

 private:
  std::mutex mu_;
  std::unordered_set<std::string> seen_;  // GUARDED_BY(mu_)
};

// A Prometheus counter fed from a running total kept elsewhere: each scrape
// adds what the total grew by since the last one.
struct DeltaCounter {
  Counter* counter = nullptr;
  uint64_t last = 0;

  void Advance(uint64_t total) {
    // Totals only grow while the process runs; a smaller one (never expected)
    // restarts the baseline instead of making the counter go backwards.
    if (total > last) counter->Increment(static_cast<double>(total - last));
    last = total;
  }
};

// The request families' children of one operation. Family::Add builds a
// label map, hashes it and takes the family's lock on every call; a request
// made four such calls, and each metadata call one more.
struct OperationSeries {
  std::string label;  // the operation label's value
  // By status class (1xx..5xx), made on first use so an operation exports
  // only the classes it answered.
  std::array<std::atomic<Counter*>, 5> requests{};
  Histogram* duration = nullptr;
  Counter* received = nullptr;
  Counter* sent = nullptr;
};

// The children of one family per label value, found without allocating.
// Only values the BoundedLabel admitted are kept, so it is bounded too.
template <class Series>
class SeriesCache {
 public:
  // The cached series of value, or null.
  Series* Find(std::string_view value) {
    std::shared_lock lock(mu_);
    auto it = series_.find(value);
    return it == series_.end() ? nullptr : it->second.get();
  }
  // Keeps made under value (unless another thread was first) and returns
  // the one kept.
  Series* Keep(std::string_view value, std::unique_ptr<Series> made) {
    std::unique_lock lock(mu_);
    return series_.try_emplace(std::string(value), std::move(made)).first->second.get();
  }

 private:
  std::shared_mutex mu_;
  std::unordered_map<std::string, std::unique_ptr<Series>, common::StringHash, std::equal_to<>>
      series_;  // GUARDED_BY(mu_)
};

template <class T>
Family<T>& Build(prometheus::detail::Builder<T> builder, prometheus::Registry& registry,
                 const char* name, const char* help) {
  return builder.Name(name).Help(help).Register(registry);
}

}  // namespace

std::string_view StatusClass(int status) {
  if (status >= 100 && status < 200) return "1xx";
  if (status >= 200 && status < 300) return "2xx";
  if (status >= 300 && status < 400) return "3xx";
  if (status >= 400 && status < 500) return "4xx";
  return "5xx";
}

struct Metrics::Impl {
  Impl()
      : registry(std::make_shared<prometheus::Registry>()),
        requests(Build(prometheus::BuildCounter(), *registry, "strata_http_requests_total",
                       "HTTP requests by S3 operation and status class")),
        duration(Build(prometheus::BuildHistogram(), *registry,
                       "strata_http_request_duration_seconds",
                       "HTTP request latency by S3 operation")),
        received(Build(prometheus::BuildCounter(), *registry, "strata_http_received_bytes_total",
                       "Request payload bytes read, by S3 operation")),
        sent(Build(prometheus::BuildCounter(), *registry, "strata_http_sent_bytes_total",
                   "Response body bytes written, by S3 operation")),
        errors(Build(prometheus::BuildCounter(), *registry, "strata_s3_errors_total",
                     "S3 error responses by error code")),
        meta_duration(Build(prometheus::BuildHistogram(), *registry,
                            "strata_meta_operation_duration_seconds",
                            "Metadata store call latency by method")),
        in_flight(Build(prometheus::BuildGauge(), *registry, "strata_http_requests_in_flight",
                        "Requests being handled or queued for a worker")
                      .Add({})),
        open_connections(Build(prometheus::BuildGauge(), *registry, "strata_http_open_connections",
                               "Open client connections")
                             .Add({})),
        drive_online(Build(prometheus::BuildGauge(), *registry, "strata_drive_online",
                           "1 when the drive is in service, 0 while it is offline after an I/O "
                           "failure")),
        drive_errors(Build(prometheus::BuildGauge(), *registry, "strata_drive_errors",
                           "I/O failures on the drive since start")),
        drive_free(Build(prometheus::BuildGauge(), *registry, "strata_drive_free_bytes",
                         "Bytes available to Strata on the drive's filesystem (statvfs)")),
        drive_total(Build(prometheus::BuildGauge(), *registry, "strata_drive_total_bytes",
                          "Size of the drive's filesystem (statvfs)")),
        cache_hits_family(Build(prometheus::BuildCounter(), *registry,
                                "strata_meta_cache_hits_total",
                                "Metadata reads answered by the Redis cache")),
        cache_misses_family(Build(prometheus::BuildCounter(), *registry,
                                  "strata_meta_cache_misses_total",
                                  "Cacheable metadata reads that went to the metadata store")),
        cache_errors_family(Build(prometheus::BuildCounter(), *registry,
                                  "strata_meta_cache_errors_total",
                                  "Redis round trips that failed or timed out")),
        meta_retries_family(Build(prometheus::BuildCounter(), *registry,
                                  "strata_meta_retries_total",
                                  "PostgreSQL transactions run again, by kind: conflict "
                                  "(serialization failure) or reconnect (connection lost)")),
        cache_connected_family(Build(prometheus::BuildGauge(), *registry,
                                     "strata_meta_cache_connected",
                                     "1 while the metadata cache is connected to Redis")),
        audit_records(Build(prometheus::BuildCounter(), *registry, "strata_audit_records_total",
                            "Audit records committed to the metadata store")
                          .Add({})),
        audit_lost(Build(prometheus::BuildCounter(), *registry, "strata_audit_records_lost_total",
                         "Audit records the metadata store refused after retries, or recorded "
                         "after shutdown")
                       .Add({})) {
    auto gauge = [&](const char* name, const char* help) -> Gauge* {
      return &Build(prometheus::BuildGauge(), *registry, name, help).Add({});
    };
    auto counter = [&](const char* name, const char* help) {
      return DeltaCounter{&Build(prometheus::BuildCounter(), *registry, name, help).Add({})};
    };
    objects = gauge("strata_objects", "Objects stored");
    logical_bytes = gauge("strata_logical_bytes", "Sum of object sizes");
    inline_bytes = gauge("strata_inline_bytes", "Object bytes stored inline in metadata rows");
    chunks = gauge("strata_chunks", "Chunk rows, referenced or awaiting GC");
    chunk_bytes = gauge("strata_chunk_bytes", "Sum of chunk sizes, before erasure overhead");
    unreferenced_chunks =
        gauge("strata_unreferenced_chunks", "Chunks no object references, awaiting GC");
    noncurrent_versions =
        gauge("strata_noncurrent_versions", "Object versions that are not the latest of their key");
    noncurrent_bytes = gauge("strata_noncurrent_bytes", "Sum of non-current versions' sizes");
    delete_markers = gauge("strata_delete_markers", "Delete markers, latest or not");
    dedup_ratio = gauge("strata_dedup_ratio",
                        "Logical bytes over stored bytes (distinct chunks plus inline)");
    heal_queue = gauge("strata_heal_queue_length", "Chunks queued for healing");
    upload_memory = gauge("strata_upload_memory_bytes",
                          "Bytes of the upload memory budget (--upload-memory) held by uploads");
    upload_waits = counter("strata_upload_memory_waits_total",
                           "Uploads that waited for the upload memory budget");
    reconstructions =
        counter("strata_reconstructions_total", "Chunks rebuilt from parity by reads");
    corruptions = counter("strata_corruptions_found_total", "Corrupt shards found by reads");
    heal_passes = counter("strata_heal_passes_total", "Full heal passes completed");
    heal_checked = counter("strata_heal_chunks_checked_total", "Chunks checked by the healer");
    heal_rebuilt = counter("strata_heal_shards_rebuilt_total", "Shards rewritten by the healer");
    gc_chunks = counter("strata_gc_chunks_deleted_total", "Unreferenced chunks deleted by GC");
    gc_orphans = counter("strata_gc_orphans_deleted_total", "Orphan shard sets deleted by GC");
    gc_uploads = counter("strata_gc_uploads_aborted_total", "Stale multipart uploads aborted");
    gc_bytes = counter("strata_gc_bytes_reclaimed_total", "Chunk bytes reclaimed by GC");
  }

  // The cache series are added on the first sample that has a cache, so a
  // server without one exports none of them (rather than a misleading
  // "connected 0").
  void ApplyCache(const CacheSample& c) {
    if (cache_connected == nullptr) {
      cache_hits.counter = &cache_hits_family.Add({});
      cache_misses.counter = &cache_misses_family.Add({});
      cache_errors.counter = &cache_errors_family.Add({});
      cache_connected = &cache_connected_family.Add({});
    }
    cache_hits.Advance(c.hits);
    cache_misses.Advance(c.misses);
    cache_errors.Advance(c.errors);
    cache_connected->Set(c.connected ? 1 : 0);
  }

  void Apply(const ScrapeSample& s) {
    in_flight.Set(static_cast<double>(s.requests_in_flight));
    open_connections.Set(static_cast<double>(s.open_connections));
    if (s.storage) {
      objects->Set(static_cast<double>(s.storage->objects));
      logical_bytes->Set(static_cast<double>(s.storage->logical_bytes));
      inline_bytes->Set(static_cast<double>(s.storage->inline_bytes));
      chunks->Set(static_cast<double>(s.storage->chunks));
      chunk_bytes->Set(static_cast<double>(s.storage->chunk_bytes));
      unreferenced_chunks->Set(static_cast<double>(s.storage->unreferenced_chunks));
      noncurrent_versions->Set(static_cast<double>(s.storage->noncurrent_versions));
      noncurrent_bytes->Set(static_cast<double>(s.storage->noncurrent_bytes));
      delete_markers->Set(static_cast<double>(s.storage->delete_markers));
      dedup_ratio->Set(s.storage->dedup_ratio);
    }
    for (const auto& d : s.drives) {
      const prometheus::Labels labels = {{"drive", drive_label.Bound(d.drive)}};
      drive_online.Add(labels).Set(d.online ? 1 : 0);
      drive_errors.Add(labels).Set(static_cast<double>(d.errors));
      if (d.free_bytes) drive_free.Add(labels).Set(static_cast<double>(*d.free_bytes));
      if (d.total_bytes) drive_total.Add(labels).Set(static_cast<double>(*d.total_bytes));
    }
    heal_queue->Set(static_cast<double>(s.heal_queue_length));
    upload_memory->Set(static_cast<double>(s.upload_memory_leased));
    upload_waits.Advance(s.upload_memory_waits);
    reconstructions.Advance(s.reconstructions);
    corruptions.Advance(s.corruptions_found);
    heal_passes.Advance(s.heal_passes);
    heal_checked.Advance(s.heal_chunks_checked);
    heal_rebuilt.Advance(s.heal_shards_rebuilt);
    gc_chunks.Advance(s.gc_chunks_deleted);
    gc_orphans.Advance(s.gc_orphans_deleted);
    gc_uploads.Advance(s.gc_uploads_aborted);
    gc_bytes.Advance(s.gc_bytes_reclaimed);
    if (s.cache) ApplyCache(*s.cache);
    if (s.meta_retries) {
      if (meta_conflicts.counter == nullptr) {
        meta_conflicts.counter = &meta_retries_family.Add({{"kind", "conflict"}});
        meta_reconnects.counter = &meta_retries_family.Add({{"kind", "reconnect"}});
      }
      meta_conflicts.Advance(s.meta_retries->conflicts);
      meta_reconnects.Advance(s.meta_retries->reconnects);
    }
  }

  // The series of an operation label value (after BoundedLabel).
  OperationSeries& SeriesOf(std::string_view operation) {
    if (OperationSeries* found = operation_series.Find(operation)) return *found;
    const std::string label = operation_label.Bound(operation);
    if (OperationSeries* found = operation_series.Find(label)) return *found;
    auto made = std::make_unique<OperationSeries>();
    made->label = label;
    const prometheus::Labels by_operation = {{"operation", label}};
    made->duration = &duration.Add(by_operation, kRequestBuckets);
    made->received = &received.Add(by_operation);
    made->sent = &sent.Add(by_operation);
    // A value past the cap is kept under its bounded label ("Other") only.
    return *operation_series.Keep(label, std::move(made));
  }
  Histogram& MetaSeriesOf(std::string_view operation) {
    if (Histogram** found = meta_series.Find(operation)) return **found;
    const std::string label = meta_label.Bound(operation);
    if (Histogram** found = meta_series.Find(label)) return **found;
    auto made =
        std::make_unique<Histogram*>(&meta_duration.Add({{"operation", label}}, kMetaBuckets));
    return **meta_series.Keep(label, std::move(made));
  }

  std::shared_ptr<prometheus::Registry> registry;
  BoundedLabel operation_label;
  BoundedLabel error_label;
  BoundedLabel meta_label;
  BoundedLabel drive_label;

  Family<Counter>& requests;
  Family<Histogram>& duration;
  Family<Counter>& received;
  Family<Counter>& sent;
  Family<Counter>& errors;
  Family<Histogram>& meta_duration;
  SeriesCache<OperationSeries> operation_series;
  SeriesCache<Histogram*> meta_series;
  Gauge& in_flight;
  Gauge& open_connections;
  Family<Gauge>& drive_online;
  Family<Gauge>& drive_errors;
  Family<Gauge>& drive_free;
  Family<Gauge>& drive_total;
  Family<Counter>& cache_hits_family;
  Family<Counter>& cache_misses_family;
  Family<Counter>& cache_errors_family;
  Family<Counter>& meta_retries_family;
  Family<Gauge>& cache_connected_family;
  Counter& audit_records;
  Counter& audit_lost;

  // Sampled figures. Current values (capacity, queue) are gauges. Running
  // totals read from the storage engine keep their _total names and are
  // exported as true counters, fed by DeltaCounter: Prometheus' rate() and
  // Grafana then treat them as the counters they are, and they still reset
  // to 0 only when the process restarts, exactly like their sources.
  std::mutex scrape_mu;  // serializes Scrape: the sampler and DeltaCounter::last
  std::function<ScrapeSample()> sampler;
  Gauge* objects;
  Gauge* logical_bytes;
  Gauge* inline_bytes;
  Gauge* chunks;
  Gauge* chunk_bytes;
  Gauge* unreferenced_chunks;
  Gauge* noncurrent_versions;
  Gauge* noncurrent_bytes;
  Gauge* delete_markers;
  Gauge* dedup_ratio;
  Gauge* heal_queue;
  Gauge* upload_memory;
  DeltaCounter reconstructions;  // the DeltaCounters are GUARDED_BY(scrape_mu)
  DeltaCounter corruptions;
  DeltaCounter heal_passes;
  DeltaCounter heal_checked;
  DeltaCounter heal_rebuilt;
  DeltaCounter gc_chunks;
  DeltaCounter gc_orphans;
  DeltaCounter gc_uploads;
  DeltaCounter gc_bytes;
  DeltaCounter upload_waits;
  // Null until a sample carries cache figures (ApplyCache).
  DeltaCounter cache_hits;  // GUARDED_BY(scrape_mu), like the others
  DeltaCounter cache_misses;
  DeltaCounter cache_errors;
  Gauge* cache_connected = nullptr;
  // Null until a sample carries PostgreSQL retry figures.
  DeltaCounter meta_conflicts;  // GUARDED_BY(scrape_mu)
  DeltaCounter meta_reconnects;
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

void Metrics::RecordRequest(const RequestRecord& record) {
  OperationSeries& series =
      impl_->SeriesOf(record.operation.empty() ? "Unknown" : record.operation);
  const std::string_view status_class = StatusClass(record.status);
  std::atomic<Counter*>& by_class = series.requests[static_cast<size_t>(status_class[0] - '1')];
  Counter* requests = by_class.load(std::memory_order_acquire);
  if (requests == nullptr) {
    // Add returns the one child of these labels, whichever thread asks.
    requests = &impl_->requests.Add(
        {{"operation", series.label}, {"status_class", std::string(status_class)}});
    by_class.store(requests, std::memory_order_release);
  }
  requests->Increment();
  series.duration->Observe(record.duration_seconds);
  series.received->Increment(static_cast<double>(record.received_bytes));
  series.sent->Increment(static_cast<double>(record.sent_bytes));
  if (!record.error_code.empty()) {
    impl_->errors.Add({{"code", impl_->error_label.Bound(record.error_code)}}).Increment();
  }
}

void Metrics::ObserveMetaOperation(std::string_view operation, double seconds) {
  impl_->MetaSeriesOf(operation).Observe(seconds);
}

void Metrics::CountAuditRecords(uint64_t written, uint64_t lost) {
  if (written > 0) impl_->audit_records.Increment(static_cast<double>(written));
  if (lost > 0) impl_->audit_lost.Increment(static_cast<double>(lost));
}

void Metrics::SetSampler(std::function<ScrapeSample()> sampler) {
  std::lock_guard lock(impl_->scrape_mu);
  impl_->sampler = std::move(sampler);
}

std::string Metrics::Scrape() {
  {
    std::lock_guard lock(impl_->scrape_mu);
    if (impl_->sampler) impl_->Apply(impl_->sampler());
  }
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, impl_->registry->Collect());
  return std::move(out).str();
}

}  // namespace strata::obs
