// The audit half of the MetaStore contract suite: every MetaStore is also an
// AuditStore (meta/audit_store.h), and these tests hold it to that header's
// rules through the interface alone: appends all or none, every field kept,
// each filter and their combinations, the order, the limit, and retention.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "meta/audit_store.h"
#include "meta/internal/contract_util.h"
#include "meta/meta_store_contract.h"

namespace strata::meta::contract {
namespace {

using common::Code;
using Strings = std::vector<std::string>;

constexpr int64_t kBaseMs = 1700000000000;

// The store's audit side. Null for the decorators the suite also runs on
// (CachedMetaStore, obs::TimedMetaStore): they do not implement AuditStore,
// since the audit trail talks to the backend under them
// (OpenedMetaStore::audit). That every backend does is checked where the
// backends are opened (open_meta_store_test.cc).
AuditStore* Audit(MetaStore& store) { return dynamic_cast<AuditStore*>(&store); }

constexpr const char* kNotAnAuditStore = "not an AuditStore (a decorator)";

// A record with every field derived from its id, so a round trip that mixes
// up rows or columns is caught.
AuditRecord MakeRecord(std::string_view id, int64_t time_ms = kBaseMs) {
  const std::string s(id);
  return AuditRecord{.id = s,
                     .time_ms = time_ms,
                     .request_id = "req-" + s,
                     .source = "10.0.0." + std::to_string(id.size()),
                     .user = "user-" + s,
                     .access_key = "AK" + s,
                     .action = "s3:Action" + s,
                     .bucket = "bucket-" + s,
                     .resource = "key/" + s + "/é",
                     .http_status = 200 + static_cast<int>(id.size()),
                     .error_code = "Error" + s};
}

// Every field, for comparisons whose failures are readable.
std::string Describe(const AuditRecord& r) {
  return r.id + "|" + std::to_string(r.time_ms) + "|" + r.request_id + "|" + r.source + "|" +
         r.user + "|" + r.access_key + "|" + r.action + "|" + r.bucket + "|" + r.resource + "|" +
         std::to_string(r.http_status) + "|" + r.error_code;
}

Strings Describe(const std::vector<AuditRecord>& records) {
  Strings out;
  for (const AuditRecord& r : records) out.push_back(Describe(r));
  return out;
}

Strings Ids(const std::vector<AuditRecord>& records) {
  Strings ids;
  for (const AuditRecord& r : records) ids.push_back(r.id);
  return ids;
}

// The ids QueryAudit returns for `query` (a failed call adds a test failure
// and returns {"<error>"}).
Strings QueryIds(AuditStore& audit, const AuditQuery& query) {
  auto records = audit.QueryAudit(query);
  EXPECT_TRUE(records.ok()) << records.status().ToString();
  if (!records.ok()) return {"<error>"};
  return Ids(*records);
}

// Every stored row, newest first.
Strings AllIds(AuditStore& audit) { return QueryIds(audit, {.limit = 10000}); }

// What audit_store.h says QueryAudit returns, computed here from the rows
// appended: the reference the stores are held to.
Strings Expected(std::vector<AuditRecord> rows, const AuditQuery& query) {
  std::erase_if(rows, [&](const AuditRecord& r) {
    if (r.time_ms < query.since_ms || r.time_ms >= query.until_ms) return true;
    if (!query.user.empty() && r.user != query.user) return true;
    if (!query.bucket.empty() && r.bucket != query.bucket) return true;
    if (query.action.ends_with('*')) {
      const std::string_view prefix =
          std::string_view(query.action).substr(0, query.action.size() - 1);
      if (!r.action.starts_with(prefix)) return true;
    } else if (!query.action.empty() && r.action != query.action) {
      return true;
    }
    return query.failures_only && r.error_code.empty();
  });
  std::sort(rows.begin(), rows.end(), [](const AuditRecord& a, const AuditRecord& b) {
    return a.time_ms != b.time_ms ? a.time_ms > b.time_ms : a.id > b.id;
  });
  if (rows.size() > static_cast<size_t>(query.limit)) rows.resize(query.limit);
  return Ids(rows);
}

TEST_P(MetaStoreContractTest, AuditRoundTripKeepsEveryField) {
  AuditStore* audit = Audit(store());
  if (audit == nullptr) GTEST_SKIP() << kNotAnAuditStore;
  // Distinct values in every column, the defaults (empty strings, status 0,
  // time 0), a negative time, and text beyond ASCII.
  std::vector<AuditRecord> records = {MakeRecord("a1", kBaseMs + 3), MakeRecord("b22", kBaseMs + 2),
                                      MakeRecord("c333", kBaseMs + 1)};
  records.push_back(AuditRecord{.id = "minimal", .time_ms = 0, .action = "admin:Login"});
  AuditRecord unicode = MakeRecord("ünï", -5);
  unicode.user = "José 日本";
  unicode.error_code = "";
  records.push_back(unicode);
  STRATA_ASSERT_OK(audit->AppendAudit(records));

  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<AuditRecord> got, audit->QueryAudit({.since_ms = -10}));
  EXPECT_EQ(Describe(got), Describe(std::vector<AuditRecord>{records[0], records[1], records[2],
                                                             records[3], records[4]}));
  ASSERT_EQ(got.size(), 5u);
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], records[i]) << records[i].id;
}

