// AuditTrail over a real SqliteMetaStore in a temporary folder: what is
// audited, records reaching the store and the file, batching, backpressure,
// retries and lost records, Stop, and retention. A decorator in front of the
// store counts AppendAudit calls and refuses or holds them on demand.
#include "obs/audit_trail.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "meta/sqlite/sqlite_meta_store.h"

namespace strata::obs {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

constexpr int64_t kNowMs = 1'764'550'000'123;
constexpr int64_t kDayMs = 24 * 3600 * 1000;

// Forwards to the real store; can refuse AppendAudit (`refuse` more calls
// with `refusal`) or hold it until Release().
class ControlledStore : public meta::AuditStore {
 public:
  explicit ControlledStore(meta::AuditStore& next) : next_(next) {}

  common::Status AppendAudit(std::span<const meta::AuditRecord> records) override {
    std::unique_lock lock(mu_);
    ++calls_;
    ++entered_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return !held_; });
    if (refuse_ > 0) {
      --refuse_;
      return refusal_;
    }
    lock.unlock();
    return next_.AppendAudit(records);
  }
  common::Result<std::vector<meta::AuditRecord>> QueryAudit(
      const meta::AuditQuery& query) override {
    return next_.QueryAudit(query);
  }
  common::Result<uint64_t> DeleteAuditBefore(int64_t before_ms) override {
    return next_.DeleteAuditBefore(before_ms);
  }

  void Refuse(int times, common::Status refusal) {
    std::lock_guard lock(mu_);
    refuse_ = times;
    refusal_ = std::move(refusal);
  }
  void Hold() {
    std::lock_guard lock(mu_);
    held_ = true;
  }
  void Release() {
    std::lock_guard lock(mu_);
    held_ = false;
    changed_.notify_all();
  }
  // Waits until AppendAudit has been entered `n` times in all.
  void WaitEntered(int n) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return entered_ >= n; });
  }
  int calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }

 private:
  meta::AuditStore& next_;
  std::mutex mu_;
  std::condition_variable changed_;
  int calls_ = 0;    // GUARDED_BY(mu_)
  int entered_ = 0;  // GUARDED_BY(mu_)
  int refuse_ = 0;   // GUARDED_BY(mu_)
  common::Status refusal_;
  bool held_ = false;  // GUARDED_BY(mu_)
};

meta::AuditRecord Sample(std::string action, std::string resource = "k") {
  return {.request_id = "req-1",
          .source = "127.0.0.1",
          .user = "alice",
          .access_key = "AKIDALICE",
          .action = std::move(action),
          .bucket = "photos",
          .resource = std::move(resource),
          .http_status = 200};
}

class AuditTrailTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("audit-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto store = meta::sqlite::SqliteMetaStore::Open((dir_ / "meta.db").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    sqlite_ = std::move(store).value();
    store_ = std::make_unique<ControlledStore>(*sqlite_);
  }
  void TearDown() override {
    store_->Release();
    trail_.reset();
    store_.reset();
    sqlite_.reset();
    fs::remove_all(dir_);
  }

  AuditTrail& Open(AuditOptions options = {}) {
    auto trail = AuditTrail::Open(*store_, clock_, &metrics_, std::move(options));
    EXPECT_TRUE(trail.ok()) << trail.status().ToString();
    trail_ = std::move(trail).value();
    return *trail_;
  }

  std::vector<meta::AuditRecord> Rows(meta::AuditQuery query = {.limit = 10000}) {
    auto rows = sqlite_->QueryAudit(query);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? *rows : std::vector<meta::AuditRecord>{};
  }

  std::vector<std::string> FileLines() {
    std::ifstream in(dir_ / "audit.jsonl");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  fs::path dir_;
  common::FixedClock clock_{kNowMs};
  Metrics metrics_;
  std::unique_ptr<meta::sqlite::SqliteMetaStore> sqlite_;
  std::unique_ptr<ControlledStore> store_;
  std::unique_ptr<AuditTrail> trail_;
};

