#include "obs/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace strata::obs {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Number of lines of `text` that start with `prefix`.
size_t CountLines(const std::string& text, std::string_view prefix) {
  size_t count = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    if (std::string_view(text).substr(pos, end - pos).starts_with(prefix)) ++count;
    pos = end + 1;
  }
  return count;
}

TEST(StatusClassTest, Table) {
  const struct {
    int status;
    std::string_view want;
  } cases[] = {{100, "1xx"}, {200, "2xx"}, {206, "2xx"}, {304, "3xx"}, {404, "4xx"},
               {499, "4xx"}, {500, "5xx"}, {503, "5xx"}, {599, "5xx"}};
  for (const auto& c : cases) EXPECT_EQ(StatusClass(c.status), c.want) << c.status;
}

TEST(StatusClassTest, OutOfRangeIsServerSide) {
  for (int status : {-1, 0, 99, 600, 999}) EXPECT_EQ(StatusClass(status), "5xx") << status;
}

TEST(MetricsTest, EveryFamilyIsExportedBeforeAnyTraffic) {
  Metrics metrics;
  const std::string text = metrics.Scrape();
  for (const char* family : {
           "strata_http_requests_in_flight",
           "strata_http_open_connections",
           "strata_objects",
           "strata_logical_bytes",
           "strata_inline_bytes",
           "strata_chunks",
           "strata_chunk_bytes",
           "strata_unreferenced_chunks",
           "strata_noncurrent_versions",
           "strata_noncurrent_bytes",
           "strata_delete_markers",
           "strata_dedup_ratio",
           "strata_heal_queue_length",
           "strata_upload_memory_bytes",
           "strata_upload_memory_waits_total",
           "strata_reconstructions_total",
           "strata_corruptions_found_total",
           "strata_heal_passes_total",
           "strata_heal_chunks_checked_total",
           "strata_heal_shards_rebuilt_total",
           "strata_gc_chunks_deleted_total",
           "strata_gc_orphans_deleted_total",
           "strata_gc_uploads_aborted_total",
           "strata_gc_bytes_reclaimed_total",
           "strata_audit_records_total",
           "strata_audit_records_lost_total",
       }) {
    EXPECT_THAT(text, HasSubstr(std::string("\n") + family + " ")) << family;
  }
}

TEST(MetricsTest, CountAuditRecordsAddsToBothCounters) {
  Metrics metrics;
  metrics.CountAuditRecords(3, 0);
  metrics.CountAuditRecords(2, 1);
  metrics.CountAuditRecords(0, 0);
  const std::string text = metrics.Scrape();
  EXPECT_THAT(text, HasSubstr("\nstrata_audit_records_total 5\n"));
  EXPECT_THAT(text, HasSubstr("\nstrata_audit_records_lost_total 1\n"));
}

TEST(MetricsTest, RecordRequestFillsEveryRequestFamily) {
  Metrics metrics;
  metrics.RecordRequest({.operation = "PutObject",
                         .status = 200,
                         .duration_seconds = 0.003,
                         .received_bytes = 1000,
                         .sent_bytes = 0});
  metrics.RecordRequest({.operation = "PutObject",
                         .status = 200,
                         .duration_seconds = 0.5,
                         .received_bytes = 24,
                         .sent_bytes = 0});
  metrics.RecordRequest({.operation = "GetObject",
                         .status = 404,
                         .duration_seconds = 0.0005,
                         .received_bytes = 0,
                         .sent_bytes = 300,
                         .error_code = "NoSuchKey"});
  const std::string text = metrics.Scrape();

  EXPECT_THAT(text, HasSubstr("# TYPE strata_http_requests_total counter"));
  EXPECT_THAT(
      text, HasSubstr(R"(strata_http_requests_total{operation="PutObject",status_class="2xx"} 2)"));
  EXPECT_THAT(
      text, HasSubstr(R"(strata_http_requests_total{operation="GetObject",status_class="4xx"} 1)"));
  EXPECT_THAT(text, HasSubstr("# TYPE strata_http_request_duration_seconds histogram"));
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(strata_http_request_duration_seconds_bucket{operation="PutObject",le="0.005"} 1)"));
  EXPECT_THAT(
      text,
      HasSubstr(R"(strata_http_request_duration_seconds_bucket{operation="PutObject",le="1"} 2)"));
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(strata_http_request_duration_seconds_bucket{operation="PutObject",le="+Inf"} 2)"));
  EXPECT_THAT(text,
              HasSubstr(R"(strata_http_request_duration_seconds_count{operation="PutObject"} 2)"));
  EXPECT_THAT(text, HasSubstr(R"(strata_http_received_bytes_total{operation="PutObject"} 1024)"));
  EXPECT_THAT(text, HasSubstr(R"(strata_http_sent_bytes_total{operation="GetObject"} 300)"));
  EXPECT_THAT(text, HasSubstr(R"(strata_s3_errors_total{code="NoSuchKey"} 1)"));
  // A success records no error.
  EXPECT_EQ(CountLines(text, "strata_s3_errors_total{"), 1u);
}

