#include "auth/policy/parser.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace strata::auth::policy {
namespace {

using common::Code;

ParseOptions Bucket() { return ParseOptions{PolicyKind::kBucket}; }

TEST(ParsePolicyTest, FullDocument) {
  auto policy = ParsePolicy(R"({
    "Version": "2012-10-17",
    "Id": "policy-1",
    "Statement": [
      {
        "Sid": "Home",
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:PutObject"],
        "Resource": "arn:aws:s3:::home/${aws:username}/*",
        "Condition": {
          "StringLike": {"s3:prefix": ["home/*", "shared/*"]},
          "NumericLessThanEquals": {"s3:max-keys": 100},
          "Bool": {"aws:SecureTransport": true},
          "ForAnyValue:StringEqualsIfExists": {"tags": "a", "other": ["b", "c"]}
        }
      },
      {"Effect": "Deny", "NotAction": "s3:Get*", "NotResource": ["arn:aws:s3:::public/*"]}
    ]
  })");
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_EQ(policy->version, Version::k2012_10_17);
  EXPECT_EQ(policy->kind, PolicyKind::kIdentity);
  EXPECT_EQ(policy->id, "policy-1");
  ASSERT_EQ(policy->statements.size(), 2u);

  const Statement& home = policy->statements[0];
  EXPECT_EQ(home.sid, "Home");
  EXPECT_EQ(home.effect, Effect::kAllow);
  EXPECT_FALSE(home.not_action);
  EXPECT_EQ(home.actions, (std::vector<std::string>{"s3:GetObject", "s3:PutObject"}));
  ASSERT_EQ(home.resources.size(), 1u);
  EXPECT_TRUE(home.resources[0].HasVariables());
  EXPECT_FALSE(home.principal.has_value());
  // nlohmann keeps object keys sorted: Bool, ForAnyValue:..., NumericLessThanEquals, StringLike.
  ASSERT_EQ(home.conditions.size(), 5u);
  EXPECT_EQ(home.conditions[0].op, ConditionOperator::kBool);
  EXPECT_EQ(home.conditions[0].key, "aws:securetransport");
  EXPECT_EQ(home.conditions[0].values[0].source, "true");
  EXPECT_EQ(home.conditions[1].qualifier, SetQualifier::kForAnyValue);
  EXPECT_TRUE(home.conditions[1].if_exists);
  EXPECT_EQ(home.conditions[3].values[0].source, "100");
  EXPECT_EQ(home.conditions[4].values.size(), 2u);

  const Statement& deny = policy->statements[1];
  EXPECT_EQ(deny.effect, Effect::kDeny);
  EXPECT_TRUE(deny.not_action);
  EXPECT_TRUE(deny.not_resource);
}

TEST(ParsePolicyTest, VersionRules) {
  auto old = ParsePolicy(
      R"({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::${x"}})");
  ASSERT_TRUE(old.ok()) << old.status().ToString();  // 2008: "${" is plain text
  EXPECT_EQ(old->version, Version::k2008_10_17);
  EXPECT_FALSE(old->statements[0].resources[0].HasVariables());

  auto v2008 = ParsePolicy(R"({"Version": "2008-10-17", "Statement": {"Effect": "Allow",
      "Action": "*", "Resource": "arn:aws:s3:::b/${aws:username}"}})");
  ASSERT_TRUE(v2008.ok());
  EXPECT_FALSE(v2008->statements[0].resources[0].HasVariables());
}

