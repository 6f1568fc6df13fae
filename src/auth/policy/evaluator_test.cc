#include "auth/policy/evaluator.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "auth/policy/parser.h"

namespace strata::auth::policy {
namespace {

using Outcome = Decision::Outcome;
using Source = Decision::Source;

constexpr std::string_view kAccount = "123456789012";

Policy Identity(std::string_view text) {
  auto policy = ParsePolicy(text);
  EXPECT_TRUE(policy.ok()) << policy.status().ToString();
  return policy.ok() ? *policy : Policy{};
}

Policy BucketPolicy(std::string_view text) {
  auto policy = ParsePolicy(text, ParseOptions{PolicyKind::kBucket});
  EXPECT_TRUE(policy.ok()) << policy.status().ToString();
  return policy.ok() ? *policy : Policy{};
}

Request Req(std::string_view action, std::string_view resource,
            Principal principal = Principal::User(kAccount, "alice")) {
  Request request;
  request.action = std::string(action);
  request.resource = std::string(resource);
  request.principal = std::move(principal);
  if (!request.principal.anonymous) {
    request.context.Set("aws:username", request.principal.user_name);
    request.context.Set("aws:userid", "AIDA" + request.principal.user_name);
  }
  return request;
}

struct Case {
  std::string_view name;
  Request request;
  Outcome outcome;
};

void Check(const std::vector<const Policy*>& identity, const Policy* bucket,
           const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    Decision decision = Evaluate(identity, bucket, c.request);
    EXPECT_EQ(decision.outcome, c.outcome) << c.name << ": " << decision.ToString();
  }
}

TEST(EvaluateTest, DefaultIsImplicitDeny) {
  Decision decision = Evaluate({}, nullptr, Req("s3:GetObject", "arn:aws:s3:::b/k"));
  EXPECT_EQ(decision.outcome, Outcome::kImplicitDeny);
  EXPECT_FALSE(decision.allowed());
  EXPECT_EQ(decision.source, Source::kNone);
  EXPECT_EQ(decision.ToString(), "implicit deny");
}

TEST(EvaluateTest, ActionsAndResources) {
  Policy policy = Identity(R"({"Version": "2012-10-17", "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": ["s3:Get*", "s3:ListBucket"],
     "Resource": ["arn:aws:s3:::photos", "arn:aws:s3:::photos/*"]},
    {"Sid": "Logs", "Effect": "Allow", "Action": "s3:PutObject",
     "Resource": "arn:aws:s3:::logs/2026/??/*"}
  ]})");
  Check({&policy}, nullptr,
        {
            {"get", Req("s3:GetObject", "arn:aws:s3:::photos/a.jpg"), Outcome::kAllow},
            {"get lowercase action", Req("s3:getobject", "arn:aws:s3:::photos/a.jpg"),
             Outcome::kAllow},
            {"get tagging", Req("s3:GetObjectTagging", "arn:aws:s3:::photos/a/b"), Outcome::kAllow},
            {"list", Req("s3:ListBucket", "arn:aws:s3:::photos"), Outcome::kAllow},
            {"list other bucket", Req("s3:ListBucket", "arn:aws:s3:::photos2"),
             Outcome::kImplicitDeny},
            {"get other bucket", Req("s3:GetObject", "arn:aws:s3:::photosx/a"),
             Outcome::kImplicitDeny},
            {"put", Req("s3:PutObject", "arn:aws:s3:::photos/a.jpg"), Outcome::kImplicitDeny},
            {"put logs", Req("s3:PutObject", "arn:aws:s3:::logs/2026/01/x"), Outcome::kAllow},
            {"put logs bad month", Req("s3:PutObject", "arn:aws:s3:::logs/2026/1/x"),
             Outcome::kImplicitDeny},
            {"resource case matters", Req("s3:GetObject", "arn:aws:s3:::Photos/a"),
             Outcome::kImplicitDeny},
        });
  Decision decision =
      Evaluate({&policy}, nullptr, Req("s3:PutObject", "arn:aws:s3:::logs/2026/01/x"));
  EXPECT_EQ(decision.source, Source::kIdentity);
  EXPECT_EQ(decision.policy_index, 0u);
  EXPECT_EQ(decision.statement_index, 1u);
  EXPECT_EQ(decision.sid, "Logs");
  EXPECT_EQ(decision.ToString(), "allow: identity policy 0, statement 1 (Sid \"Logs\")");
}

