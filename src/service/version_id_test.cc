#include "service/version_id.h"

#include <gtest/gtest.h>

#include <set>

#include "common/clock.h"

namespace strata::service {
namespace {

TEST(VersionIdTest, GeneratedIdsAreValidUniqueAndNeverNull) {
  common::FixedClock clock(1700000000000);
  common::SecureRandom random;
  VersionIdGenerator ids(clock, random);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = ids.Next();
    EXPECT_EQ(id.size(), 32u);
    EXPECT_TRUE(IsValidVersionId(id)) << id;
    EXPECT_NE(id, kNullVersionId);
    EXPECT_TRUE(seen.insert(id).second) << id;
  }
  EXPECT_TRUE(seen.begin()->starts_with("018bcfe56800"));
}

TEST(VersionIdTest, ParseMapsNullToTheNullVersion) {
  auto null = ParseVersionId("null");
  ASSERT_TRUE(null.ok());
  EXPECT_EQ(*null, "");
  auto id = ParseVersionId("018bcfe56800abcdef0123456789abcd");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "018bcfe56800abcdef0123456789abcd");
  EXPECT_EQ(*ParseVersionId("A.b_c-9"), "A.b_c-9");
  EXPECT_EQ(*ParseVersionId(std::string(64, 'x')), std::string(64, 'x'));
}

TEST(VersionIdTest, ParseRefusesMalformedIds) {
  for (std::string_view bad :
       {std::string_view(""), std::string_view("a b"), std::string_view("a/b"),
        std::string_view("x?y"), std::string_view("\xff"), std::string_view("Null=")}) {
    auto parsed = ParseVersionId(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), common::Code::kInvalidArgument);
  }
  EXPECT_FALSE(ParseVersionId(std::string(65, 'x')).ok());
}

TEST(VersionIdTest, PrintedIdOfTheNullVersionIsNull) {
  EXPECT_EQ(PrintedVersionId(""), "null");
  EXPECT_EQ(PrintedVersionId("abc"), "abc");
}

}  // namespace
}  // namespace strata::service
