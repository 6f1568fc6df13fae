#include "auth/policy/managed.h"

#include <gtest/gtest.h>

#include <string>

#include "auth/policy/evaluator.h"

namespace strata::auth::policy {
namespace {

bool Allowed(std::string_view role, std::string_view action, std::string_view resource) {
  auto policy = ManagedPolicy(role);
  EXPECT_TRUE(policy.ok()) << role << ": " << policy.status().ToString();
  if (!policy.ok()) return false;
  Request request;
  request.action = std::string(action);
  request.resource = std::string(resource);
  request.principal = Principal::User("123456789012", "u");
  return Evaluate({&*policy}, nullptr, request).allowed();
}

TEST(ManagedPolicyTest, AllParse) {
  EXPECT_EQ(ManagedPolicyNames(), (std::vector<std::string_view>{"admin", "readwrite", "readonly",
                                                                 "writeonly", "diagnostics"}));
  for (std::string_view name : ManagedPolicyNames()) {
    ASSERT_TRUE(ManagedPolicyJson(name).has_value()) << name;
    auto policy = ManagedPolicy(name);
    ASSERT_TRUE(policy.ok()) << name << ": " << policy.status().ToString();
    EXPECT_EQ(policy->version, Version::k2012_10_17);
  }
  EXPECT_FALSE(ManagedPolicyJson("root").has_value());
  EXPECT_EQ(ManagedPolicy("root").status().code(), common::Code::kInvalidArgument);
}

struct RoleCase {
  std::string_view action;
  std::string_view resource;
  bool admin, readwrite, readonly, writeonly, diagnostics;
};

TEST(ManagedPolicyTest, RolesDoWhatTheirNamesSay) {
  constexpr std::string_view kObject = "arn:aws:s3:::b/k";
  constexpr std::string_view kBucket = "arn:aws:s3:::b";
  const RoleCase kCases[] = {
      // action                         resource   adm    rw     ro     wo     diag
      {"s3:GetObject", kObject, true, true, true, false, false},
      {"s3:GetObjectTagging", kObject, true, true, true, false, false},
      {"s3:ListBucket", kBucket, true, true, true, false, false},
      {"s3:ListAllMyBuckets", "arn:aws:s3:::*", true, true, true, false, false},
      {"s3:GetBucketLocation", kBucket, true, true, true, true, false},
      {"s3:ListMultipartUploadParts", kObject, true, true, true, true, false},
      {"s3:ListBucketMultipartUploads", kBucket, true, true, true, true, false},
      {"s3:PutObject", kObject, true, true, false, true, false},
      {"s3:AbortMultipartUpload", kObject, true, true, false, true, false},
      {"s3:DeleteObject", kObject, true, true, false, false, false},
      {"s3:CreateBucket", kBucket, true, true, false, false, false},
      {"s3:DeleteBucket", kBucket, true, true, false, false, false},
      {"s3:PutBucketPolicy", kBucket, true, true, false, false, false},
      {"s3:GetBucketPolicy", kBucket, true, true, false, false, false},
      {"admin:ServerInfo", "*", true, false, false, false, true},
      {"admin:Metrics", "*", true, false, false, false, true},
      {"admin:Heal", "*", true, false, false, false, true},
      {"admin:CreateUser", "*", true, false, false, false, false},
      {"admin:AttachPolicy", "*", true, false, false, false, false},
  };
  for (const RoleCase& c : kCases) {
    SCOPED_TRACE(std::string(c.action) + " on " + std::string(c.resource));
    EXPECT_EQ(Allowed("admin", c.action, c.resource), c.admin);
    EXPECT_EQ(Allowed("readwrite", c.action, c.resource), c.readwrite);
    EXPECT_EQ(Allowed("readonly", c.action, c.resource), c.readonly);
    EXPECT_EQ(Allowed("writeonly", c.action, c.resource), c.writeonly);
    EXPECT_EQ(Allowed("diagnostics", c.action, c.resource), c.diagnostics);
  }
}

}  // namespace
}  // namespace strata::auth::policy