TEST_P(MetaStoreContractTest, AuditEmptyBatchIsANoOp) {
  AuditStore* audit = Audit(store());
  if (audit == nullptr) GTEST_SKIP() << kNotAnAuditStore;
  STRATA_EXPECT_OK(audit->AppendAudit({}));
  EXPECT_EQ(AllIds(*audit), Strings{});
  STRATA_ASSERT_OK_AND_ASSIGN(uint64_t deleted, audit->DeleteAuditBefore(kForever));
  EXPECT_EQ(deleted, 0u);
}

// One bad record refuses the whole batch, wherever it sits in it, and
// changes nothing.
TEST_P(MetaStoreContractTest, AuditBatchWithAnInvalidRecordStoresNothing) {
  AuditStore* audit = Audit(store());
  if (audit == nullptr) GTEST_SKIP() << kNotAnAuditStore;
  STRATA_ASSERT_OK(audit->AppendAudit(std::vector<AuditRecord>{MakeRecord("kept")}));
  struct Case {
    std::string name;
    AuditRecord bad;
  };
  std::vector<Case> cases;
  AuditRecord no_id = MakeRecord("x");
  no_id.id = "";
  cases.push_back({"empty id", no_id});
  AuditRecord no_action = MakeRecord("no-action");
  no_action.action = "";
  cases.push_back({"empty action", no_action});
  AuditRecord not_utf8 = MakeRecord("not-utf8");
  not_utf8.user = "claimed\xff\xfe";
  cases.push_back({"user not UTF-8", not_utf8});
  AuditRecord nul = MakeRecord("nul");
  nul.access_key = std::string("AK\0X", 4);
  cases.push_back({"NUL in access_key", nul});
  AuditRecord bad_id = MakeRecord("bad-id");
  bad_id.id = "id\xc0\x80";  // overlong NUL
  cases.push_back({"id not UTF-8", bad_id});
  for (const Case& c : cases) {
    for (int position : {0, 1, 2}) {
      std::vector<AuditRecord> batch = {MakeRecord("new-1"), MakeRecord("new-2")};
      batch.insert(batch.begin() + position, c.bad);
      STRATA_EXPECT_CODE(audit->AppendAudit(batch), Code::kInvalidArgument);
      EXPECT_EQ(AllIds(*audit), Strings{"kept"}) << c.name << " at " << position;
    }
  }
}

