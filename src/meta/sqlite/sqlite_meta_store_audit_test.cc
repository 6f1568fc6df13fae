// The SQLite store's own audit tests: what the contract suite cannot see,
// that QueryAudit and DeleteAuditBefore walk migration 0005's indexes in the
// order asked for instead of sorting the whole table.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "meta/internal/audit_rules.h"
#include "meta/sqlite/internal/test_util.h"
#include "meta/sqlite/sqlite_meta_store.h"

namespace strata::meta::sqlite {
namespace {

using internal::RawDb;
using meta::internal::AuditSelect;
using meta::internal::ParseActionFilter;
using Strings = std::vector<std::string>;
using SqliteAuditTest = internal::SqliteStoreTest;

// The plan of QueryAudit's statement for `query`, one step per entry.
Strings PlanOf(RawDb& raw, const AuditQuery& query) {
  return raw.QueryPlan(AuditSelect(query, ParseActionFilter(query.action), '?').sql);
}

TEST_F(SqliteAuditTest, QueriesWalkAnIndexInTimeOrder) {
  ASSERT_NE(OpenOrDie(), nullptr);
  RawDb raw(path_);
  struct Case {
    AuditQuery query;
    std::string index;
  };
  const Case cases[] = {
      {{}, "audit_log_by_time"},
      {{.since_ms = 5, .until_ms = 9}, "audit_log_by_time"},
      {{.failures_only = true}, "audit_log_by_time"},
      {{.user = "alice"}, "audit_log_by_user"},
      {{.since_ms = 5, .user = "alice"}, "audit_log_by_user"},
      {{.bucket = "photos"}, "audit_log_by_bucket"},
      {{.action = "s3:PutObject"}, "audit_log_by_action"},
  };
  for (const Case& c : cases) {
    const Strings plan = PlanOf(raw, c.query);
    // One step: no "USE TEMP B-TREE FOR ORDER BY", the index gives the order.
    ASSERT_EQ(plan.size(), 1u) << c.index << ": " << ::testing::PrintToString(plan);
    EXPECT_NE(plan[0].find(c.index), std::string::npos) << plan[0];
  }
  // A prefix ("s3:*") may match most of the table: the planner either takes
  // a range of the action index and sorts it, or (what SQLite picks without
  // statistics) walks the time index and filters, stopping at the limit.
  // Never a scan of the table itself.
  for (const char* prefix : {"s3:*", "admin:Create*"}) {
    const Strings plan = PlanOf(raw, {.action = prefix});
    ASSERT_FALSE(plan.empty()) << prefix;
    EXPECT_NE(plan[0].find("SEARCH audit_log USING INDEX audit_log_by_"), std::string::npos)
        << prefix << ": " << plan[0];
  }

  const Strings del = raw.QueryPlan(meta::internal::AuditDeleteBefore(0, '?').sql);
  ASSERT_EQ(del.size(), 1u);
  EXPECT_NE(del[0].find("audit_log_by_time (time_ms<?)"), std::string::npos) << del[0];
}

}  // namespace
}  // namespace strata::meta::sqlite