TEST(MetricsTest, EmptyOperationIsUnknown) {
  Metrics metrics;
  metrics.RecordRequest({.operation = "", .status = 400, .error_code = "InvalidURI"});
  EXPECT_THAT(metrics.Scrape(),
              HasSubstr(R"(strata_http_requests_total{operation="Unknown",status_class="4xx"} 1)"));
}

TEST(MetricsTest, LabelValuesAreBounded) {
  Metrics metrics;
  // A caller bug passing unbounded values (keys, say) must not grow the
  // series without limit: past the cap everything folds into "Other".
  const size_t n = Metrics::kMaxLabelValues + 50;
  for (size_t i = 0; i < n; ++i) {
    const std::string op = "op" + std::to_string(i);
    const std::string code = "Code" + std::to_string(i);
    metrics.RecordRequest({.operation = op, .status = 500, .error_code = code});
    metrics.ObserveMetaOperation(op, 0.001);
  }
  const std::string text = metrics.Scrape();
  EXPECT_EQ(CountLines(text, "strata_http_requests_total{"), Metrics::kMaxLabelValues + 1);
  EXPECT_EQ(CountLines(text, "strata_http_sent_bytes_total{"), Metrics::kMaxLabelValues + 1);
  EXPECT_EQ(CountLines(text, "strata_s3_errors_total{"), Metrics::kMaxLabelValues + 1);
  EXPECT_EQ(CountLines(text, "strata_meta_operation_duration_seconds_count{"),
            Metrics::kMaxLabelValues + 1);
  EXPECT_THAT(text,
              HasSubstr(R"(strata_http_requests_total{operation="Other",status_class="5xx"} 50)"));
  EXPECT_THAT(text, HasSubstr(R"(strata_s3_errors_total{code="Other"} 50)"));
  // Values seen before the cap keep their own series.
  EXPECT_THAT(text, HasSubstr(R"(strata_s3_errors_total{code="Code0"} 1)"));
}

// The series of an operation are found once and then reused, from many
// threads at once: no count is lost, and each operation keeps its own.
TEST(MetricsTest, ConcurrentRecordsOfTheSameOperationsAllCount) {
  Metrics metrics;
  constexpr int kThreads = 4;
  constexpr int kRecords = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < kRecords; ++i) {
        metrics.RecordRequest({.operation = (i + t) % 2 == 0 ? "GetObject" : "HeadObject",
                               .status = i % 4 == 0 ? 404 : 200,
                               .sent_bytes = 1});
        metrics.ObserveMetaOperation("GetObject", 0.0001);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const std::string text = metrics.Scrape();
  const int each = kThreads * kRecords / 2;  // per operation
  EXPECT_THAT(text,
              HasSubstr(R"(strata_http_requests_total{operation="GetObject",status_class="2xx"} )" +
                        std::to_string(each * 3 / 4) + "\n"));
  EXPECT_THAT(
      text, HasSubstr(R"(strata_http_requests_total{operation="HeadObject",status_class="4xx"} )" +
                      std::to_string(each / 4) + "\n"));
  EXPECT_THAT(text, HasSubstr(R"(strata_http_sent_bytes_total{operation="HeadObject"} )" +
                              std::to_string(each) + "\n"));
  EXPECT_THAT(text,
              HasSubstr(R"(strata_meta_operation_duration_seconds_count{operation="GetObject"} )" +
                        std::to_string(kThreads * kRecords) + "\n"));
}