// A batch larger than any one statement a backend sends (obs::AuditTrail
// writes up to 512): all of it lands, or, with one bad record at the very
// end, none of it.
TEST_P(MetaStoreContractTest, AuditLargeBatchIsAllOrNothing) {
  AuditStore* audit = Audit(store());
  if (audit == nullptr) GTEST_SKIP() << kNotAnAuditStore;
  std::vector<AuditRecord> batch;
  for (int i = 0; i < 601; ++i) {
    batch.push_back(MakeRecord("big-" + std::to_string(1000 + i), kBaseMs + i % 50));
  }
  std::vector<AuditRecord> spoiled = batch;
  spoiled.back().action = "";
  STRATA_EXPECT_CODE(audit->AppendAudit(spoiled), Code::kInvalidArgument);
  EXPECT_EQ(AllIds(*audit), Strings{});
  STRATA_ASSERT_OK(audit->AppendAudit(batch));
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<AuditRecord> got, audit->QueryAudit({.limit = 10000}));
  EXPECT_EQ(Ids(got), Expected(batch, {.limit = 10000}));
  ASSERT_EQ(got.size(), batch.size());
  for (const AuditRecord& r : got) {
    EXPECT_EQ(Describe(r), Describe(MakeRecord(r.id, r.time_ms)));
  }
}

// An id already stored is skipped, not an error and not a second row: a
// batch retried after a commit of unknown outcome lands once.
TEST_P(MetaStoreContractTest, AuditAppendSkipsStoredIds) {
  AuditStore* audit = Audit(store());
  if (audit == nullptr) GTEST_SKIP() << kNotAnAuditStore;
  const std::vector<AuditRecord> batch = {MakeRecord("r1", kBaseMs + 1),
                                          MakeRecord("r2", kBaseMs + 2)};
  STRATA_ASSERT_OK(audit->AppendAudit(batch));
  AuditRecord changed = MakeRecord("r1", kBaseMs + 9);
  changed.action = "s3:Changed";
  STRATA_ASSERT_OK(
      audit->AppendAudit(std::vector<AuditRecord>{MakeRecord("r3", kBaseMs + 3), changed}));
  STRATA_ASSERT_OK(audit->AppendAudit(batch));
  // And twice in one batch.
  STRATA_ASSERT_OK(audit->AppendAudit(
      std::vector<AuditRecord>{MakeRecord("r4", kBaseMs + 4), MakeRecord("r4", kBaseMs + 5)}));
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<AuditRecord> got, audit->QueryAudit({}));
  EXPECT_EQ(Describe(got),
            Describe(std::vector<AuditRecord>{MakeRecord("r4", kBaseMs + 4),
                                              MakeRecord("r3", kBaseMs + 3), batch[1], batch[0]}));
}

// A trail with users, buckets, actions, results and times spread so every
// filter splits it, held against Expected() for each filter alone and in
// combination.
TEST_P(MetaStoreContractTest, AuditFiltersAloneAndCombined) {
  AuditStore* audit = Audit(store());
  if (audit == nullptr) GTEST_SKIP() << kNotAnAuditStore;
  const Strings users = {"alice", "bob", ""};
  const Strings buckets = {"photos", "logs", ""};
  const Strings actions = {"s3:PutObject",     "s3:GetObject", "s3:PutObjectTagging",
                           "admin:CreateUser", "admin:Login",  "s3x:Other"};
  std::vector<AuditRecord> rows;
  for (int i = 0; i < 60; ++i) {
    AuditRecord r = MakeRecord("id-" + std::to_string(100 + i), kBaseMs + (i * 7) % 23);
    r.user = users[i % users.size()];
    r.bucket = buckets[(i / 3) % buckets.size()];
    r.action = actions[i % actions.size()];
    r.error_code = i % 4 == 0 ? "AccessDenied" : "";
    r.http_status = i % 4 == 0 ? 403 : 200;
    rows.push_back(r);
  }
  // Two batches, so the filters see rows from more than one transaction.
  STRATA_ASSERT_OK(audit->AppendAudit(std::span(rows).first(25)));
  STRATA_ASSERT_OK(audit->AppendAudit(std::span(rows).subspan(25)));

  const std::vector<AuditQuery> queries = {
      {},
      {.since_ms = kBaseMs + 5},
      {.until_ms = kBaseMs + 5},
      {.since_ms = kBaseMs + 5, .until_ms = kBaseMs + 12},
      {.since_ms = kBaseMs + 12, .until_ms = kBaseMs + 5},  // empty range
      {.user = "alice"},
      {.user = "bob"},
      {.user = "nobody"},
      {.bucket = "photos"},
      {.bucket = "logs"},
      {.action = "s3:PutObject"},
      {.action = "s3:*"},
      {.action = "admin:*"},
      {.action = "s3:Put*"},
      {.action = "s3x:*"},
      {.action = "*"},
      {.action = "s3"},
      {.failures_only = true},
      {.user = "alice", .bucket = "photos"},
      {.user = "alice", .action = "s3:*", .failures_only = true},
      {.since_ms = kBaseMs + 3,
       .until_ms = kBaseMs + 20,
       .user = "alice",
       .bucket = "logs",
       .action = "s3:Put*"},
      {.bucket = "photos", .action = "admin:Login", .failures_only = true},
      {.limit = 7},
      {.action = "s3:*", .limit = 5},
      {.user = "", .bucket = "", .action = ""},
  };
  for (size_t i = 0; i < queries.size(); ++i) {
    const Strings expected = Expected(rows, queries[i]);
    EXPECT_EQ(QueryIds(*audit, queries[i]), expected) << "query " << i;
  }
  // The data set is not degenerate: filters really do select.
  EXPECT_EQ(Expected(rows, {}).size(), 60u);
  EXPECT_FALSE(Expected(rows, queries[20]).empty());
  EXPECT_FALSE(Expected(rows, queries[19]).empty());
}

