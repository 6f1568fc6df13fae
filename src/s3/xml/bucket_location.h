// The bucket-location documents: CreateBucketConfiguration (the CreateBucket
// request body) and LocationConstraint (the GetBucketLocation response).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace strata::s3::xml {

// The LocationConstraint of a CreateBucket body, trimmed of whitespace:
//   <CreateBucketConfiguration xmlns="..."><LocationConstraint>eu-west-1
//   </LocationConstraint></CreateBucketConfiguration>
// An empty (or whitespace-only) body, or one without LocationConstraint,
// gives "" (the default region). Other children (Location, Bucket, Tags) are
// ignored. Whether the region is acceptable is the caller's decision.
// Errors: kMalformedXml for anything that is not such a document.
common::Result<std::string> ParseCreateBucketConfiguration(std::string_view body);

// <?xml ...?>\n<LocationConstraint xmlns="...">eu-west-1</LocationConstraint>;
// for "" and "us-east-1" the empty element <LocationConstraint xmlns="..."/>,
// as AWS answers for us-east-1. Never fails; thread-safe.
std::string WriteLocationConstraint(std::string_view region);

}  // namespace strata::s3::xml
