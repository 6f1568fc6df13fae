#include "auth/policy/conditions.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace strata::auth::policy {
namespace {

using Entries = std::vector<std::pair<std::string, std::vector<std::string>>>;

Condition Make(std::string_view op, std::string_view key, const std::vector<std::string>& values) {
  auto spec = ParseOperatorName(op);
  EXPECT_TRUE(spec.has_value()) << op;
  Condition condition;
  condition.operator_name = std::string(op);
  if (spec) {
    condition.op = spec->op;
    condition.qualifier = spec->qualifier;
    condition.if_exists = spec->if_exists;
  }
  condition.key = LowerAscii(key);
  for (const std::string& value : values) {
    EXPECT_TRUE(ValidateConditionValue(condition.op, value).ok()) << op << " " << value;
    auto parsed = ParseTemplate(value, TakesPolicyVariables(condition.op));
    EXPECT_TRUE(parsed.ok()) << value;
    if (parsed.ok()) condition.values.push_back(*parsed);
  }
  return condition;
}

Context MakeContext(const Entries& entries) {
  Context context;
  for (const auto& [key, values] : entries) context.SetValues(key, values);
  return context;
}

struct Case {
  std::string_view op;
  std::string_view key;
  std::vector<std::string> values;
  Entries context;
  bool expected;
};

void RunCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    Condition condition = Make(c.op, c.key, c.values);
    Context context = MakeContext(c.context);
    std::string context_text;
    for (const auto& [key, values] : c.context) {
      context_text += key + "=[";
      for (const auto& v : values) context_text += v + ",";
      context_text += "] ";
    }
    std::string values_text;
    for (const auto& v : c.values) values_text += v + ",";
    EXPECT_EQ(EvaluateCondition(condition, context), c.expected)
        << c.op << " " << c.key << " [" << values_text << "] context: " << context_text;
  }
}

TEST(ParseOperatorNameTest, Names) {
  auto spec = ParseOperatorName("ForAnyValue:StringLikeIfExists");
  ASSERT_TRUE(spec.has_value());
  EXPECT_EQ(spec->op, ConditionOperator::kStringLike);
  EXPECT_EQ(spec->qualifier, SetQualifier::kForAnyValue);
  EXPECT_TRUE(spec->if_exists);
  spec = ParseOperatorName("ForAllValues:NumericLessThan");
  ASSERT_TRUE(spec.has_value());
  EXPECT_EQ(spec->qualifier, SetQualifier::kForAllValues);
  EXPECT_FALSE(spec->if_exists);
  EXPECT_TRUE(ParseOperatorName("Null").has_value());
  EXPECT_TRUE(ParseOperatorName("NotIpAddressIfExists").has_value());
  EXPECT_TRUE(ParseOperatorName("BoolIfExists").has_value());
  for (std::string_view bad :
       {"", "StringEqualz", "stringequals", "IfExists", "NullIfExists", "ForAnyValue:Null",
        "ForSomeValues:StringEquals", "ForAnyValue:", "StringEqualsIfexists", "BinaryEquals"}) {
    EXPECT_FALSE(ParseOperatorName(bad).has_value()) << bad;
  }
  EXPECT_EQ(OperatorName(ConditionOperator::kNumericLessThanEquals), "NumericLessThanEquals");
}

TEST(ValidateConditionValueTest, TypedOperatorsCheckValues) {
  using Op = ConditionOperator;
  EXPECT_TRUE(ValidateConditionValue(Op::kNumericLessThan, "10").ok());
  EXPECT_FALSE(ValidateConditionValue(Op::kNumericLessThan, "ten").ok());
  EXPECT_FALSE(ValidateConditionValue(Op::kNumericNotEquals, "").ok());
  EXPECT_TRUE(ValidateConditionValue(Op::kDateGreaterThan, "2026-01-01T00:00:00Z").ok());
  EXPECT_FALSE(ValidateConditionValue(Op::kDateGreaterThan, "tomorrow").ok());
  EXPECT_TRUE(ValidateConditionValue(Op::kBool, "TRUE").ok());
  EXPECT_FALSE(ValidateConditionValue(Op::kBool, "yes").ok());
  EXPECT_FALSE(ValidateConditionValue(Op::kNull, "1").ok());
  EXPECT_TRUE(ValidateConditionValue(Op::kNotIpAddress, "2001:db8::/32").ok());
  EXPECT_FALSE(ValidateConditionValue(Op::kIpAddress, "10.0.0.0/33").ok());
  EXPECT_TRUE(ValidateConditionValue(Op::kStringEquals, "anything ${at} all").ok());
  EXPECT_EQ(ValidateConditionValue(Op::kNumericLessThan, "ten").message(),
            "\"ten\" is not a number");
}