TEST(ParsePolicyTest, BucketPolicyPrincipals) {
  auto policy = ParsePolicy(R"({
    "Version": "2012-10-17",
    "Statement": [
      {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
       "Resource": "arn:aws:s3:::b/*"},
      {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject",
       "Resource": "arn:aws:s3:::b/*"},
      {"Effect": "Allow",
       "Principal": {"AWS": ["arn:aws:iam::123456789012:user/alice", "123456789012",
                             "arn:aws:iam::999:root"]},
       "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"},
      {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::1:user/admins/root-user"},
       "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::b/*"}
    ]
  })",
                            Bucket());
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_TRUE(policy->statements[0].principal->any);
  EXPECT_TRUE(policy->statements[1].principal->any);
  const PrincipalSpec& listed = *policy->statements[2].principal;
  EXPECT_FALSE(listed.any);
  EXPECT_EQ(listed.arns, (std::vector<std::string>{"arn:aws:iam::123456789012:user/alice"}));
  EXPECT_EQ(listed.accounts, (std::vector<std::string>{"123456789012", "999"}));
  EXPECT_TRUE(policy->statements[3].not_principal);
}

struct BadCase {
  std::string text;
  std::string_view message;
  PolicyKind kind = PolicyKind::kIdentity;
};

// A statement body for the bad table: Effect/Action/Resource plus `extra`.
std::string Doc(std::string_view statement) {
  return R"({"Version": "2012-10-17", "Statement": [)" + std::string(statement) + "]}";
}

