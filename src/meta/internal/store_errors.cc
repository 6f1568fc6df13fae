#include "meta/internal/store_errors.h"

#include <string>

namespace strata::meta::internal {

using common::Code;
using common::Error;

common::Status NoSuchBucket(std::string_view name) {
  return Error(Code::kNoSuchBucket, "bucket '" + std::string(name) + "' does not exist");
}

common::Status NoSuchKey(std::string_view key) {
  return Error(Code::kNoSuchKey, "key '" + std::string(key) + "' does not exist");
}

common::Status NoSuchUpload(std::string_view upload_id) {
  return Error(Code::kNoSuchUpload, "upload '" + std::string(upload_id) + "' does not exist");
}

common::Status BucketTaken(std::string_view name, std::string_view existing_owner,
                           std::string_view owner) {
  if (existing_owner == owner) {
    return Error(Code::kBucketAlreadyOwnedByYou,
                 "you already own bucket '" + std::string(name) + "'");
  }
  return Error(Code::kBucketAlreadyExists, "bucket '" + std::string(name) + "' already exists");
}

common::Status BucketNotEmpty(std::string_view name) {
  return Error(Code::kBucketNotEmpty, "bucket '" + std::string(name) + "' is not empty");
}

common::Status UploadIdInUse(std::string_view upload_id) {
  return Error(Code::kInvalidArgument,
               "upload id '" + std::string(upload_id) + "' is already in use");
}

}  // namespace strata::meta::internal
