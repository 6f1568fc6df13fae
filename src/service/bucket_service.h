// Bucket operations: business rules over the MetaStore, no HTTP, no SQL.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "meta/meta_store.h"

namespace strata::service {

class BucketService {
 public:
  BucketService(meta::MetaStore& meta, const common::Clock& clock) : meta_(meta), clock_(clock) {}

  // location is the LocationConstraint ("" for the default region). The name
  // is validated by the caller (s3::ParseEndpoint).
  common::Status Create(std::string_view name, std::string_view location, std::string_view owner);
  common::Result<meta::Bucket> Get(std::string_view name);
  common::Result<std::vector<meta::Bucket>> List();
  common::Status Delete(std::string_view name);

  // Bucket policies. Put validates (service/bucket_policy.h: kMalformedPolicy)
  // and replaces; Get fails with kNoSuchBucketPolicy when there is none;
  // Delete succeeds whether or not there was one. All kNoSuchBucket.
  common::Status PutPolicy(std::string_view name, std::string_view document);
  common::Result<std::string> GetPolicy(std::string_view name);
  common::Status DeletePolicy(std::string_view name);
  // GetBucketPolicyStatus: whether the policy makes the bucket public
  // (kNoSuchBucketPolicy without one, as AWS answers).
  common::Result<bool> PolicyIsPublic(std::string_view name);

 private:
  meta::MetaStore& meta_;
  const common::Clock& clock_;
};

}  // namespace strata::service
