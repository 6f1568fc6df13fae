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

  // Bucket CORS. `cors` is the configuration's stored form, made and checked
  // by the S3 layer (s3/cors.h); stored as given. Get fails with
  // kNoSuchCorsConfiguration when there is none; Delete succeeds either way.
  // All kNoSuchBucket.
  common::Status PutCors(std::string_view name, std::string_view cors);
  common::Result<std::string> GetCors(std::string_view name);
  common::Status DeleteCors(std::string_view name);

  // Bucket tags, checked by the S3 layer (s3/tagging.h). Put replaces (an
  // empty set removes them, as AWS does); Get fails with kNoSuchTagSet when
  // there are none; Delete succeeds either way. All kNoSuchBucket.
  common::Status PutTagging(std::string_view name, const meta::MetadataPairs& tags);
  common::Result<meta::MetadataPairs> GetTagging(std::string_view name);
  common::Status DeleteTagging(std::string_view name);

  // Bucket versioning (docs/versioning.md): Enabled or Suspended; a bucket
  // never goes back to unversioned (kInvalidArgument for kUnversioned).
  // kNoSuchBucket. The state is read with Get (meta::Bucket::versioning).
  common::Status SetVersioning(std::string_view name, meta::Versioning versioning);

 private:
  meta::MetaStore& meta_;
  const common::Clock& clock_;
};

}  // namespace strata::service