TEST_P(MetaStoreContractTest, AuditSinceIsInclusiveUntilExclusive) {
  AuditStore* audit = Audit(store());
  if (audit == nullptr) GTEST_SKIP() << kNotAnAuditStore;
  STRATA_ASSERT_OK(audit->AppendAudit(std::vector<AuditRecord>{
      MakeRecord("t9", 9), MakeRecord("t10", 10), MakeRecord("t11", 11), MakeRecord("t12", 12)}));
  EXPECT_EQ(QueryIds(*audit, {.since_ms = 10, .until_ms = 12}), (Strings{"t11", "t10"}));
  EXPECT_EQ(QueryIds(*audit, {.since_ms = 10, .until_ms = 11}), (Strings{"t10"}));
  EXPECT_EQ(QueryIds(*audit, {.since_ms = 10, .until_ms = 10}), Strings{});
  EXPECT_EQ(QueryIds(*audit, {.since_ms = 12}), (Strings{"t12"}));
  EXPECT_EQ(QueryIds(*audit, {.until_ms = 10}), (Strings{"t9"}));
}

// A prefix is a prefix of bytes: no case folding, no wildcard but the
// trailing '*', and a bound past the last character that still works when
// the prefix ends in the last one-byte code point.
TEST_P(MetaStoreContractTest, AuditActionExactAndPrefix) {
  AuditStore* audit = Audit(store());
  if (audit == nullptr) GTEST_SKIP() << kNotAnAuditStore;
  const Strings actions = {"s3:PutObject",
                           "s3:PutObjectTagging",
                           "s3x:PutObject",
                           "S3:PutObject",
                           "s3",
                           "s3;",
                           "a%b:X",
                           "axb:Y",
                           "a_b:Z",
                           "aXb:W",
                           "a%",
                           "q\x7f",
                           "q\x7fz",
                           "q\xc2\x80",
                           "r*:Star",
                           "rx:NoStar"};
  std::vector<AuditRecord> rows;
  for (size_t i = 0; i < actions.size(); ++i) {
    AuditRecord r = MakeRecord("id-" + std::to_string(10 + i), kBaseMs + static_cast<int64_t>(i));
    r.action = actions[i];
    rows.push_back(r);
  }
  STRATA_ASSERT_OK(audit->AppendAudit(rows));
  auto actions_of = [&](std::string_view filter) {
    Strings found;
    for (const std::string& id : QueryIds(*audit, {.action = std::string(filter)})) {
      for (const AuditRecord& r : rows) {
        if (r.id == id) found.push_back(r.action);
      }
    }
    std::sort(found.begin(), found.end());
    return found;
  };
  EXPECT_EQ(actions_of("s3:PutObject"), Strings{"s3:PutObject"});
  EXPECT_EQ(actions_of("s3:*"), (Strings{"s3:PutObject", "s3:PutObjectTagging"}));
  EXPECT_EQ(actions_of("s3*"),
            (Strings{"s3", "s3:PutObject", "s3:PutObjectTagging", "s3;", "s3x:PutObject"}));
  EXPECT_EQ(actions_of("a%*"), (Strings{"a%", "a%b:X"}));
  EXPECT_EQ(actions_of("a%b:*"), Strings{"a%b:X"});
  EXPECT_EQ(actions_of("a_*"), Strings{"a_b:Z"});
  EXPECT_EQ(actions_of("a_b:Z"), Strings{"a_b:Z"});
  EXPECT_EQ(actions_of("q\x7f*"), (Strings{"q\x7f", "q\x7fz"}));
  // Only a trailing '*' is special.
  EXPECT_EQ(actions_of("r*:Star"), Strings{"r*:Star"});
  EXPECT_EQ(actions_of("r*"), (Strings{"r*:Star", "rx:NoStar"}));
  EXPECT_EQ(actions_of("r**"), Strings{"r*:Star"});
  EXPECT_EQ(actions_of("nothing:*"), Strings{});
  EXPECT_EQ(actions_of("*").size(), actions.size());
}

