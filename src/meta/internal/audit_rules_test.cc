#include "meta/internal/audit_rules.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "meta/internal/contract_util.h"

namespace strata::meta::internal {
namespace {

using common::Code;
using Kind = ActionFilter::Kind;

AuditRecord Valid(std::string id = "id-1") {
  return AuditRecord{.id = std::move(id),
                     .time_ms = 1,
                     .request_id = "r",
                     .source = "127.0.0.1",
                     .user = "alice",
                     .access_key = "AK",
                     .action = "s3:PutObject",
                     .bucket = "b",
                     .resource = "k/é",
                     .http_status = 200};
}

TEST(AuditRulesTest, RecordsAcceptedAndRefused) {
  STRATA_EXPECT_OK(CheckAuditRecords({}));
  const std::vector<AuditRecord> good = {Valid("a"), Valid("b")};
  STRATA_EXPECT_OK(CheckAuditRecords(good));
  // Only id and action are required.
  const AuditRecord minimal{.id = "m", .action = "admin:Login"};
  STRATA_EXPECT_OK(CheckAuditRecords({&minimal, 1}));

  struct Case {
    const char* name;
    void (*spoil)(AuditRecord&);
  };
  const Case bad[] = {
      {"empty id", [](AuditRecord& r) { r.id = ""; }},
      {"empty action", [](AuditRecord& r) { r.action = ""; }},
      {"id not UTF-8", [](AuditRecord& r) { r.id = "\xff"; }},
      {"request_id NUL", [](AuditRecord& r) { r.request_id = std::string("a\0b", 3); }},
      {"source truncated", [](AuditRecord& r) { r.source = "\xc3"; }},
      {"user overlong", [](AuditRecord& r) { r.user = "\xc0\xaf"; }},
      {"access_key surrogate", [](AuditRecord& r) { r.access_key = "\xed\xa0\x80"; }},
      {"action not UTF-8", [](AuditRecord& r) { r.action = "s3:\x80"; }},
      {"bucket NUL", [](AuditRecord& r) { r.bucket = std::string(1, '\0'); }},
      {"resource not UTF-8", [](AuditRecord& r) { r.resource = "k\xfe"; }},
      {"error_code not UTF-8", [](AuditRecord& r) { r.error_code = "E\xf5\x80\x80\x80"; }},
  };
  for (const Case& c : bad) {
    AuditRecord record = Valid("bad");
    c.spoil(record);
    // Wherever it sits in the batch.
    const std::vector<AuditRecord> batch = {Valid("a"), record, Valid("b")};
    STRATA_EXPECT_CODE(CheckAuditRecords(batch), Code::kInvalidArgument);
    EXPECT_NE(CheckAuditRecords(batch).message().find("record 1"), std::string::npos) << c.name;
  }
}

TEST(AuditRulesTest, QueriesAcceptedAndRefused) {
  STRATA_EXPECT_OK(CheckAuditQuery({}));
  STRATA_EXPECT_OK(CheckAuditQuery({.limit = 1}));
  STRATA_EXPECT_OK(CheckAuditQuery({.limit = kMaxAuditQueryLimit}));
  STRATA_EXPECT_OK(CheckAuditQuery({.user = "José", .bucket = "b", .action = "s3:*"}));
  // Times are not checked: an empty range simply matches nothing.
  STRATA_EXPECT_OK(CheckAuditQuery({.since_ms = 10, .until_ms = -10}));
  const AuditQuery bad[] = {
      {.limit = 0},
      {.limit = -1},
      {.limit = kMaxAuditQueryLimit + 1},
      {.limit = std::numeric_limits<int>::min()},
      {.user = "\xff"},
      {.bucket = std::string("a\0", 2)},
      {.action = "s3:\xe2\x82*"},
  };
  for (const AuditQuery& query : bad) {
    STRATA_EXPECT_CODE(CheckAuditQuery(query), Code::kInvalidArgument);
  }
}

TEST(AuditRulesTest, ActionFilters) {
  struct Case {
    const char* action;
    Kind kind;
    std::string text;
    std::optional<std::string> below;
  };
  const Case cases[] = {
      {"", Kind::kAny, "", std::nullopt},
      {"*", Kind::kAny, "", std::nullopt},
      {"s3:PutObject", Kind::kExact, "s3:PutObject", std::nullopt},
      {"s3:*", Kind::kPrefix, "s3:", "s3;"},
      {"admin:*", Kind::kPrefix, "admin:", "admin;"},
      // Wildcards of LIKE, and '*' anywhere but last, are plain characters.
      {"a%_*", Kind::kPrefix, "a%_", "a%`"},
      {"s3:*Object", Kind::kExact, "s3:*Object", std::nullopt},
      {"s3:**", Kind::kPrefix, "s3:*", "s3:+"},
      // The bound is bytes; the PostgreSQL store makes it storable.
      {"q\x7f*", Kind::kPrefix, "q\x7f", "q\x80"},
  };
  for (const Case& c : cases) {
    const ActionFilter filter = ParseActionFilter(c.action);
    EXPECT_EQ(filter.kind, c.kind) << c.action;
    EXPECT_EQ(filter.text, c.text) << c.action;
    EXPECT_EQ(filter.below, c.below) << c.action;
  }
}

TEST(AuditRulesTest, SelectNumbersItsParametersInOrder) {
  const AuditQuery all{};
  const AuditSql plain = AuditSelect(all, ParseActionFilter(all.action), '?');
  EXPECT_EQ(plain.sql,
            "SELECT id, time_ms, request_id, source, user_name, access_key, action, bucket, "
            "resource, http_status, error_code FROM audit_log WHERE time_ms >= ?1 AND "
            "time_ms < ?2 ORDER BY time_ms DESC, id DESC LIMIT ?3");
  EXPECT_EQ(plain.params, (std::vector<AuditParam>{int64_t{0}, std::numeric_limits<int64_t>::max(),
                                                   int64_t{100}}));

  const AuditQuery every{.since_ms = 5,
                         .until_ms = 9,
                         .user = "alice",
                         .bucket = "b",
                         .action = "s3:*",
                         .failures_only = true,
                         .limit = 7};
  const AuditSql full = AuditSelect(every, ParseActionFilter(every.action), '$');
  EXPECT_NE(full.sql.find("WHERE time_ms >= $1 AND time_ms < $2 AND user_name = $3 AND "
                          "bucket = $4 AND action >= $5 AND action < $6 AND error_code <> '' "
                          "ORDER BY time_ms DESC, id DESC LIMIT $7"),
            std::string::npos)
      << full.sql;
  EXPECT_EQ(full.params,
            (std::vector<AuditParam>{int64_t{5}, int64_t{9}, std::string("alice"), std::string("b"),
                                     std::string("s3:"), std::string("s3;"), int64_t{7}}));

  // A prefix without an upper bound, and an exact action.
  ActionFilter unbounded = ParseActionFilter("s3:*");
  unbounded.below.reset();
  const AuditSql open = AuditSelect({.action = "s3:*"}, unbounded, '$');
  EXPECT_NE(open.sql.find("action >= $3 ORDER BY"), std::string::npos) << open.sql;
  const AuditSql exact =
      AuditSelect({.action = "s3:GetObject"}, ParseActionFilter("s3:GetObject"), '?');
  EXPECT_NE(exact.sql.find("AND action = ?3 ORDER BY"), std::string::npos) << exact.sql;
  EXPECT_EQ(exact.params[2], AuditParam(std::string("s3:GetObject")));
}

TEST(AuditRulesTest, InsertBindsEveryFieldInColumnOrder) {
  AuditRecord second = Valid("b");
  second.error_code = "AccessDenied";
  second.http_status = 403;
  const std::vector<AuditRecord> records = {Valid("a"), second};
  const AuditSql insert = AuditInsert(records, '$');
  EXPECT_EQ(insert.sql,
            "INSERT INTO audit_log (id, time_ms, request_id, source, user_name, access_key, "
            "action, bucket, resource, http_status, error_code) VALUES ($1, $2, $3, $4, $5, $6, "
            "$7, $8, $9, $10, $11), ($12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22) "
            "ON CONFLICT (id) DO NOTHING");
  ASSERT_EQ(insert.params.size(), 2u * kAuditColumnCount);
  const std::vector<AuditParam> first(insert.params.begin(),
                                      insert.params.begin() + kAuditColumnCount);
  EXPECT_EQ(first, (std::vector<AuditParam>{
                       std::string("a"), int64_t{1}, std::string("r"), std::string("127.0.0.1"),
                       std::string("alice"), std::string("AK"), std::string("s3:PutObject"),
                       std::string("b"), std::string("k/é"), int64_t{200}, std::string("")}));
  EXPECT_EQ(insert.params[kAuditColumnCount], AuditParam(std::string("b")));
  EXPECT_EQ(insert.params[2 * kAuditColumnCount - 2], AuditParam(int64_t{403}));
  EXPECT_EQ(insert.params.back(), AuditParam(std::string("AccessDenied")));

  const AuditSql del = AuditDeleteBefore(42, '?');
  EXPECT_EQ(del.sql, "DELETE FROM audit_log WHERE time_ms < ?1");
  EXPECT_EQ(del.params, std::vector<AuditParam>{int64_t{42}});
}

}  // namespace
}  // namespace strata::meta::internal
