#include "service/bucket_service.h"

namespace strata::service {

common::Status BucketService::Create(std::string_view name, std::string_view location,
                                     std::string_view owner) {
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

}  // namespace strata::service
