#include "meta/internal/store_errors.h"

#include <gtest/gtest.h>

namespace strata::meta::internal {
namespace {

using common::Code;

// Every error, with the code and message each backend returns.
TEST(StoreErrorsTest, ErrorsCarryTheirCodes) {
  struct Case {
    common::Status status;
    Code code;
    const char* message;
  };
  const Case cases[] = {
      {NoSuchBucket("b"), Code::kNoSuchBucket, "bucket 'b' does not exist"},
      {NoSuchKey("k"), Code::kNoSuchKey, "key 'k' does not exist"},
      {NoSuchUpload("u"), Code::kNoSuchUpload, "upload 'u' does not exist"},
      {BucketTaken("b", "me", "me"), Code::kBucketAlreadyOwnedByYou, "you already own bucket 'b'"},
      {BucketTaken("b", "other", "me"), Code::kBucketAlreadyExists, "bucket 'b' already exists"},
      {BucketNotEmpty("b"), Code::kBucketNotEmpty, "bucket 'b' is not empty"},
      {UploadIdInUse("u"), Code::kInvalidArgument, "upload id 'u' is already in use"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.status.code(), c.code) << c.message;
    EXPECT_EQ(c.status.message(), c.message);
  }
}

}  // namespace
}  // namespace strata::meta::internal