TEST(ConditionsTest, StringOperators) {
  RunCases({
      // StringEquals: exact and case-sensitive; values OR.
      {"StringEquals", "s3:prefix", {"home/"}, {{"s3:prefix", {"home/"}}}, true},
      {"StringEquals", "s3:prefix", {"home/"}, {{"s3:prefix", {"Home/"}}}, false},
      {"StringEquals", "s3:prefix", {"a", "b"}, {{"s3:prefix", {"b"}}}, true},
      {"StringEquals", "s3:prefix", {"a", "b"}, {{"s3:prefix", {"c"}}}, false},
      {"StringEquals", "s3:prefix", {"a*"}, {{"s3:prefix", {"abc"}}}, false},  // no wildcards
      {"StringEquals", "s3:prefix", {"a*"}, {{"s3:prefix", {"a*"}}}, true},
      {"StringEquals", "s3:prefix", {"a"}, {}, false},  // missing key
      // Condition keys are case-insensitive.
      {"StringEquals", "S3:Prefix", {"a"}, {{"s3:PREFIX", {"a"}}}, true},
      // StringNotEquals: NOR of the values; a missing key satisfies it.
      {"StringNotEquals", "s3:prefix", {"a", "b"}, {{"s3:prefix", {"c"}}}, true},
      {"StringNotEquals", "s3:prefix", {"a", "b"}, {{"s3:prefix", {"b"}}}, false},
      {"StringNotEquals", "s3:prefix", {"a"}, {}, true},
      {"StringNotEquals", "s3:prefix", {"a"}, {{"s3:prefix", {"A"}}}, true},
      // IgnoreCase variants.
      {"StringEqualsIgnoreCase",
       "aws:UserAgent",
       {"Curl/8"},
       {{"aws:UserAgent", {"cURL/8"}}},
       true},
      {"StringEqualsIgnoreCase",
       "aws:UserAgent",
       {"curl/8"},
       {{"aws:UserAgent", {"curl/7"}}},
       false},
      {"StringEqualsIgnoreCase", "aws:UserAgent", {"curl/8"}, {}, false},
      {"StringNotEqualsIgnoreCase",
       "aws:UserAgent",
       {"curl/8"},
       {{"aws:UserAgent", {"CURL/8"}}},
       false},
      {"StringNotEqualsIgnoreCase",
       "aws:UserAgent",
       {"curl/8"},
       {{"aws:UserAgent", {"wget"}}},
       true},
      {"StringNotEqualsIgnoreCase", "aws:UserAgent", {"curl/8"}, {}, true},
      // StringLike: `*` and `?`, case-sensitive.
      {"StringLike", "s3:prefix", {"home/*"}, {{"s3:prefix", {"home/alice/x"}}}, true},
      {"StringLike", "s3:prefix", {"home/*"}, {{"s3:prefix", {"Home/alice"}}}, false},
      {"StringLike", "s3:prefix", {"a?c", "x*"}, {{"s3:prefix", {"xyz"}}}, true},
      {"StringLike", "s3:prefix", {"a?c"}, {{"s3:prefix", {"ac"}}}, false},
      {"StringLike", "s3:prefix", {""}, {{"s3:prefix", {""}}}, true},
      {"StringLike", "aws:Referer", {"https://example.com/*"}, {}, false},
      {"StringNotLike",
       "aws:Referer",
       {"https://example.com/*"},
       {{"aws:Referer", {"https://evil.test/"}}},
       true},
      {"StringNotLike",
       "aws:Referer",
       {"https://example.com/*"},
       {{"aws:Referer", {"https://example.com/page"}}},
       false},
      {"StringNotLike", "aws:Referer", {"https://example.com/*"}, {}, true},
      // s3:ExistingObjectTag/<key> is just another key.
      {"StringEquals",
       "s3:ExistingObjectTag/classification",
       {"public"},
       {{"s3:ExistingObjectTag/classification", {"public"}}},
       true},
      {"StringEquals",
       "s3:ExistingObjectTag/classification",
       {"public"},
       {{"s3:ExistingObjectTag/other", {"public"}}},
       false},
  });
}