TEST(ShouldAuditTest, MutationsAlwaysReadsOnlyWhenRefused) {
  const struct {
    const char* method;
    int status;
    const char* error;
    bool want;
  } cases[] = {
      {"PUT", 200, "", true},
      {"POST", 201, "", true},
      {"DELETE", 204, "", true},
      {"PUT", 404, "NoSuchBucket", true},
      {"PATCH", 405, "MethodNotAllowed", true},
      {"GET", 200, "", false},
      {"HEAD", 200, "", false},
      {"OPTIONS", 200, "", false},
      {"GET", 404, "NoSuchKey", false},
      {"HEAD", 404, "", false},
      {"GET", 500, "InternalError", false},
      {"GET", 403, "AccessDenied", true},
      {"HEAD", 403, "", true},
      {"GET", 401, "InvalidToken", true},
      {"GET", 403, "SignatureDoesNotMatch", true},
      {"GET", 403, "InvalidAccessKeyId", true},
      {"GET", 400, "AuthorizationHeaderMalformed", true},
      {"GET", 400, "AuthorizationQueryParametersError", true},
      {"GET", 403, "RequestTimeTooSkewed", true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ShouldAudit(c.method, c.status, c.error), c.want)
        << c.method << " " << c.status << " " << c.error;
  }
}

TEST_F(AuditTrailTest, RecordsReachTheStoreAndTheFile) {
  AuditTrail& trail = Open({.file_path = (dir_ / "audit.jsonl").string()});
  meta::AuditRecord given = Sample("s3:PutObject", "a");
  given.id = "given-id";
  given.time_ms = kNowMs - 5;
  trail.Record(given);
  trail.Record(Sample("s3:DeleteObject", "b"));
  meta::AuditRecord failed = Sample("admin:Login", "");
  failed.bucket = "";
  failed.access_key = "";
  failed.http_status = 403;
  failed.error_code = "AccessDenied";
  trail.Record(failed);
  trail.Flush();

  std::vector<meta::AuditRecord> rows = Rows();
  ASSERT_EQ(rows.size(), 3u);
  // Newest first; the two without a time got the clock's.
  EXPECT_EQ(rows[2], given);
  for (size_t i : {0u, 1u}) {
    EXPECT_EQ(rows[i].time_ms, kNowMs);
    EXPECT_EQ(rows[i].id.size(), 32u) << rows[i].id;
  }
  EXPECT_NE(rows[0].id, rows[1].id);

  std::vector<std::string> lines = FileLines();
  ASSERT_EQ(lines.size(), 3u);
  const std::vector<std::string> kFields = {"time",     "id",         "request_id", "source",
                                            "user",     "access_key", "action",     "bucket",
                                            "resource", "status",     "error"};
  for (const std::string& line : lines) {
    auto doc = nlohmann::ordered_json::parse(line, nullptr, false);
    ASSERT_TRUE(doc.is_object()) << line;
    std::vector<std::string> keys;
    for (const auto& [key, value] : doc.items()) keys.push_back(key);
    EXPECT_EQ(keys, kFields) << line;
  }
  auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["time"], "2025-12-01T00:46:40.118Z");
  EXPECT_EQ(first["id"], "given-id");
  EXPECT_EQ(first["action"], "s3:PutObject");
  EXPECT_EQ(first["status"], 200);
  EXPECT_EQ(first["error"], "");
  auto last = nlohmann::json::parse(lines[2]);
  EXPECT_EQ(last["action"], "admin:Login");
  EXPECT_EQ(last["error"], "AccessDenied");
  EXPECT_EQ(last["status"], 403);

  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "audit.jsonl").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_THAT(metrics_.Scrape(), HasSubstr("\nstrata_audit_records_total 3\n"));
}

TEST_F(AuditTrailTest, TheFileIsAppendedToNotReplaced) {
  {
    std::ofstream out(dir_ / "audit.jsonl");
    out << "{\"earlier\":true}\n";
  }
  AuditTrail& trail = Open({.file_path = (dir_ / "audit.jsonl").string()});
  trail.Record(Sample("s3:PutObject"));
  trail.Flush();
  std::vector<std::string> lines = FileLines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "{\"earlier\":true}");
  EXPECT_THAT(lines[1], HasSubstr("\"s3:PutObject\""));
}

