#include "app/audit_time.h"

#include <gtest/gtest.h>

namespace strata::app {
namespace {

constexpr int64_t kNowMs = 1'764'550'000'000;  // 2025-12-01T00:46:40Z

TEST(ParseAuditTimeTest, AgesAndTimes) {
  const struct {
    const char* text;
    int64_t want;
  } cases[] = {
      {"0s", kNowMs},
      {"45s", kNowMs - 45'000},
      {"30m", kNowMs - 30 * 60'000},
      {"1h", kNowMs - 3'600'000},
      {"36h", kNowMs - 36 * 3'600'000},
      {"7d", kNowMs - 7 * 86'400'000},
      {"2025-12-01T00:00:00Z", 1'764'547'200'000},
      {"2025-12-01T01:00:00.250+01:00", 1'764'547'200'250},
  };
  for (const auto& c : cases) {
    auto got = ParseAuditTime("--since", c.text, kNowMs);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.status().ToString();
    EXPECT_EQ(*got, c.want) << c.text;
  }
}

TEST(ParseAuditTimeTest, Rejected) {
  for (const char* bad : {"", "30", "1764550000000", "h", "1.5h", "-1h", "1w", "1 h", "1H", "1hh",
                          "yesterday", "2025-12-01", "999999999999999999d", "100000d"}) {
    auto got = ParseAuditTime("--until", bad, kNowMs);
    ASSERT_FALSE(got.ok()) << bad;
    EXPECT_EQ(got.status().code(), common::Code::kInvalidArgument) << bad;
    EXPECT_NE(got.status().message().find("--until"), std::string::npos) << bad;
  }
}

}  // namespace
}  // namespace strata::app