TEST(ConditionsTest, NumericOperators) {
  RunCases({
      {"NumericEquals", "s3:max-keys", {"10"}, {{"s3:max-keys", {"10"}}}, true},
      {"NumericEquals", "s3:max-keys", {"10"}, {{"s3:max-keys", {"10.0"}}}, true},
      {"NumericEquals", "s3:max-keys", {"10"}, {{"s3:max-keys", {"11"}}}, false},
      {"NumericEquals", "s3:max-keys", {"10"}, {{"s3:max-keys", {"ten"}}}, false},
      {"NumericEquals", "s3:max-keys", {"10"}, {}, false},
      {"NumericNotEquals", "s3:max-keys", {"10", "20"}, {{"s3:max-keys", {"15"}}}, true},
      {"NumericNotEquals", "s3:max-keys", {"10", "20"}, {{"s3:max-keys", {"20"}}}, false},
      {"NumericNotEquals", "s3:max-keys", {"10"}, {}, true},
      {"NumericLessThan", "s3:max-keys", {"100"}, {{"s3:max-keys", {"99"}}}, true},
      {"NumericLessThan", "s3:max-keys", {"100"}, {{"s3:max-keys", {"100"}}}, false},
      {"NumericLessThan", "s3:max-keys", {"100"}, {{"s3:max-keys", {"-5"}}}, true},
      {"NumericLessThan", "s3:max-keys", {"100"}, {}, false},
      {"NumericLessThanEquals", "s3:max-keys", {"100"}, {{"s3:max-keys", {"100"}}}, true},
      {"NumericLessThanEquals", "s3:max-keys", {"100"}, {{"s3:max-keys", {"101"}}}, false},
      {"NumericGreaterThan", "s3:max-keys", {"1.5"}, {{"s3:max-keys", {"2"}}}, true},
      {"NumericGreaterThan", "s3:max-keys", {"1.5"}, {{"s3:max-keys", {"1.5"}}}, false},
      {"NumericGreaterThanEquals", "s3:max-keys", {"1.5"}, {{"s3:max-keys", {"1.5"}}}, true},
      {"NumericGreaterThanEquals", "s3:max-keys", {"1.5"}, {{"s3:max-keys", {"1"}}}, false},
      {"NumericGreaterThanEquals", "s3:max-keys", {"1"}, {{"s3:max-keys", {"abc"}}}, false},
      {"NumericLessThanIfExists", "s3:max-keys", {"100"}, {}, true},
      {"NumericLessThanIfExists", "s3:max-keys", {"100"}, {{"s3:max-keys", {"500"}}}, false},
  });
}