TEST(EvaluateTest, DenyBeatsAllow) {
  Policy allow_all = Identity(R"({"Version": "2012-10-17", "Statement":
    {"Effect": "Allow", "Action": "*", "Resource": "*"}})");
  Policy deny_delete = Identity(R"({"Version": "2012-10-17", "Statement": [
    {"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}]})");
  // Order does not matter.
  for (auto identity : {std::vector<const Policy*>{&allow_all, &deny_delete},
                        std::vector<const Policy*>{&deny_delete, &allow_all}}) {
    Decision decision = Evaluate(identity, nullptr, Req("s3:DeleteObject", "arn:aws:s3:::b/k"));
    EXPECT_EQ(decision.outcome, Outcome::kExplicitDeny);
    EXPECT_EQ(decision.sid, "NoDelete");
    EXPECT_EQ(decision.policy_index, identity[0] == &deny_delete ? 0u : 1u);
    EXPECT_TRUE(Evaluate(identity, nullptr, Req("s3:GetObject", "arn:aws:s3:::b/k")).allowed());
  }
  // Deny and Allow in one policy.
  Policy both = Identity(R"({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
    {"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::secret/*"}]})");
  Check({&both}, nullptr,
        {
            {"secret", Req("s3:GetObject", "arn:aws:s3:::secret/x"), Outcome::kExplicitDeny},
            {"public", Req("s3:GetObject", "arn:aws:s3:::public/x"), Outcome::kAllow},
        });
}

TEST(EvaluateTest, NotActionAndNotResource) {
  // The classic "deny everything except reads".
  Policy policy = Identity(R"({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
    {"Sid": "OnlyReads", "Effect": "Deny", "NotAction": ["s3:Get*", "s3:List*"], "Resource": "*"},
    {"Sid": "OnlyArchive", "Effect": "Deny", "Action": "s3:GetObject",
     "NotResource": "arn:aws:s3:::archive/*"}
  ]})");
  Check({&policy}, nullptr,
        {
            {"put denied by NotAction", Req("s3:PutObject", "arn:aws:s3:::archive/x"),
             Outcome::kExplicitDeny},
            {"delete denied by NotAction", Req("s3:DeleteObject", "arn:aws:s3:::archive/x"),
             Outcome::kExplicitDeny},
            {"list allowed", Req("s3:ListBucket", "arn:aws:s3:::archive"), Outcome::kAllow},
            {"get in archive", Req("s3:GetObject", "arn:aws:s3:::archive/x"), Outcome::kAllow},
            {"get elsewhere denied by NotResource", Req("s3:GetObject", "arn:aws:s3:::other/x"),
             Outcome::kExplicitDeny},
            {"tagging elsewhere ok", Req("s3:GetObjectTagging", "arn:aws:s3:::other/x"),
             Outcome::kAllow},
        });
  // NotAction in an Allow grants everything else.
  Policy all_but_admin = Identity(R"({"Version": "2012-10-17", "Statement":
    {"Effect": "Allow", "NotAction": "admin:*", "Resource": "*"}})");
  Check({&all_but_admin}, nullptr,
        {
            {"s3", Req("s3:PutObject", "arn:aws:s3:::b/k"), Outcome::kAllow},
            {"admin", Req("admin:ServerInfo", "*"), Outcome::kImplicitDeny},
        });
}

