#include "service/bucket_policy.h"

#include <string>

#include "auth/policy/parser.h"

namespace strata::service {

using common::Code;
using common::Error;
namespace policy = auth::policy;

namespace {

// The bucket ARN itself, or one under it ("arn:aws:s3:::b/..."). A wildcard
// before the bucket name ends ("arn:aws:s3:::b*") could reach other buckets.
bool WithinBucket(std::string_view resource, std::string_view bucket) {
  const std::string arn = "arn:aws:s3:::" + std::string(bucket);
  if (resource == arn) return true;
  return resource.size() > arn.size() && resource.substr(0, arn.size()) == arn &&
         resource[arn.size()] == '/';
}

}  // namespace

common::Result<policy::Policy> ParseBucketPolicy(std::string_view bucket,
                                                 std::string_view document) {
  STRATA_ASSIGN_OR_RETURN(policy::Policy parsed,
                          policy::ParsePolicy(document, {.kind = policy::PolicyKind::kBucket}));
  for (size_t i = 0; i < parsed.statements.size(); ++i) {
    const policy::Statement& statement = parsed.statements[i];
    for (const policy::Template& resource : statement.resources) {
      if (!WithinBucket(resource.source, bucket)) {
        return Error(Code::kMalformedPolicy, "Statement[" + std::to_string(i) +
                                                 "].Resource: Policy has invalid resource \"" +
                                                 resource.source +
                                                 "\": a bucket policy may only "
                                                 "name arn:aws:s3:::" +
                                                 std::string(bucket) + " and objects under it");
      }
    }
  }
  return parsed;
}

bool IsPublic(const policy::Policy& p) {
  for (const policy::Statement& statement : p.statements) {
    if (statement.effect != policy::Effect::kAllow || !statement.conditions.empty()) continue;
    if (!statement.principal) continue;
    if (statement.not_principal || statement.principal->any) return true;
  }
  return false;
}

}  // namespace strata::service