TEST(ConditionsTest, DateOperators) {
  const std::string kNoon = "2026-01-31T12:00:00Z";
  const std::string kNoonEpoch = "1769860800";
  RunCases({
      {"DateEquals", "aws:CurrentTime", {kNoon}, {{"aws:CurrentTime", {kNoon}}}, true},
      {"DateEquals", "aws:CurrentTime", {kNoon}, {{"aws:CurrentTime", {kNoonEpoch}}}, true},
      {"DateEquals", "aws:EpochTime", {kNoonEpoch}, {{"aws:EpochTime", {kNoonEpoch}}}, true},
      {"DateEquals",
       "aws:CurrentTime",
       {kNoon},
       {{"aws:CurrentTime", {"2026-01-31T13:00:00+01:00"}}},
       true},
      {"DateEquals", "aws:CurrentTime", {kNoon}, {{"aws:CurrentTime", {"2026-01-31"}}}, false},
      {"DateEquals", "aws:CurrentTime", {kNoon}, {{"aws:CurrentTime", {"garbage"}}}, false},
      {"DateEquals", "aws:CurrentTime", {kNoon}, {}, false},
      {"DateNotEquals", "aws:CurrentTime", {kNoon}, {{"aws:CurrentTime", {"2026-01-31"}}}, true},
      {"DateNotEquals", "aws:CurrentTime", {kNoon}, {{"aws:CurrentTime", {kNoon}}}, false},
      {"DateNotEquals", "aws:CurrentTime", {kNoon}, {}, true},
      {"DateLessThan",
       "aws:CurrentTime",
       {kNoon},
       {{"aws:CurrentTime", {"2026-01-31T11:59:59Z"}}},
       true},
      {"DateLessThan", "aws:CurrentTime", {kNoon}, {{"aws:CurrentTime", {kNoon}}}, false},
      {"DateLessThanEquals", "aws:CurrentTime", {kNoon}, {{"aws:CurrentTime", {kNoon}}}, true},
      {"DateLessThanEquals",
       "aws:CurrentTime",
       {kNoon},
       {{"aws:CurrentTime", {"2026-01-31T12:00:00.001Z"}}},
       false},
      {"DateGreaterThan", "aws:CurrentTime", {"2026-01-01"}, {{"aws:CurrentTime", {kNoon}}}, true},
      {"DateGreaterThan", "aws:CurrentTime", {"2027-01-01"}, {{"aws:CurrentTime", {kNoon}}}, false},
      {"DateGreaterThanEquals",
       "aws:EpochTime",
       {kNoonEpoch},
       {{"aws:EpochTime", {kNoonEpoch}}},
       true},
      {"DateGreaterThanEquals", "aws:EpochTime", {kNoonEpoch}, {{"aws:EpochTime", {"1"}}}, false},
      {"DateGreaterThanIfExists", "aws:CurrentTime", {"2027-01-01"}, {}, true},
  });
}

TEST(ConditionsTest, BoolAndNull) {
  RunCases({
      {"Bool", "aws:SecureTransport", {"true"}, {{"aws:SecureTransport", {"true"}}}, true},
      {"Bool", "aws:SecureTransport", {"true"}, {{"aws:SecureTransport", {"TRUE"}}}, true},
      {"Bool", "aws:SecureTransport", {"false"}, {{"aws:SecureTransport", {"true"}}}, false},
      {"Bool", "aws:SecureTransport", {"false"}, {{"aws:SecureTransport", {"false"}}}, true},
      {"Bool", "aws:SecureTransport", {"true"}, {{"aws:SecureTransport", {"yes"}}}, false},
      {"Bool", "aws:SecureTransport", {"false"}, {}, false},
      {"BoolIfExists", "aws:SecureTransport", {"true"}, {}, true},
      {"BoolIfExists",
       "aws:SecureTransport",
       {"true"},
       {{"aws:SecureTransport", {"false"}}},
       false},
      {"Null", "aws:username", {"true"}, {}, true},
      {"Null", "aws:username", {"true"}, {{"aws:username", {"alice"}}}, false},
      {"Null", "aws:username", {"false"}, {{"aws:username", {"alice"}}}, true},
      {"Null", "aws:username", {"false"}, {}, false},
      {"Null", "aws:username", {"true"}, {{"aws:username", {}}}, true},  // no values = absent
  });
}

