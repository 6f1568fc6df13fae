#include "auth/policy/managed.h"

#include <string>

#include "auth/policy/parser.h"

namespace strata::auth::policy {
namespace {

struct Managed {
  std::string_view name;
  std::string_view json;
};

constexpr Managed kManaged[] = {
    {"admin", R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Admin", "Effect": "Allow", "Action": ["s3:*", "admin:*"], "Resource": "*"}
  ]
})"},
    {"readwrite", R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "ReadWrite", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::*"}
  ]
})"},
    {"readonly", R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadOnly",
      "Effect": "Allow",
      "Action": [
        "s3:GetObject*",
        "s3:ListBucket*",
        "s3:ListAllMyBuckets",
        "s3:ListMultipartUploadParts",
        "s3:GetBucketLocation",
        "s3:GetBucketVersioning",
        "s3:GetBucketTagging"
      ],
      "Resource": "*"
    }
  ]
})"},
    {"writeonly", R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "WriteOnly",
      "Effect": "Allow",
      "Action": [
        "s3:PutObject",
        "s3:AbortMultipartUpload",
        "s3:ListMultipartUploadParts",
        "s3:ListBucketMultipartUploads",
        "s3:GetBucketLocation"
      ],
      "Resource": "*"
    }
  ]
})"},
    {"diagnostics", R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Diagnostics",
      "Effect": "Allow",
      "Action": [
        "admin:ServerInfo",
        "admin:Metrics",
        "admin:Heal",
        "admin:Trace",
        "admin:ConsoleLog",
        "admin:Profiling"
      ],
      "Resource": "*"
    }
  ]
})"},
};

}  // namespace

const std::vector<std::string_view>& ManagedPolicyNames() {
  static const std::vector<std::string_view> kNames = [] {
    std::vector<std::string_view> names;
    for (const Managed& managed : kManaged) names.push_back(managed.name);
    return names;
  }();
  return kNames;
}

std::optional<std::string_view> ManagedPolicyJson(std::string_view name) {
  for (const Managed& managed : kManaged) {
    if (managed.name == name) return managed.json;
  }
  return std::nullopt;
}

common::Result<Policy> ManagedPolicy(std::string_view name) {
  std::optional<std::string_view> json = ManagedPolicyJson(name);
  if (!json) {
    return common::Error(common::Code::kInvalidArgument,
                         "no managed policy named \"" + std::string(name) + "\"");
  }
  return ParsePolicy(*json, ParseOptions{PolicyKind::kIdentity});
}

}  // namespace strata::auth::policy