TEST_F(AuditTrailTest, OpenFailsWhenTheFileCannotBeOpened) {
  auto trail = AuditTrail::Open(*store_, clock_, &metrics_,
                                {.file_path = (dir_ / "missing" / "audit.jsonl").string()});
  ASSERT_FALSE(trail.ok());
  EXPECT_THAT(trail.status().message(), HasSubstr("missing/audit.jsonl"));
}

TEST_F(AuditTrailTest, ABurstIsWrittenInBatches) {
  // A long flush interval: only full batches (and the final flush) commit.
  AuditTrail& trail = Open({.flush_interval = std::chrono::seconds(30)});
  store_->Hold();  // the first batch waits, so the rest pile up behind it
  constexpr size_t kCount = 3 * AuditTrail::kMaxBatch + 10;
  for (size_t i = 0; i < kCount; ++i) {
    trail.Record(Sample("s3:PutObject", "k" + std::to_string(i)));
  }
  store_->Release();
  trail.Flush();
  EXPECT_EQ(Rows().size(), kCount);
  // One commit per batch: the held one, then full ones, then the rest.
  EXPECT_LE(store_->calls(), 5);
  EXPECT_GE(store_->calls(), 4);
}

TEST_F(AuditTrailTest, AFullQueueMakesRecordWait) {
  AuditTrail& trail = Open({.max_queue = 4});
  store_->Hold();
  std::atomic<int> returned{0};
  std::thread producer([&] {
    for (int i = 0; i < 20; ++i) {
      trail.Record(Sample("s3:PutObject", "k" + std::to_string(i)));
      ++returned;
    }
  });
  store_->WaitEntered(1);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  // At most one held batch (<= 4) plus a full queue (4).
  EXPECT_LE(returned.load(), 8);
  store_->Release();
  producer.join();
  trail.Flush();
  EXPECT_EQ(returned.load(), 20);
  EXPECT_EQ(Rows().size(), 20u);
}

TEST_F(AuditTrailTest, ARefusedBatchIsRetried) {
  AuditTrail& trail = Open();
  store_->Refuse(2, common::Error(common::Code::kUnavailable, "database restarting"));
  trail.Record(Sample("s3:PutObject"));
  trail.Flush();
  EXPECT_EQ(store_->calls(), 3);
  EXPECT_EQ(Rows().size(), 1u);
  EXPECT_THAT(metrics_.Scrape(), HasSubstr("\nstrata_audit_records_lost_total 0\n"));
}

TEST_F(AuditTrailTest, ABatchRefusedEveryTimeIsCountedLostButStaysInTheFile) {
  AuditTrail& trail = Open({.file_path = (dir_ / "audit.jsonl").string()});
  store_->Refuse(1000, common::Error(common::Code::kUnavailable, "database down"));
  trail.Record(Sample("s3:PutObject", "a"));
  trail.Record(Sample("s3:PutObject", "b"));
  trail.Flush();
  EXPECT_EQ(store_->calls(), 4);  // kAttempts
  EXPECT_TRUE(Rows().empty());
  EXPECT_EQ(FileLines().size(), 2u);
  const std::string text = metrics_.Scrape();
  EXPECT_THAT(text, HasSubstr("\nstrata_audit_records_lost_total 2\n"));
  EXPECT_THAT(text, HasSubstr("\nstrata_audit_records_total 0\n"));

  // The store is back: later records get through.
  store_->Refuse(0, common::Status::Ok());
  trail.Record(Sample("s3:PutObject", "c"));
  trail.Flush();
  EXPECT_EQ(Rows().size(), 1u);
}

TEST_F(AuditTrailTest, AMalformedBatchIsNotRetried) {
  AuditTrail& trail = Open();
  trail.Record(Sample(""));  // no action: the store refuses it
  trail.Flush();
  EXPECT_EQ(store_->calls(), 1);
  EXPECT_THAT(metrics_.Scrape(), HasSubstr("\nstrata_audit_records_lost_total 1\n"));
}