TEST(EvaluateTest, BucketPolicyPrincipals) {
  Policy bucket = BucketPolicy(R"({"Version": "2012-10-17", "Statement": [
    {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::site/*"},
    {"Sid": "BobWrites", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/bob"},
     "Action": "s3:PutObject", "Resource": "arn:aws:s3:::site/*"},
    {"Sid": "AccountLists", "Effect": "Allow", "Principal": {"AWS": "123456789012"},
     "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::site"},
    {"Sid": "RootDeletes", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999:root"},
     "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::site/*"}
  ]})");
  const Principal anon = Principal::Anonymous();
  const Principal bob = Principal::User(kAccount, "bob");
  const Principal alice = Principal::User(kAccount, "alice");
  const Principal other = Principal::User("999", "carol");
  Check({}, &bucket,
        {
            {"anonymous read", Req("s3:GetObject", "arn:aws:s3:::site/index.html", anon),
             Outcome::kAllow},
            {"anonymous write", Req("s3:PutObject", "arn:aws:s3:::site/x", anon),
             Outcome::kImplicitDeny},
            {"anonymous list", Req("s3:ListBucket", "arn:aws:s3:::site", anon),
             Outcome::kImplicitDeny},
            {"anonymous other bucket", Req("s3:GetObject", "arn:aws:s3:::private/x", anon),
             Outcome::kImplicitDeny},
            {"bob writes", Req("s3:PutObject", "arn:aws:s3:::site/x", bob), Outcome::kAllow},
            {"alice cannot write", Req("s3:PutObject", "arn:aws:s3:::site/x", alice),
             Outcome::kImplicitDeny},
            {"account member lists", Req("s3:ListBucket", "arn:aws:s3:::site", alice),
             Outcome::kAllow},
            {"other account cannot list", Req("s3:ListBucket", "arn:aws:s3:::site", other),
             Outcome::kImplicitDeny},
            {"root principal = account", Req("s3:DeleteObject", "arn:aws:s3:::site/x", other),
             Outcome::kAllow},
            {"not that account", Req("s3:DeleteObject", "arn:aws:s3:::site/x", alice),
             Outcome::kImplicitDeny},
        });
  Decision decision = Evaluate({}, &bucket, Req("s3:GetObject", "arn:aws:s3:::site/a", anon));
  EXPECT_EQ(decision.source, Source::kBucket);
  EXPECT_EQ(decision.sid, "PublicRead");
  EXPECT_EQ(decision.ToString(), "allow: bucket policy, statement 0 (Sid \"PublicRead\")");

  // {"AWS": "*"} also admits anonymous callers.
  Policy aws_star = BucketPolicy(R"({"Version": "2012-10-17", "Statement":
    {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::site/*"}})");
  EXPECT_TRUE(Evaluate({}, &aws_star, Req("s3:GetObject", "arn:aws:s3:::site/a", anon)).allowed());
}

TEST(EvaluateTest, NotPrincipal) {
  Policy bucket = BucketPolicy(R"({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"},
    {"Sid": "OnlyBobDeletes", "Effect": "Deny",
     "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:user/bob"},
     "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::b/*"}
  ]})");
  Check({}, &bucket,
        {
            {"bob deletes",
             Req("s3:DeleteObject", "arn:aws:s3:::b/k", Principal::User(kAccount, "bob")),
             Outcome::kAllow},
            {"alice cannot", Req("s3:DeleteObject", "arn:aws:s3:::b/k"), Outcome::kExplicitDeny},
            {"anonymous cannot", Req("s3:DeleteObject", "arn:aws:s3:::b/k", Principal::Anonymous()),
             Outcome::kExplicitDeny},
            {"alice reads", Req("s3:GetObject", "arn:aws:s3:::b/k"), Outcome::kAllow},
        });
}

TEST(EvaluateTest, IdentityAndBucketPoliciesTogether) {
  Policy readwrite = Identity(R"({"Version": "2012-10-17", "Statement":
    {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::*"}})");
  Policy bucket_deny = BucketPolicy(R"({"Version": "2012-10-17", "Statement": [
    {"Sid": "NoPlainHttp", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": "arn:aws:s3:::vault/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Sid": "OfficeOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": "arn:aws:s3:::vault/*",
     "Condition": {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "2001:db8::/32"]}}}
  ]})");
  auto request = [](std::string_view ip, bool tls) {
    Request r = Req("s3:GetObject", "arn:aws:s3:::vault/doc");
    r.context.Set("aws:SourceIp", std::string(ip));
    r.context.Set("aws:SecureTransport", tls ? "true" : "false");
    return r;
  };
  Check({&readwrite}, &bucket_deny,
        {
            {"office over tls", request("192.0.2.9", true), Outcome::kAllow},
            {"office over v6", request("2001:db8::9", true), Outcome::kAllow},
            {"plain http", request("192.0.2.9", false), Outcome::kExplicitDeny},
            {"outside", request("203.0.113.1", true), Outcome::kExplicitDeny},
        });
  Decision decision = Evaluate({&readwrite}, &bucket_deny, request("203.0.113.1", true));
  EXPECT_EQ(decision.source, Source::kBucket);
  EXPECT_EQ(decision.sid, "OfficeOnly");

  // An Allow from either side is enough (single account).
  Policy none = Identity(R"({"Version": "2012-10-17", "Statement":
    {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}})");
  Policy bucket_allow = BucketPolicy(R"({"Version": "2012-10-17", "Statement":
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/alice"},
     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"}})");
  EXPECT_TRUE(
      Evaluate({&none}, &bucket_allow, Req("s3:GetObject", "arn:aws:s3:::shared/x")).allowed());
  // Identity deny beats bucket allow.
  Policy deny = Identity(R"({"Version": "2012-10-17", "Statement":
    {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}})");
  EXPECT_EQ(Evaluate({&deny}, &bucket_allow, Req("s3:GetObject", "arn:aws:s3:::shared/x")).outcome,
            Outcome::kExplicitDeny);
}

TEST(EvaluateTest, PolicyVariablesInResources) {
  Policy home = Identity(R"({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::home",
     "Condition": {"StringLike": {"s3:prefix": ["${aws:username}/*", "${aws:username}"]}}},
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
     "Resource": "arn:aws:s3:::home/${aws:username}/*"}
  ]})");
  auto list = [](std::string_view user, std::string_view prefix) {
    Request r = Req("s3:ListBucket", "arn:aws:s3:::home", Principal::User(kAccount, user));
    r.context.Set("s3:prefix", std::string(prefix));
    return r;
  };
  Check(
      {&home}, nullptr,
      {
          {"own object", Req("s3:GetObject", "arn:aws:s3:::home/alice/notes.txt"), Outcome::kAllow},
          {"other's object", Req("s3:GetObject", "arn:aws:s3:::home/bob/notes.txt"),
           Outcome::kImplicitDeny},
          {"bob's own",
           Req("s3:PutObject", "arn:aws:s3:::home/bob/x", Principal::User(kAccount, "bob")),
           Outcome::kAllow},
          {"list own prefix", list("alice", "alice/"), Outcome::kAllow},
          {"list own root", list("alice", "alice"), Outcome::kAllow},
          {"list other prefix", list("alice", "bob/"), Outcome::kImplicitDeny},
          {"list without prefix", Req("s3:ListBucket", "arn:aws:s3:::home"),
           Outcome::kImplicitDeny},
          // Anonymous: no aws:username, so the variable has no value.
          {"anonymous", Req("s3:GetObject", "arn:aws:s3:::home//x", Principal::Anonymous()),
           Outcome::kImplicitDeny},
      });
  // A user whose name holds wildcard characters gets no wildcard power.
  Request star = Req("s3:GetObject", "arn:aws:s3:::home/alice/x", Principal::User(kAccount, "*"));
  EXPECT_FALSE(Evaluate({&home}, nullptr, star).allowed());

  // Version 2008-10-17: the variable is literal text.
  Policy old = Identity(R"({"Version": "2008-10-17", "Statement":
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"}})");
  EXPECT_FALSE(
      Evaluate({&old}, nullptr, Req("s3:GetObject", "arn:aws:s3:::home/alice/x")).allowed());
  EXPECT_TRUE(Evaluate({&old}, nullptr, Req("s3:GetObject", "arn:aws:s3:::home/${aws:username}/x"))
                  .allowed());
}

TEST(EvaluateTest, ConditionsAndTogether) {
  Policy policy = Identity(R"({"Version": "2012-10-17", "Statement":
    {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b",
     "Condition": {
       "StringEquals": {"s3:delimiter": "/", "s3:prefix": ["", "docs/"]},
       "NumericLessThanEquals": {"s3:max-keys": "100"},
       "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}}})");
  auto list = [](std::string_view prefix, std::string_view max_keys, std::string_view now) {
    Request r = Req("s3:ListBucket", "arn:aws:s3:::b");
    r.context.Set("s3:prefix", std::string(prefix));
    r.context.Set("s3:delimiter", "/");
    r.context.Set("s3:max-keys", std::string(max_keys));
    r.context.Set("aws:CurrentTime", std::string(now));
    return r;
  };
  Check(
      {&policy}, nullptr,
      {
          {"all hold", list("docs/", "50", "2026-01-01T00:00:00Z"), Outcome::kAllow},
          {"root prefix", list("", "100", "2026-01-01T00:00:00Z"), Outcome::kAllow},
          {"prefix fails", list("src/", "50", "2026-01-01T00:00:00Z"), Outcome::kImplicitDeny},
          {"max-keys fails", list("docs/", "1000", "2026-01-01T00:00:00Z"), Outcome::kImplicitDeny},
          {"expired", list("docs/", "50", "2031-01-01T00:00:00Z"), Outcome::kImplicitDeny},
      });
}

TEST(EvaluateTest, AnonymousHasOnlyBucketPolicy) {
  Policy bucket = BucketPolicy(R"({"Version": "2012-10-17", "Statement":
    {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::b/*"}})");
  EXPECT_FALSE(
      Evaluate({}, &bucket, Req("s3:GetObject", "arn:aws:s3:::b/k", Principal::Anonymous()))
          .allowed());
  EXPECT_TRUE(Evaluate({}, &bucket, Req("s3:GetObject", "arn:aws:s3:::b/k")).allowed());
}

TEST(StatementAppliesTest, IgnoresEffect) {
  Policy policy = Identity(R"({"Version": "2012-10-17", "Statement":
    {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}})");
  EXPECT_TRUE(StatementApplies(policy.statements[0], Req("s3:GetObject", "arn:aws:s3:::b/k")));
  EXPECT_FALSE(StatementApplies(policy.statements[0], Req("s3:PutObject", "arn:aws:s3:::b/k")));
}

}  // namespace
}  // namespace strata::auth::policy