TEST(MetricsTest, StatusClassLabelHasOnlyFiveValues) {
  Metrics metrics;
  for (int status = 0; status < 1000; ++status) {
    metrics.RecordRequest({.operation = "GetObject", .status = status});
  }
  EXPECT_EQ(CountLines(metrics.Scrape(), "strata_http_requests_total{"), 5u);
}

ScrapeSample Sample(uint64_t reconstructions, uint64_t objects) {
  ScrapeSample s;
  s.open_connections = 3;
  s.requests_in_flight = 2;
  s.storage = StorageSample{.objects = objects,
                            .logical_bytes = 5000,
                            .inline_bytes = 100,
                            .chunks = 4,
                            .chunk_bytes = 4096,
                            .unreferenced_chunks = 1,
                            .noncurrent_versions = 6,
                            .noncurrent_bytes = 700,
                            .delete_markers = 8,
                            .dedup_ratio = 1.25};
  s.drives = {{.drive = "/d/1", .online = true, .errors = 0, .free_bytes = 10, .total_bytes = 20},
              {.drive = "/d/2", .online = false, .errors = 7}};
  s.reconstructions = reconstructions;
  s.gc_bytes_reclaimed = 4096;
  s.heal_queue_length = 9;
  s.upload_memory_leased = 8 << 20;
  s.upload_memory_waits = 3;
  return s;
}

TEST(MetricsTest, ScrapeAppliesTheSampler) {
  Metrics metrics;
  uint64_t reconstructions = 5;
  metrics.SetSampler([&] { return Sample(reconstructions, 12); });
  std::string text = metrics.Scrape();
  EXPECT_THAT(text, HasSubstr("\nstrata_http_open_connections 3\n"));
  EXPECT_THAT(text, HasSubstr("\nstrata_http_requests_in_flight 2\n"));
  EXPECT_THAT(text, HasSubstr("\nstrata_objects 12\n"));
  EXPECT_THAT(text, HasSubstr("\nstrata_logical_bytes 5000\n"));
  EXPECT_THAT(text, HasSubstr("\nstrata_inline_bytes 100\n"));
  EXPECT_THAT(text, HasSubstr("\nstrata_chunks 4\n"));
  EXPECT_THAT(text, HasSubstr("\nstrata_chunk_bytes 4096\n"));
  EXPECT_THAT(text, HasSubstr("\nstrata_unreferenced_chunks 1\n"));
  EXPECT_THAT(text, HasSubstr("\nstrata_noncurrent_versions 6\n"));
  EXPECT_THAT(text, HasSubstr("\nstrata_noncurrent_bytes 700\n"));
  EXPECT_THAT(text, HasSubstr("\nstrata_delete_markers 8\n"));
  EXPECT_THAT(text, HasSubstr("\nstrata_dedup_ratio 1.25\n"));
  EXPECT_THAT(text, HasSubstr("\nstrata_heal_queue_length 9\n"));
  EXPECT_THAT(text, HasSubstr("\nstrata_upload_memory_bytes 8388608\n"));
  EXPECT_THAT(text, HasSubstr("\nstrata_upload_memory_waits_total 3\n"));
  EXPECT_THAT(text, HasSubstr("\nstrata_gc_bytes_reclaimed_total 4096\n"));
  EXPECT_THAT(text, HasSubstr(R"(strata_drive_online{drive="/d/1"} 1)"));
  EXPECT_THAT(text, HasSubstr(R"(strata_drive_online{drive="/d/2"} 0)"));
  EXPECT_THAT(text, HasSubstr(R"(strata_drive_errors{drive="/d/2"} 7)"));
  EXPECT_THAT(text, HasSubstr(R"(strata_drive_free_bytes{drive="/d/1"} 10)"));
  EXPECT_THAT(text, HasSubstr(R"(strata_drive_total_bytes{drive="/d/1"} 20)"));
  // No statvfs figure: no made-up zero.
  EXPECT_THAT(text, Not(HasSubstr(R"(strata_drive_free_bytes{drive="/d/2"})")));
  EXPECT_THAT(text, HasSubstr("# TYPE strata_reconstructions_total counter"));
  EXPECT_THAT(text, HasSubstr("\nstrata_reconstructions_total 5\n"));

  // Totals become counters that follow the source, never double-count.
  reconstructions = 8;
  text = metrics.Scrape();
  EXPECT_THAT(text, HasSubstr("\nstrata_reconstructions_total 8\n"));
  text = metrics.Scrape();
  EXPECT_THAT(text, HasSubstr("\nstrata_reconstructions_total 8\n"));
  // A counter never goes backwards.
  reconstructions = 2;
  text = metrics.Scrape();
  EXPECT_THAT(text, HasSubstr("\nstrata_reconstructions_total 8\n"));
}