TEST(ConditionsTest, IpAddressOperators) {
  RunCases({
      {"IpAddress", "aws:SourceIp", {"192.0.2.0/24"}, {{"aws:SourceIp", {"192.0.2.10"}}}, true},
      {"IpAddress", "aws:SourceIp", {"192.0.2.0/24"}, {{"aws:SourceIp", {"198.51.100.1"}}}, false},
      {"IpAddress",
       "aws:SourceIp",
       {"192.0.2.0/24", "2001:db8::/32"},
       {{"aws:SourceIp", {"2001:db8::5"}}},
       true},
      {"IpAddress",
       "aws:SourceIp",
       {"192.0.2.0/24"},
       {{"aws:SourceIp", {"::ffff:192.0.2.3"}}},
       true},
      {"IpAddress", "aws:SourceIp", {"192.0.2.0/24"}, {{"aws:SourceIp", {"not-an-ip"}}}, false},
      {"IpAddress", "aws:SourceIp", {"192.0.2.0/24"}, {}, false},
      {"IpAddress", "aws:SourceIp", {"203.0.113.7"}, {{"aws:SourceIp", {"203.0.113.7"}}}, true},
      {"NotIpAddress", "aws:SourceIp", {"10.0.0.0/8"}, {{"aws:SourceIp", {"192.0.2.1"}}}, true},
      {"NotIpAddress", "aws:SourceIp", {"10.0.0.0/8"}, {{"aws:SourceIp", {"10.1.2.3"}}}, false},
      {"NotIpAddress",
       "aws:SourceIp",
       {"10.0.0.0/8", "2001:db8::/32"},
       {{"aws:SourceIp", {"2001:db8::1"}}},
       false},
      {"NotIpAddress", "aws:SourceIp", {"10.0.0.0/8"}, {}, true},
      {"IpAddressIfExists", "aws:SourceIp", {"10.0.0.0/8"}, {}, true},
      {"NotIpAddressIfExists",
       "aws:SourceIp",
       {"10.0.0.0/8"},
       {{"aws:SourceIp", {"10.0.0.1"}}},
       false},
  });
}

TEST(ConditionsTest, ArnOperators) {
  const std::string kAlice = "arn:aws:iam::123456789012:user/alice";
  RunCases({
      {"ArnEquals", "aws:PrincipalArn", {kAlice}, {{"aws:PrincipalArn", {kAlice}}}, true},
      {"ArnEquals",
       "aws:PrincipalArn",
       {"arn:aws:iam::123456789012:user/*"},
       {{"aws:PrincipalArn", {kAlice}}},
       true},
      {"ArnLike",
       "aws:PrincipalArn",
       {"arn:aws:iam::*:user/al?ce"},
       {{"aws:PrincipalArn", {kAlice}}},
       true},
      {"ArnLike",
       "aws:PrincipalArn",
       {"arn:aws:iam::*:user/bob"},
       {{"aws:PrincipalArn", {kAlice}}},
       false},
      {"ArnLike",
       "aws:PrincipalArn",
       {"arn:aws:iam::*:user/*"},
       {{"aws:PrincipalArn", {"not-an-arn"}}},
       false},
      {"ArnLike", "aws:PrincipalArn", {"arn:aws:iam::*:user/*"}, {}, false},
      {"ArnNotEquals", "aws:PrincipalArn", {kAlice}, {{"aws:PrincipalArn", {kAlice}}}, false},
      {"ArnNotEquals",
       "aws:PrincipalArn",
       {kAlice},
       {{"aws:PrincipalArn", {"arn:aws:iam::123456789012:user/bob"}}},
       true},
      {"ArnNotLike",
       "aws:PrincipalArn",
       {"arn:aws:iam::*:user/a*"},
       {{"aws:PrincipalArn", {kAlice}}},
       false},
      {"ArnNotLike", "aws:PrincipalArn", {"arn:aws:iam::*:user/a*"}, {}, true},
      {"ArnLikeIfExists", "aws:PrincipalArn", {"arn:aws:iam::*:user/bob"}, {}, true},
  });
}

