#include "admin/audit_wire.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace strata::admin {
namespace {

TEST(ParseAuditQueryTest, Defaults) {
  for (const char* query : {"", "since=&until=&user=&bucket=&action=&failures=&limit="}) {
    auto parsed = ParseAuditQuery(query);
    ASSERT_TRUE(parsed.ok()) << query << ": " << parsed.status().ToString();
    EXPECT_EQ(parsed->since_ms, 0) << query;
    EXPECT_EQ(parsed->until_ms, std::numeric_limits<int64_t>::max()) << query;
    EXPECT_EQ(parsed->user, "") << query;
    EXPECT_EQ(parsed->bucket, "") << query;
    EXPECT_EQ(parsed->action, "") << query;
    EXPECT_FALSE(parsed->failures_only) << query;
    EXPECT_EQ(parsed->limit, kDefaultAuditLimit) << query;
  }
}

TEST(ParseAuditQueryTest, EveryParameter) {
  auto parsed = ParseAuditQuery(
      "since=1764550000000&until=2025-12-01T01%3A00%3A00%2B01%3A00&user=al%2Bice&bucket=photos"
      "&action=s3%3A*&failures=true&limit=10000");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->since_ms, 1764550000000);
  EXPECT_EQ(parsed->until_ms, 1764547200000);  // 00:00:00Z
  EXPECT_EQ(parsed->user, "al+ice");
  EXPECT_EQ(parsed->bucket, "photos");
  EXPECT_EQ(parsed->action, "s3:*");
  EXPECT_TRUE(parsed->failures_only);
  EXPECT_EQ(parsed->limit, 10000);

  parsed =
      ParseAuditQuery("since=2025-12-01T00:46:40.5Z&action=admin:Login&failures=false&limit=1");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->since_ms, 1764550000500);
  EXPECT_EQ(parsed->action, "admin:Login");
  EXPECT_FALSE(parsed->failures_only);
  EXPECT_EQ(parsed->limit, 1);
}

TEST(ParseAuditQueryTest, Rejected) {
  const struct {
    const char* query;
    const char* names;  // what the message must mention
  } cases[] = {
      {"since=yesterday", "since"},
      {"until=2025-12-01", "until"},
      {"since=-5", "since"},
      {"since=99999999999999999999999", "since"},
      {"limit=0", "limit"},
      {"limit=10001", "limit"},
      {"limit=ten", "limit"},
      {"limit=-1", "limit"},
      {"failures=1", "failures"},
      {"failures=yes", "failures"},
      {"action=s3:*Object", "action"},
      {"action=*:PutObject", "action"},
      {"users=alice", "users"},
      {"user=a&user=b", "user"},
      {"limit=5&limit=", "limit"},
      {"user=%zz", "percent"},
  };
  for (const auto& c : cases) {
    auto parsed = ParseAuditQuery(c.query);
    ASSERT_FALSE(parsed.ok()) << c.query;
    EXPECT_EQ(parsed.status().code(), common::Code::kInvalidArgument) << c.query;
    EXPECT_NE(parsed.status().message().find(c.names), std::string::npos)
        << c.query << ": " << parsed.status().message();
  }
}

TEST(AuditRecordJsonTest, EveryField) {
  const meta::AuditRecord record{.id = "r1",
                                 .time_ms = 1764550000123,
                                 .request_id = "req",
                                 .source = "10.0.0.1",
                                 .user = "alice",
                                 .access_key = "AKID",
                                 .action = "s3:PutObject",
                                 .bucket = "b",
                                 .resource = "k",
                                 .http_status = 403,
                                 .error_code = "AccessDenied"};
  EXPECT_EQ(AuditRecordJson(record),
            nlohmann::json::parse(R"({"id": "r1", "time": "2025-12-01T00:46:40.123Z",
                "time_ms": 1764550000123, "request_id": "req", "source": "10.0.0.1",
                "user": "alice", "access_key": "AKID", "action": "s3:PutObject", "bucket": "b",
                "resource": "k", "status": 403, "error": "AccessDenied"})"));
}

}  // namespace
}  // namespace strata::admin