TEST(ParsePolicyTest, BadDocumentsSayWhere) {
  const std::string ok = R"("Effect": "Allow", "Action": "s3:GetObject", "Resource": "*")";
  const std::string ok_bucket =
      R"("Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*")";
  const BadCase kCases[] = {
      // JSON and top level.
      {"",
       "policy: invalid JSON at byte 1 (syntax error while parsing value - unexpected end of "
       "input; expected '[', '{', or a literal)"},
      {"{",
       "policy: invalid JSON at byte 2 (syntax error while parsing object key - unexpected "
       "end of input; expected string literal)"},
      {"[]", "policy: expected a JSON object"},
      {"\"x\"", "policy: expected a JSON object"},
      {"{}", "policy: missing Statement"},
      {R"({"Statement": [], "Foo": 1})", "policy: unknown element \"Foo\""},
      {R"({"Version": "2012-10-18", "Statement": []})",
       "Version: expected \"2012-10-17\" or \"2008-10-17\""},
      {R"({"Version": 2012, "Statement": []})",
       "Version: expected \"2012-10-17\" or \"2008-10-17\""},
      {R"({"Id": 5, "Statement": []})", "Id: expected a string"},
      {R"({"Statement": []})", "Statement: must not be empty"},
      {R"({"Statement": "x"})", "Statement: expected an object or an array of objects"},
      {R"({"Statement": ["x"]})", "Statement[0]: expected an object"},
      {R"({"Statement": [{"Effect": "Allow"}, {"Effect": "Allow"}], "Statement": 1})",
       "policy: duplicate key \"Statement\""},
      {R"({"Statement": [{"Effect": "Allow", "Effect": "Deny"}]})",
       "Statement[0]: duplicate key \"Effect\""},
      {R"({"Statement": [{}, {"Condition": {"Bool": {"a": 1, "a": 2}}}]})",
       "Statement[1].Condition.Bool: duplicate key \"a\""},
      // Statement elements.
      {Doc("{" + ok + R"(, "Foo": 1})"), "Statement[0]: unknown element \"Foo\""},
      {Doc(R"({"Action": "s3:GetObject", "Resource": "*"})"), "Statement[0]: missing Effect"},
      {Doc(R"({"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"})"),
       "Statement[0].Effect: expected \"Allow\" or \"Deny\""},
      {Doc(R"({"Effect": true, "Action": "s3:GetObject", "Resource": "*"})"),
       "Statement[0].Effect: expected \"Allow\" or \"Deny\""},
      {Doc(R"({"Sid": 1, "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})"),
       "Statement[0].Sid: expected a string"},
      {Doc("{" + ok + R"(, "Sid": "A"}, {)" + ok + R"(, "Sid": "A"})"),
       "Statement[1].Sid: duplicate Sid \"A\""},
      {Doc(R"({"Effect": "Allow", "Resource": "*"})"), "Statement[0]: missing Action or NotAction"},
      {Doc(R"({"Effect": "Allow", "Action": "s3:GetObject", "NotAction": "s3:PutObject",
               "Resource": "*"})"),
       "Statement[0]: Action and NotAction cannot both be present"},
      {Doc(R"({"Effect": "Allow", "Action": [], "Resource": "*"})"),
       "Statement[0].Action: must not be empty"},
      {Doc(R"({"Effect": "Allow", "Action": ["s3:GetObject", 5], "Resource": "*"})"),
       "Statement[0].Action[1]: expected a string"},
      {Doc(R"({"Effect": "Allow", "Action": {"a": 1}, "Resource": "*"})"),
       "Statement[0].Action: expected a string or an array of strings"},
      {Doc(R"({"Effect": "Allow", "Action": "GetObject", "Resource": "*"})"),
       "Statement[0].Action: \"GetObject\" is not an action (service:name or *)"},
      {Doc(R"({"Effect": "Allow", "NotAction": ["s3:"], "Resource": "*"})"),
       "Statement[0].NotAction[0]: \"s3:\" is not an action (service:name or *)"},
      {Doc(R"({"Effect": "Allow", "Action": "s3:Get Object", "Resource": "*"})"),
       "Statement[0].Action: \"s3:Get Object\" is not an action (service:name or *)"},
      {Doc(R"({"Effect": "Allow", "Action": "s3:GetObject"})"),
       "Statement[0]: missing Resource or NotResource"},
      {Doc(R"({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
               "NotResource": "*"})"),
       "Statement[0]: Resource and NotResource cannot both be present"},
      {Doc(R"({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "bucket/*"})"),
       "Statement[0].Resource: \"bucket/*\" is not \"*\" or an ARN"},
      {Doc(R"({"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["*", "arn:aws:s3:::"]})"),
       "Statement[0].Resource[1]: \"arn:aws:s3:::\" is not \"*\" or an ARN"},
      {Doc(R"({"Effect": "Allow", "Action": "s3:GetObject",
               "Resource": "arn:aws:s3:::b/${aws:username"})"),
       "Statement[0].Resource: unterminated policy variable at offset 15"},
      // Principal.
      {Doc("{" + ok + R"(, "Principal": "*"})"),
       "Statement[0]: Principal is not allowed in an identity policy"},
      {Doc("{" + ok + R"(, "NotPrincipal": "*"})"),
       "Statement[0]: NotPrincipal is not allowed in an identity policy"},
      {Doc("{" + ok + "}"), "Statement[0]: missing Principal", PolicyKind::kBucket},
      {Doc("{" + ok + R"(, "Principal": "alice"})"),
       "Statement[0].Principal: expected \"*\" or an object such as {\"AWS\": [...]}",
       PolicyKind::kBucket},
      {Doc("{" + ok + R"(, "Principal": {}})"), "Statement[0].Principal: must not be empty",
       PolicyKind::kBucket},
      {Doc("{" + ok + R"(, "Principal": {"Service": "s3.amazonaws.com"}})"),
       "Statement[0].Principal: unsupported principal type \"Service\" (only \"AWS\")",
       PolicyKind::kBucket},
      {Doc("{" + ok + R"(, "Principal": {"AWS": ["arn:aws:iam::1:user/*"]}})"),
       "Statement[0].Principal.AWS[0]: \"arn:aws:iam::1:user/*\" is not a principal (\"*\", an "
       "account ID, arn:aws:iam::<account>:root or arn:aws:iam::<account>:user/<name>)",
       PolicyKind::kBucket},
      {Doc("{" + ok + R"(, "Principal": {"AWS": "arn:aws:s3:::bucket"}})"),
       "Statement[0].Principal.AWS: \"arn:aws:s3:::bucket\" is not a principal (\"*\", an "
       "account ID, arn:aws:iam::<account>:root or arn:aws:iam::<account>:user/<name>)",
       PolicyKind::kBucket},
      {Doc("{" + ok + R"(, "Principal": "*", "NotPrincipal": "*"})"),
       "Statement[0]: Principal and NotPrincipal cannot both be present", PolicyKind::kBucket},
      // Conditions.
      {Doc("{" + ok + R"(, "Condition": {"StringEqualz": {"a": "b"}}})"),
       "Statement[0].Condition: unknown operator StringEqualz"},
      {Doc("{" + ok_bucket + "}, {" + ok_bucket +
           R"(, "Condition": {"StringEqualz": {"a": "b"}}})"),
       "Statement[1].Condition: unknown operator StringEqualz", PolicyKind::kBucket},
      {Doc("{" + ok + R"(, "Condition": {"NullIfExists": {"a": "true"}}})"),
       "Statement[0].Condition: unknown operator NullIfExists"},
      {Doc("{" + ok + R"(, "Condition": []})"),
       "Statement[0].Condition: expected an object of condition operators"},
      {Doc("{" + ok + R"(, "Condition": {"StringEquals": "x"}})"),
       "Statement[0].Condition.StringEquals: expected an object of condition keys"},
      {Doc("{" + ok + R"(, "Condition": {"StringEquals": {}}})"),
       "Statement[0].Condition.StringEquals: expected an object of condition keys"},
      {Doc("{" + ok + R"(, "Condition": {"StringEquals": {"": "x"}}})"),
       "Statement[0].Condition.StringEquals: empty condition key"},
      {Doc("{" + ok + R"(, "Condition": {"StringEquals": {"s3:prefix": []}}})"),
       "Statement[0].Condition.StringEquals.s3:prefix: must not be empty"},
      {Doc("{" + ok + R"(, "Condition": {"StringEquals": {"s3:prefix": null}}})"),
       "Statement[0].Condition.StringEquals.s3:prefix: expected a value or an array of values"},
      {Doc("{" + ok + R"(, "Condition": {"StringEquals": {"s3:prefix": ["a", {}]}}})"),
       "Statement[0].Condition.StringEquals.s3:prefix[1]: expected a string, number or boolean"},
      {Doc("{" + ok + R"(, "Condition": {"NumericLessThan": {"s3:max-keys": "ten"}}})"),
       "Statement[0].Condition.NumericLessThan.s3:max-keys: \"ten\" is not a number"},
      {Doc("{" + ok + R"(, "Condition": {"DateLessThan": {"aws:CurrentTime": ["2026-01-01",
           "soon"]}}})"),
       "Statement[0].Condition.DateLessThan.aws:CurrentTime[1]: \"soon\" is not an ISO 8601 "
       "date or epoch seconds"},
      {Doc("{" + ok + R"(, "Condition": {"Bool": {"aws:SecureTransport": "yes"}}})"),
       "Statement[0].Condition.Bool.aws:SecureTransport: \"yes\" is not true or false"},
      {Doc("{" + ok + R"(, "Condition": {"Null": {"aws:username": 1}}})"),
       "Statement[0].Condition.Null.aws:username: \"1\" is not true or false"},
      {Doc("{" + ok + R"(, "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/33"}}})"),
       "Statement[0].Condition.IpAddress.aws:SourceIp: \"10.0.0.0/33\" is not an IP address or "
       "CIDR"},
      {Doc("{" + ok + R"(, "Condition": {"StringLike": {"s3:prefix": "${aws:username"}}})"),
       "Statement[0].Condition.StringLike.s3:prefix: unterminated policy variable at offset 0"},
      // A single statement object is "Statement", not "Statement[0]".
      {R"({"Statement": {"Effect": "Maybe", "Action": "*", "Resource": "*"}})",
       "Statement.Effect: expected \"Allow\" or \"Deny\""},
  };
  for (const BadCase& c : kCases) {
    auto policy = ParsePolicy(c.text, ParseOptions{c.kind});
    ASSERT_FALSE(policy.ok()) << c.text;
    EXPECT_EQ(policy.status().code(), Code::kMalformedPolicy) << c.text;
    EXPECT_EQ(policy.status().message(), c.message) << c.text;
  }
}

TEST(ParsePolicyTest, SizeLimit) {
  std::string big =
      Doc(R"({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::)" +
          std::string(30000, 'x') + R"("})");
  auto policy = ParsePolicy(big, Bucket());
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(policy.status().code(), Code::kMalformedPolicy);
  EXPECT_NE(policy.status().message().find("the limit is 20480"), std::string::npos);
  ParseOptions roomy{PolicyKind::kIdentity, 64 * 1024};
  EXPECT_TRUE(ParsePolicy(big, roomy).ok());
}

TEST(ParsePolicyTest, DeepNestingIsRejected) {
  std::string deep = R"({"Statement": )" + std::string(1000, '[') + std::string(1000, ']') + "}";
  auto policy = ParsePolicy(deep);
  ASSERT_FALSE(policy.ok());
  EXPECT_NE(policy.status().message().find("nested more than 32 levels deep"), std::string::npos)
      << policy.status().message();
}

TEST(ParsePolicyTest, MessagesStayPrintable) {
  auto policy = ParsePolicy("{\"Statement\": [\x01]}");
  ASSERT_FALSE(policy.ok());
  for (char c : policy.status().message()) {
    EXPECT_TRUE(c >= 0x20 && c < 0x7f) << static_cast<int>(c);
  }
  policy = ParsePolicy(R"({"Statement": [], "A\u0001B": 1})");
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(policy.status().message(), "policy: unknown element \"A?B\"");
}

// Random junk, and random mutations of a valid policy, never crash the
// parser (run under ASan/UBSan) and always fail cleanly or succeed.
TEST(ParsePolicyTest, FuzzNeverCrashes) {
  const std::string seed_doc = R"({"Version": "2012-10-17", "Statement": [{"Sid": "A",
    "Effect": "Allow", "Principal": {"AWS": ["*", "arn:aws:iam::1:user/u"]},
    "Action": ["s3:Get*", "s3:ListBucket"], "Resource": "arn:aws:s3:::b/${aws:username}/*",
    "Condition": {"StringLike": {"s3:prefix": ["a/*", "${x, 'y'}"]},
    "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}, "ForAllValues:NumericLessThan": {"n": [1, 2.5]},
    "DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}, "Null": {"k": true}}}]})";
  ASSERT_TRUE(ParsePolicy(seed_doc, Bucket()).ok())
      << ParsePolicy(seed_doc, Bucket()).status().ToString();
  const std::string alphabet = "{}[]\":,\\ 0123456789.-+eEtrufalsn*?${}'/arn:aws:s3Statement";
  std::mt19937 rng(20260131);
  size_t accepted = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string text;
    if (i % 2 == 0) {
      size_t length = rng() % 200;
      for (size_t j = 0; j < length; ++j) {
        text.push_back(rng() % 4 == 0 ? static_cast<char>(rng() % 256)
                                      : alphabet[rng() % alphabet.size()]);
      }
    } else {
      text = seed_doc;
      int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; ++e) {
        size_t at = rng() % text.size();
        switch (rng() % 3) {
          case 0:
            text.erase(at, 1 + rng() % 8);
            break;
          case 1:
            text.insert(at, 1, alphabet[rng() % alphabet.size()]);
            break;
          default:
            text[at] = static_cast<char>(rng() % 256);
            break;
        }
        if (text.empty()) text = "{";
      }
    }
    for (PolicyKind kind : {PolicyKind::kIdentity, PolicyKind::kBucket}) {
      auto policy = ParsePolicy(text, ParseOptions{kind});
      if (policy.ok()) {
        ++accepted;
      } else {
        EXPECT_EQ(policy.status().code(), Code::kMalformedPolicy);
        EXPECT_FALSE(policy.status().message().empty());
      }
    }
  }
  // Some mutations (inside string values) leave a valid policy.
  EXPECT_GT(accepted, 0u);
}

}  // namespace
}  // namespace strata::auth::policy
