#include "s3/post_policy.h"

#include <gtest/gtest.h>

#include "common/hex.h"

namespace strata::s3 {
namespace {

using common::Code;

constexpr int64_t kBeforeExpiry = 1451476800000 - 1000;  // 2015-12-30T11:59:59Z

std::string Encode(std::string_view json) { return common::Base64Encode(json); }

std::string Policy(std::string_view conditions) {
  return Encode(R"({"expiration": "2015-12-30T12:00:00.000Z", "conditions": [)" +
                std::string(conditions) + "]}");
}

TEST(PostPolicyTest, ParsesEveryConditionForm) {
  auto policy = ParsePostPolicy(Policy(
      R"({"bucket": "b", "ACL": "private"}, ["eq", "$Key", "k"], ["StArTs-WiTh", "$Content-Type", "image/"],
         ["content-length-range", 1, "1048576"], {"success_action_status": 201})"));
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_EQ(policy->expiration_ms, 1451476800000);
  ASSERT_EQ(policy->conditions.size(), 6u);
  // Names in one object come in the JSON library's order (sorted).
  EXPECT_EQ(policy->conditions[0].field, "acl");
  EXPECT_EQ(policy->conditions[1].field, "bucket");
  EXPECT_EQ(policy->conditions[2].text, R"(["eq", "$key", "k"])");
  EXPECT_EQ(policy->conditions[3].kind, PostPolicyCondition::Kind::kStartsWith);
  EXPECT_EQ(policy->conditions[3].field, "content-type");
  EXPECT_EQ(policy->conditions[4].text, R"(["content-length-range", 1, 1048576])");
  EXPECT_EQ(policy->conditions[5].value, "201");
  auto range = PolicyLengthRange(*policy);
  ASSERT_TRUE(range.has_value());
  EXPECT_EQ(range->min, 1u);
  EXPECT_EQ(range->max, 1048576u);
}

TEST(PostPolicyTest, ExpirationWithoutMillis) {
  auto policy =
      ParsePostPolicy(Encode(R"({"expiration": "2030-01-01T00:00:00Z", "conditions": []})"));
  ASSERT_TRUE(policy.ok());
  EXPECT_FALSE(PolicyLengthRange(*policy).has_value());
}

TEST(PostPolicyTest, MalformedPolicies) {
  const std::string cases[] = {
      "not base64 !",
      Encode("not json"),
      Encode("[]"),
      Encode(R"({"conditions": []})"),
      Encode(R"({"EXPIRATION": "2030-01-01T00:00:00Z", "conditions": []})"),
      Encode(R"({"expiration": "tomorrow", "conditions": []})"),
      Encode(R"({"expiration": 5, "conditions": []})"),
      Encode(R"({"expiration": "2030-01-01T00:00:00Z"})"),
      Encode(R"({"expiration": "2030-01-01T00:00:00Z", "CONDITIONS": []})"),
      Encode(R"({"expiration": "2030-01-01T00:00:00Z", "conditions": {}})"),
      Policy("{}"),
      Policy(R"("bucket")"),
      Policy(R"({"bucket": ["b"]})"),
      Policy(R"(["eq", "key", "k"])"),
      Policy(R"(["eq", "$key"])"),
      Policy(R"(["matches", "$key", "k"])"),
      Policy(R"(["content-length-range", 0])"),
      Policy(R"(["content-length-range", -1, 0])"),
      Policy(R"(["content-length-range", 10, 5])"),
      Policy(R"(["content-length-range", 1.5, 5])"),
      Policy(R"([])"),
  };
  for (const std::string& c : cases) {
    SCOPED_TRACE(c);
    auto policy = ParsePostPolicy(c);
    ASSERT_FALSE(policy.ok());
    EXPECT_EQ(policy.status().code(), Code::kInvalidPolicyDocument);
  }
}

struct CheckCase {
  std::string label;
  std::string conditions;
  PostFormFields fields;
  int64_t now_ms;
  std::string error;  // "" for success, else the AccessDenied message
};

TEST(PostPolicyTest, Check) {
  const PostFormFields form = {{"bucket", "b"},
                               {"key", "user/eric/photo.jpg"},
                               {"content-type", "image/jpeg"},
                               {"x-amz-meta-uuid", "14365123651274"},
                               {"x-ignore-me", "whatever"},
                               {"policy", "..."},
                               {"x-amz-signature", "..."}};
  const std::string all =
      R"({"bucket": "b"}, ["starts-with", "$key", "user/eric/"], ["starts-with", "$Content-Type", "image/"],
         ["eq", "$x-amz-meta-uuid", "14365123651274"])";
  const std::vector<CheckCase> cases = {
      {"every field covered", all, form, kBeforeExpiry, ""},
      {"expired", all, form, kBeforeExpiry + 2000, "Invalid according to Policy: Policy expired."},
      {"exact match fails", R"({"bucket": "other"}, ["starts-with", "$key", ""],
         ["starts-with", "$content-type", ""], ["starts-with", "$x-amz-meta-uuid", ""])",
       form, kBeforeExpiry,
       R"(Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "other"])"},
      {"starts-with fails", R"({"bucket": "b"}, ["starts-with", "$key", "user/bob/"])", form,
       kBeforeExpiry,
       R"(Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "user/bob/"])"},
      {"values are case-sensitive", R"({"bucket": "B"})", form, kBeforeExpiry,
       R"(Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "B"])"},
      {"a field the form lacks", all + R"(, {"success_action_status": "201"})", form, kBeforeExpiry,
       R"(Invalid according to Policy: Policy Condition failed: ["eq", "$success_action_status", "201"])"},
      {"empty prefix allows anything and nothing", all + R"(, ["starts-with", "$acl", ""])", form,
       kBeforeExpiry, ""},
      {"fields no condition names", R"({"bucket": "b"}, ["starts-with", "$key", ""])", form,
       kBeforeExpiry,
       "Invalid according to Policy: Extra input fields: content-type, x-amz-meta-uuid"},
      {"bucket must be named too",
       R"(["starts-with", "$key", ""], ["starts-with", "$content-type", ""], ["starts-with", "$x-amz-meta-uuid", ""])",
       form, kBeforeExpiry, "Invalid according to Policy: Extra input fields: bucket"},
      {"every content type must match", all,
       PostFormFields{{"bucket", "b"},
                      {"key", "user/eric/a"},
                      {"content-type", "image/png, text/plain"},
                      {"x-amz-meta-uuid", "14365123651274"}},
       kBeforeExpiry,
       R"(Invalid according to Policy: Policy Condition failed: ["starts-with", "$content-type", "image/"])"},
      {"several content types", all,
       PostFormFields{{"bucket", "b"},
                      {"key", "user/eric/a"},
                      {"content-type", "image/png, image/gif"},
                      {"x-amz-meta-uuid", "14365123651274"}},
       kBeforeExpiry, ""},
  };
  for (const CheckCase& c : cases) {
    SCOPED_TRACE(c.label);
    auto policy = ParsePostPolicy(Policy(c.conditions));
    ASSERT_TRUE(policy.ok()) << policy.status().ToString();
    common::Status status = CheckPostPolicy(*policy, c.fields, c.now_ms);
    if (c.error.empty()) {
      EXPECT_TRUE(status.ok()) << status.ToString();
    } else {
      EXPECT_EQ(status.code(), Code::kAccessDenied);
      EXPECT_EQ(status.message(), c.error);
    }
  }
}

TEST(PostPolicyTest, TightestLengthRange) {
  auto policy = ParsePostPolicy(
      Policy(R"(["content-length-range", 0, 100], ["content-length-range", 10, 1000])"));
  ASSERT_TRUE(policy.ok());
  auto range = PolicyLengthRange(*policy);
  ASSERT_TRUE(range.has_value());
  EXPECT_EQ(range->min, 10u);
  EXPECT_EQ(range->max, 100u);
}

}  // namespace
}  // namespace strata::s3