TEST(ConditionsTest, SetQualifiers) {
  RunCases({
      // ForAnyValue: some context value matches; a missing key fails.
      {"ForAnyValue:StringEquals", "tags", {"a", "b"}, {{"tags", {"x", "b"}}}, true},
      {"ForAnyValue:StringEquals", "tags", {"a", "b"}, {{"tags", {"x", "y"}}}, false},
      {"ForAnyValue:StringEquals", "tags", {"a"}, {}, false},
      {"ForAnyValue:StringEqualsIfExists", "tags", {"a"}, {}, true},
      {"ForAnyValue:StringLike", "tags", {"env:*"}, {{"tags", {"team:x", "env:prod"}}}, true},
      // ForAllValues: every context value matches; a missing key passes.
      {"ForAllValues:StringEquals", "tags", {"a", "b"}, {{"tags", {"a", "b"}}}, true},
      {"ForAllValues:StringEquals", "tags", {"a", "b"}, {{"tags", {"a", "c"}}}, false},
      {"ForAllValues:StringEquals", "tags", {"a", "b"}, {{"tags", {"a"}}}, true},
      {"ForAllValues:StringEquals", "tags", {"a", "b"}, {}, true},
      {"ForAllValues:StringLike",
       "tags",
       {"env:*", "team:*"},
       {{"tags", {"env:prod", "team:x"}}},
       true},
      {"ForAllValues:NumericLessThan", "sizes", {"10"}, {{"sizes", {"1", "2", "9"}}}, true},
      {"ForAllValues:NumericLessThan", "sizes", {"10"}, {{"sizes", {"1", "12"}}}, false},
      // Negated with qualifiers: per context value, "matches none of them".
      {"ForAnyValue:StringNotEquals", "tags", {"a", "b"}, {{"tags", {"a", "c"}}}, true},
      {"ForAnyValue:StringNotEquals", "tags", {"a", "b"}, {{"tags", {"a", "b"}}}, false},
      {"ForAllValues:StringNotEquals", "tags", {"a", "b"}, {{"tags", {"c", "d"}}}, true},
      {"ForAllValues:StringNotEquals", "tags", {"a", "b"}, {{"tags", {"c", "a"}}}, false},
      {"ForAllValues:StringNotEquals", "tags", {"a"}, {}, true},
      {"ForAnyValue:StringNotEquals", "tags", {"a"}, {}, false},
      // No qualifier on a multi-valued key: positive = any, negated = none.
      {"StringEquals", "tags", {"a"}, {{"tags", {"x", "a"}}}, true},
      {"StringNotEquals", "tags", {"a"}, {{"tags", {"x", "a"}}}, false},
      {"StringNotEquals", "tags", {"a"}, {{"tags", {"x", "y"}}}, true},
  });
}

TEST(ConditionsTest, PolicyVariablesInValues) {
  RunCases({
      {"StringLike",
       "s3:prefix",
       {"home/${aws:username}/*"},
       {{"s3:prefix", {"home/alice/docs"}}, {"aws:username", {"alice"}}},
       true},
      {"StringLike",
       "s3:prefix",
       {"home/${aws:username}/*"},
       {{"s3:prefix", {"home/bob/docs"}}, {"aws:username", {"alice"}}},
       false},
      // No value for the variable: the policy value matches nothing...
      {"StringLike", "s3:prefix", {"home/${aws:username}/*"}, {{"s3:prefix", {"home/x/y"}}}, false},
      {"StringEquals",
       "s3:prefix",
       {"${aws:username}", "shared/"},
       {{"s3:prefix", {"shared/"}}},
       true},
      // ... so a negated operator holds.
      {"StringNotEquals", "s3:prefix", {"${aws:username}"}, {{"s3:prefix", {"x"}}}, true},
      {"StringEquals",
       "s3:prefix",
       {"${aws:username, 'guest'}/"},
       {{"s3:prefix", {"guest/"}}},
       true},
      {"StringEquals",
       "aws:userid",
       {"${aws:username}"},
       {{"aws:userid", {"alice"}}, {"aws:username", {"alice"}}},
       true},
      {"ArnEquals",
       "aws:PrincipalArn",
       {"arn:aws:iam::1:user/${aws:username}"},
       {{"aws:PrincipalArn", {"arn:aws:iam::1:user/alice"}}, {"aws:username", {"alice"}}},
       true},
      // Substituted text is literal even for StringLike.
      {"StringLike",
       "s3:prefix",
       {"${aws:username}"},
       {{"s3:prefix", {"anything"}}, {"aws:username", {"*"}}},
       false},
      {"StringLike", "s3:prefix", {"a${*}"}, {{"s3:prefix", {"a*"}}}, true},
      {"StringLike", "s3:prefix", {"a${*}"}, {{"s3:prefix", {"ab"}}}, false},
  });
}

TEST(ConditionsTest, MultipleValuesForNullOr) {
  // Null with both answers holds either way.
  RunCases({
      {"Null", "k", {"true", "false"}, {}, true},
      {"Null", "k", {"true", "false"}, {{"k", {"v"}}}, true},
  });
}

}  // namespace
}  // namespace strata::auth::policy
