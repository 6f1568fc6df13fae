// Bucket policies (PutBucketPolicy and friends): validation beyond the
// policy parser's, and the "is it public" question GetBucketPolicyStatus
// answers.
#pragma once

#include <string_view>

#include "auth/policy/document.h"
#include "common/result.h"

namespace strata::service {

// Parses `document` as a bucket policy for bucket `bucket`. kMalformedPolicy
// (message says where) when it does not parse, or when a Resource (or
// NotResource) names something outside the bucket: AWS requires every
// resource of a bucket policy to be the bucket or objects in it
// ("Policy has invalid resource").
common::Result<auth::policy::Policy> ParseBucketPolicy(std::string_view bucket,
                                                       std::string_view document);

// Whether the policy opens anything to everyone: an Allow statement whose
// Principal is "*" (or a NotPrincipal) and that has no Condition. AWS's own
// rule also treats some conditions (aws:SourceIp on wide ranges, ...) as
// public; Strata calls any condition restrictive, and says so in
// docs/policies.md.
bool IsPublic(const auth::policy::Policy& policy);

}  // namespace strata::service