TEST_P(MetaStoreContractTest, AuditFailuresOnly) {
  AuditStore* audit = Audit(store());
  if (audit == nullptr) GTEST_SKIP() << kNotAnAuditStore;
  AuditRecord ok = MakeRecord("ok", kBaseMs + 1);
  ok.error_code = "";
  AuditRecord denied = MakeRecord("denied", kBaseMs + 2);
  denied.http_status = 403;
  denied.error_code = "AccessDenied";
  // A failure is an error code, whatever the status says.
  AuditRecord odd = MakeRecord("odd", kBaseMs + 3);
  odd.http_status = 200;
  odd.error_code = "InternalError";
  AuditRecord no_code = MakeRecord("no-code", kBaseMs + 4);
  no_code.http_status = 500;
  no_code.error_code = "";
  STRATA_ASSERT_OK(audit->AppendAudit(std::vector<AuditRecord>{ok, denied, odd, no_code}));
  EXPECT_EQ(QueryIds(*audit, {.failures_only = true}), (Strings{"odd", "denied"}));
  EXPECT_EQ(QueryIds(*audit, {}), (Strings{"no-code", "odd", "denied", "ok"}));
}

TEST_P(MetaStoreContractTest, AuditNewestFirstTiesBrokenByIdDescending) {
  AuditStore* audit = Audit(store());
  if (audit == nullptr) GTEST_SKIP() << kNotAnAuditStore;
  // Appended in neither order, across batches.
  STRATA_ASSERT_OK(audit->AppendAudit(std::vector<AuditRecord>{
      MakeRecord("b", kBaseMs + 1), MakeRecord("d", kBaseMs), MakeRecord("a", kBaseMs + 1)}));
  STRATA_ASSERT_OK(audit->AppendAudit(std::vector<AuditRecord>{
      MakeRecord("c", kBaseMs + 1), MakeRecord("z", kBaseMs - 1), MakeRecord("e", kBaseMs)}));
  EXPECT_EQ(AllIds(*audit), (Strings{"c", "b", "a", "e", "d", "z"}));
  // The limit keeps the newest.
  EXPECT_EQ(QueryIds(*audit, {.limit = 2}), (Strings{"c", "b"}));
  EXPECT_EQ(QueryIds(*audit, {.limit = 4}), (Strings{"c", "b", "a", "e"}));
}