TEST(MetricsTest, StorageGaugesKeepLastValueWhenMetadataFails) {
  Metrics metrics;
  bool fail = false;
  metrics.SetSampler([&] {
    ScrapeSample s = Sample(0, 12);
    if (fail) s.storage.reset();
    return s;
  });
  EXPECT_THAT(metrics.Scrape(), HasSubstr("\nstrata_objects 12\n"));
  fail = true;
  EXPECT_THAT(metrics.Scrape(), HasSubstr("\nstrata_objects 12\n"));
}

TEST(MetricsTest, CacheSeriesOnlyWithACache) {
  Metrics metrics;
  std::optional<CacheSample> cache;
  metrics.SetSampler([&] {
    ScrapeSample s = Sample(0, 1);
    s.cache = cache;
    return s;
  });
  std::string text = metrics.Scrape();
  for (const char* series :
       {"\nstrata_meta_cache_hits_total ", "\nstrata_meta_cache_misses_total ",
        "\nstrata_meta_cache_errors_total ", "\nstrata_meta_cache_connected "}) {
    EXPECT_THAT(text, Not(HasSubstr(series))) << series;
  }

  cache = CacheSample{.hits = 10, .misses = 4, .errors = 1, .connected = true};
  text = metrics.Scrape();
  EXPECT_THAT(text, HasSubstr("# TYPE strata_meta_cache_hits_total counter"));
  EXPECT_THAT(text, HasSubstr("\nstrata_meta_cache_hits_total 10\n"));
  EXPECT_THAT(text, HasSubstr("\nstrata_meta_cache_misses_total 4\n"));
  EXPECT_THAT(text, HasSubstr("\nstrata_meta_cache_errors_total 1\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE strata_meta_cache_connected gauge"));
  EXPECT_THAT(text, HasSubstr("\nstrata_meta_cache_connected 1\n"));

  // Redis went away: the gauge follows, the counters only grow.
  cache = CacheSample{.hits = 12, .misses = 9, .errors = 5, .connected = false};
  text = metrics.Scrape();
  EXPECT_THAT(text, HasSubstr("\nstrata_meta_cache_hits_total 12\n"));
  EXPECT_THAT(text, HasSubstr("\nstrata_meta_cache_errors_total 5\n"));
  EXPECT_THAT(text, HasSubstr("\nstrata_meta_cache_connected 0\n"));
}

TEST(MetricsTest, PostgresRetrySeriesOnlyWithPostgres) {
  Metrics metrics;
  std::optional<MetaRetrySample> retries;
  metrics.SetSampler([&] {
    ScrapeSample s = Sample(0, 1);
    s.meta_retries = retries;
    return s;
  });
  EXPECT_THAT(metrics.Scrape(), Not(HasSubstr("\nstrata_meta_retries_total")));
  retries = MetaRetrySample{.conflicts = 3, .reconnects = 1};
  std::string text = metrics.Scrape();
  EXPECT_THAT(text, HasSubstr("# TYPE strata_meta_retries_total counter"));
  EXPECT_THAT(text, HasSubstr("\nstrata_meta_retries_total{kind=\"conflict\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("\nstrata_meta_retries_total{kind=\"reconnect\"} 1\n"));
  retries = MetaRetrySample{.conflicts = 7, .reconnects = 1};
  EXPECT_THAT(metrics.Scrape(), HasSubstr("\nstrata_meta_retries_total{kind=\"conflict\"} 7\n"));
}

}  // namespace
}  // namespace strata::obs
