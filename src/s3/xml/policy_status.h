// The GetBucketPolicyStatus response:
//   <PolicyStatus xmlns="..."><IsPublic>true</IsPublic></PolicyStatus>
#pragma once

#include <string>

namespace strata::s3::xml {

// Never fails; thread-safe.
std::string WritePolicyStatus(bool is_public);

}  // namespace strata::s3::xml