TEST_P(MetaStoreContractTest, AuditQueryLimitBoundsAndBadFilters) {
  AuditStore* audit = Audit(store());
  if (audit == nullptr) GTEST_SKIP() << kNotAnAuditStore;
  std::vector<AuditRecord> rows;
  for (int i = 0; i < 3; ++i) rows.push_back(MakeRecord("id" + std::to_string(i), kBaseMs + i));
  STRATA_ASSERT_OK(audit->AppendAudit(rows));
  for (int limit :
       {0, -1, 10001, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()}) {
    STRATA_EXPECT_CODE(audit->QueryAudit({.limit = limit}), Code::kInvalidArgument);
  }
  EXPECT_EQ(QueryIds(*audit, {.limit = 1}), Strings{"id2"});
  EXPECT_EQ(QueryIds(*audit, {.limit = 10000}).size(), 3u);
  // Filters no stored text could equal.
  STRATA_EXPECT_CODE(audit->QueryAudit({.user = "\xff"}), Code::kInvalidArgument);
  STRATA_EXPECT_CODE(audit->QueryAudit({.bucket = std::string("b\0", 2)}), Code::kInvalidArgument);
  STRATA_EXPECT_CODE(audit->QueryAudit({.action = "s3:\xc3*"}), Code::kInvalidArgument);
}

TEST_P(MetaStoreContractTest, DeleteAuditBeforeRemovesOnlyOlderRows) {
  AuditStore* audit = Audit(store());
  if (audit == nullptr) GTEST_SKIP() << kNotAnAuditStore;
  std::vector<AuditRecord> rows;
  for (int i = 0; i < 10; ++i) rows.push_back(MakeRecord("id" + std::to_string(i), kBaseMs + i));
  STRATA_ASSERT_OK(audit->AppendAudit(rows));
  STRATA_ASSERT_OK_AND_ASSIGN(uint64_t deleted, audit->DeleteAuditBefore(kBaseMs + 4));
  EXPECT_EQ(deleted, 4u);
  // The row at the bound stays.
  EXPECT_EQ(AllIds(*audit), (Strings{"id9", "id8", "id7", "id6", "id5", "id4"}));
  STRATA_ASSERT_OK_AND_ASSIGN(uint64_t again, audit->DeleteAuditBefore(kBaseMs + 4));
  EXPECT_EQ(again, 0u);
  STRATA_ASSERT_OK_AND_ASSIGN(uint64_t rest, audit->DeleteAuditBefore(kForever));
  EXPECT_EQ(rest, 6u);
  EXPECT_EQ(AllIds(*audit), Strings{});
  // A deleted id may be appended again.
  STRATA_ASSERT_OK(audit->AppendAudit(std::vector<AuditRecord>{rows[0]}));
  EXPECT_EQ(AllIds(*audit), Strings{"id0"});
}

// Several writers at once (nodes sharing a database, or more than one
// trail): every record lands exactly once.
TEST_P(MetaStoreContractTest, ConcurrentAuditAppendsAllLand) {
  AuditStore* audit = Audit(store());
  if (audit == nullptr) GTEST_SKIP() << kNotAnAuditStore;
  constexpr int kThreads = 4;
  constexpr int kBatches = 15;
  constexpr int kPerBatch = 7;
  std::atomic<bool> go = false;
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (!go) std::this_thread::yield();
      for (int b = 0; b < kBatches; ++b) {
        std::vector<AuditRecord> batch;
        for (int i = 0; i < kPerBatch; ++i) {
          batch.push_back(MakeRecord(
              "t" + std::to_string(t) + "-b" + std::to_string(b) + "-" + std::to_string(i),
              kBaseMs + b));
        }
        common::Status status = audit->AppendAudit(batch);
        if (!status.ok()) {
          ADD_FAILURE() << status.ToString();
          ++failures;
        }
      }
    });
  }
  go = true;
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  const Strings ids = AllIds(*audit);
  EXPECT_EQ(ids.size(), static_cast<size_t>(kThreads * kBatches * kPerBatch));
  Strings unique = ids;
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  EXPECT_EQ(unique.size(), ids.size());
  EXPECT_EQ(QueryIds(*audit, {.user = "user-t2-b3-4"}), Strings{"t2-b3-4"});
}

}  // namespace
}  // namespace strata::meta::contract
