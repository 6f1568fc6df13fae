#include "service/bucket_service.h"

#include "service/bucket_policy.h"

namespace strata::service {

namespace {

// A region name as AWS spells them ("eu-west-1"): letters, digits and
// hyphens. Any such name is accepted, as any signing region is, so clients
// configured for another region still work; it is stored and reported back.
bool IsWellFormedRegion(std::string_view region) {
  if (region.size() > 64) return false;
  for (char c : region) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

common::Status BucketService::Create(std::string_view name, std::string_view location,
                                     std::string_view owner) {
  if (!IsWellFormedRegion(location)) {
    return common::Error(common::Code::kInvalidLocationConstraint,
                         "The specified location-constraint is not valid");
  }
  meta::Bucket bucket;
  bucket.name = std::string(name);
  bucket.region = std::string(location);
  bucket.owner = std::string(owner);
  bucket.created_ms = clock_.NowMillis();
  return meta_.CreateBucket(bucket);
}

common::Result<meta::Bucket> BucketService::Get(std::string_view name) {
  return meta_.GetBucket(name);
}

common::Result<std::vector<meta::Bucket>> BucketService::List() { return meta_.ListBuckets(); }

common::Status BucketService::Delete(std::string_view name) { return meta_.DeleteBucket(name); }

common::Status BucketService::PutPolicy(std::string_view name, std::string_view document) {
  // Existence first: a policy for a missing bucket is NoSuchBucket, whatever
  // the document says.
  STRATA_RETURN_IF_ERROR(meta_.GetBucket(name).status());
  STRATA_RETURN_IF_ERROR(ParseBucketPolicy(name, document).status());
  return meta_.SetBucketPolicy(name, document);
}

common::Result<std::string> BucketService::GetPolicy(std::string_view name) {
  STRATA_ASSIGN_OR_RETURN(meta::Bucket bucket, meta_.GetBucket(name));
  if (bucket.policy.empty()) {
    return common::Error(common::Code::kNoSuchBucketPolicy, "The bucket policy does not exist");
  }
  return std::move(bucket.policy);
}

common::Status BucketService::DeletePolicy(std::string_view name) {
  return meta_.SetBucketPolicy(name, "");
}

common::Status BucketService::PutCors(std::string_view name, std::string_view cors) {
  return meta_.SetBucketCors(name, cors);
}

common::Result<std::string> BucketService::GetCors(std::string_view name) {
  STRATA_ASSIGN_OR_RETURN(meta::Bucket bucket, meta_.GetBucket(name));
  if (bucket.cors.empty()) {
    return common::Error(common::Code::kNoSuchCorsConfiguration,
                         "The CORS configuration does not exist");
  }
  return std::move(bucket.cors);
}

common::Status BucketService::DeleteCors(std::string_view name) {
  return meta_.SetBucketCors(name, "");
}

common::Status BucketService::SetVersioning(std::string_view name, meta::Versioning versioning) {
  if (versioning == meta::Versioning::kUnversioned) {
    return common::Error(common::Code::kInvalidArgument,
                         "A bucket's versioning cannot be turned off, only suspended");
  }
  return meta_.SetBucketVersioning(name, versioning);
}

common::Status BucketService::PutTagging(std::string_view name, const meta::MetadataPairs& tags) {
  return meta_.SetBucketTagging(name, tags);
}

common::Result<meta::MetadataPairs> BucketService::GetTagging(std::string_view name) {
  STRATA_ASSIGN_OR_RETURN(meta::Bucket bucket, meta_.GetBucket(name));
  if (bucket.tagging.empty()) {
    return common::Error(common::Code::kNoSuchTagSet, "The TagSet does not exist");
  }
  return std::move(bucket.tagging);
}

common::Status BucketService::DeleteTagging(std::string_view name) {
  return meta_.SetBucketTagging(name, {});
}

common::Result<bool> BucketService::PolicyIsPublic(std::string_view name) {
  STRATA_ASSIGN_OR_RETURN(std::string document, GetPolicy(name));
  STRATA_ASSIGN_OR_RETURN(auth::policy::Policy parsed, ParseBucketPolicy(name, document));
  return IsPublic(parsed);
}

}  // namespace strata::service
