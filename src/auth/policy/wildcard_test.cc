#include "auth/policy/wildcard.h"

#include <gtest/gtest.h>

namespace strata::auth::policy {
namespace {

struct MatchCase {
  std::string_view pattern;
  std::string_view value;
  bool match;
};

TEST(WildcardMatchTest, Table) {
  const MatchCase kCases[] = {
      {"", "", true},
      {"", "a", false},
      {"*", "", true},
      {"*", "anything/at:all", true},
      {"?", "", false},
      {"?", "a", true},
      {"?", "ab", false},
      {"a*", "a", true},
      {"a*", "abc", true},
      {"a*", "ba", false},
      {"*c", "abc", true},
      {"*c", "abcd", false},
      {"a*c", "ac", true},
      {"a*c", "abbbc", true},
      {"a*c", "abcbd", false},
      {"a?c", "abc", true},
      {"a?c", "ac", false},
      {"**", "x", true},
      {"*a*b*", "xxaxxbxx", true},
      {"*a*b*", "xxbxxaxx", false},
      {"a*b*c", "aXbYbZc", true},
      {"abc", "ABC", false},
      {"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b/c", true},
      {"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", false},
      {"arn:aws:s3:::bucket*", "arn:aws:s3:::bucket-two/x", true},
      {"arn:aws:s3:::bucket/prefix/*", "arn:aws:s3:::bucket/prefix/", true},
      {"arn:aws:s3:::bucket/prefix/*", "arn:aws:s3:::bucket/prefix", false},
      {"arn:aws:s3:::bucket/???.txt", "arn:aws:s3:::bucket/abc.txt", true},
      {"arn:aws:s3:::bucket/???.txt", "arn:aws:s3:::bucket/ab.txt", false},
      {"arn:aws:s3:::*/public/*", "arn:aws:s3:::b/public/x", true},
      // `?` takes one character, not one byte.
      {"?", "é", true},
      {"a?c", "a日c", true},
      {"*日", "x日", true},
      {"??", "é", false},
  };
  for (const MatchCase& c : kCases) {
    EXPECT_EQ(WildcardMatch(c.pattern, c.value), c.match) << c.pattern << " vs " << c.value;
  }
}

TEST(WildcardMatchTest, LongInputsStayFast) {
  // The classic exponential-backtracking case for naive recursive matchers.
  std::string value(5000, 'a');
  EXPECT_FALSE(WildcardMatch("*a*a*a*a*a*a*a*a*a*b", value));
  EXPECT_TRUE(WildcardMatch("*a*a*a*a*a*a*a*a*a*", value));
}

TEST(WildcardMatchTest, LiteralPartsAreNotWildcards) {
  Pattern pattern = Pattern::FromPolicyText("a/");
  pattern.AppendLiteral("*");
  pattern.AppendPolicyText("/*");
  EXPECT_TRUE(WildcardMatch(pattern, "a/*/x"));
  EXPECT_FALSE(WildcardMatch(pattern, "a/b/x"));
  EXPECT_EQ(pattern.text(), "a/*/*");
  EXPECT_FALSE(WildcardMatch(Pattern::FromLiteral("?"), "x"));
  EXPECT_TRUE(WildcardMatch(Pattern::FromLiteral("?"), "?"));
}

TEST(WildcardMatchTest, IgnoreCase) {
  EXPECT_TRUE(WildcardMatch("Hello*", "hELLO world", /*ignore_case=*/true));
  EXPECT_FALSE(WildcardMatch("Hello*", "hELLO world", /*ignore_case=*/false));
}

TEST(MatchActionTest, Table) {
  const MatchCase kCases[] = {
      {"*", "s3:GetObject", true},
      {"s3:*", "s3:GetObject", true},
      {"s3:*", "admin:ServerInfo", false},
      {"s3:Get*", "s3:GetObject", true},
      {"s3:Get*", "s3:GetObjectTagging", true},
      {"s3:Get*", "s3:PutObject", false},
      {"s3:GetObject", "s3:getobject", true},
      {"S3:GETOBJECT", "s3:GetObject", true},
      {"s3:get*", "S3:GetBucketLocation", true},
      {"s3:GetObject", "s3:GetObjectTagging", false},
      {"s3:?etObject", "s3:GetObject", true},
      {"s3:List*", "s3:ListBucket", true},
      {"s3:*Object", "s3:DeleteObject", true},
      {"s3:*Object", "s3:DeleteObjects", false},
      {"s3:PutObject", "s3:PutObjectAcl", false},
  };
  for (const MatchCase& c : kCases) {
    EXPECT_EQ(MatchAction(c.pattern, c.value), c.match) << c.pattern << " vs " << c.value;
  }
}

TEST(MatchArnTest, Table) {
  const MatchCase kCases[] = {
      {"arn:aws:iam::123:user/alice", "arn:aws:iam::123:user/alice", true},
      {"arn:aws:iam::123:user/alice", "arn:aws:iam::123:user/bob", false},
      {"arn:aws:iam::*:user/alice", "arn:aws:iam::123:user/alice", true},
      {"arn:aws:iam::123:user/*", "arn:aws:iam::123:user/a/b", true},
      {"arn:aws:iam::12?:user/*", "arn:aws:iam::123:user/x", true},
      // Components are matched one by one: a `*` never eats a separator.
      {"arn:aws:*:user/alice", "arn:aws:iam::123:user/alice", false},
      {"arn:*:iam::123:*", "arn:aws:iam::123:user/alice", true},
      {"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b:c", true},
      // The sixth component keeps its colons.
      {"arn:aws:s3:::b/a:*", "arn:aws:s3:::b/a:b:c", true},
      // Case-sensitive.
      {"arn:aws:iam::123:user/Alice", "arn:aws:iam::123:user/alice", false},
      // Not an ARN.
      {"*", "not-an-arn", false},
      {"*", "arn:aws:s3:::b", true},
      {"arn:*", "arn:aws:s3:::b", false},
      {"arn:aws:s3:::b", "arn:aws:s3:::b:extra", false},
  };
  for (const MatchCase& c : kCases) {
    EXPECT_EQ(MatchArn(Pattern::FromPolicyText(c.pattern), c.value), c.match)
        << c.pattern << " vs " << c.value;
  }
}

}  // namespace
}  // namespace strata::auth::policy