// A claimed key or user name is request text: bytes that are not UTF-8 (or
// NULs) must not cost the batch its place in the store.
TEST_F(AuditTrailTest, RequestTextThatIsNotUtf8IsStoredReplaced) {
  AuditTrail& trail = Open();
  meta::AuditRecord odd = Sample("s3:PutObject", "a");
  odd.access_key = std::string("AK\xff\xfe", 4);
  odd.user = std::string("us\0er", 5);
  trail.Record(odd);
  trail.Record(Sample("s3:DeleteObject", "b"));
  trail.Flush();
  std::vector<meta::AuditRecord> rows = Rows();
  ASSERT_EQ(rows.size(), 2u);
  const meta::AuditRecord& stored = rows[0].action == "s3:PutObject" ? rows[0] : rows[1];
  EXPECT_EQ(stored.access_key, "AK\xef\xbf\xbd\xef\xbf\xbd");  // two U+FFFD
  EXPECT_EQ(stored.user, "user");
  EXPECT_THAT(metrics_.Scrape(), HasSubstr("\nstrata_audit_records_lost_total 0\n"));
}

TEST_F(AuditTrailTest, StopWritesWhatIsQueuedThenDropsLaterRecords) {
  AuditTrail& trail = Open(
      {.file_path = (dir_ / "audit.jsonl").string(), .flush_interval = std::chrono::seconds(30)});
  for (int i = 0; i < 5; ++i) trail.Record(Sample("s3:PutObject", "k" + std::to_string(i)));
  trail.Stop();
  EXPECT_EQ(Rows().size(), 5u);
  EXPECT_EQ(FileLines().size(), 5u);
  trail.Record(Sample("s3:PutObject", "late"));
  trail.Flush();  // returns at once
  trail.Stop();   // idempotent
  EXPECT_EQ(Rows().size(), 5u);
  EXPECT_THAT(metrics_.Scrape(), HasSubstr("\nstrata_audit_records_lost_total 1\n"));
}

TEST_F(AuditTrailTest, RecordIsSafeFromManyThreads) {
  AuditTrail& trail = Open({.max_queue = 64});
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&trail, t] {
      for (int i = 0; i < 100; ++i) {
        trail.Record(Sample("s3:PutObject", std::to_string(t) + "/" + std::to_string(i)));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  trail.Flush();
  EXPECT_EQ(Rows().size(), 800u);
}

TEST_F(AuditTrailTest, RetentionDeletesOldRowsAtStart) {
  meta::AuditRecord old_row = Sample("s3:PutObject", "old");
  old_row.id = "old";
  old_row.time_ms = kNowMs - 91 * kDayMs;
  meta::AuditRecord recent = Sample("s3:PutObject", "recent");
  recent.id = "recent";
  recent.time_ms = kNowMs - 89 * kDayMs;
  const std::vector<meta::AuditRecord> seed = {old_row, recent};
  ASSERT_TRUE(sqlite_->AppendAudit(seed).ok());

  AuditTrail& trail = Open({.retention = std::chrono::hours(24 * 90)});
  trail.Record(Sample("s3:PutObject", "new"));
  trail.Flush();  // the writer trims before its first batch
  std::vector<meta::AuditRecord> rows = Rows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].resource, "new");
  EXPECT_EQ(rows[1].resource, "recent");
}

TEST_F(AuditTrailTest, ZeroRetentionKeepsEverything) {
  meta::AuditRecord ancient = Sample("s3:PutObject", "ancient");
  ancient.id = "ancient";
  ancient.time_ms = 1;
  const std::vector<meta::AuditRecord> seed = {ancient};
  ASSERT_TRUE(sqlite_->AppendAudit(seed).ok());
  AuditTrail& trail = Open({.retention = std::chrono::hours(0)});
  trail.Record(Sample("s3:PutObject", "new"));
  trail.Flush();
  EXPECT_EQ(Rows().size(), 2u);
}

}  // namespace
}  // namespace strata::obs
