// The errors every MetaStore implementation returns for the same situation,
// with the same code and the same message, made in one place so the backends
// cannot drift apart. Private to meta/ (the backends under meta/sqlite and
// meta/postgres).
//
// Each function only builds a Status; none does I/O. Thread-safe.
#pragma once

#include <string_view>

#include "common/status.h"

namespace strata::meta::internal {

// kNoSuchBucket: "bucket '<name>' does not exist".
common::Status NoSuchBucket(std::string_view name);

// kNoSuchKey: "key '<key>' does not exist".
common::Status NoSuchKey(std::string_view key);

// kNoSuchUpload: "upload '<upload_id>' does not exist".
common::Status NoSuchUpload(std::string_view upload_id);

// CreateBucket's refusal for a name that is taken: kBucketAlreadyOwnedByYou
// when `existing_owner` is `owner` (the caller's), kBucketAlreadyExists
// otherwise.
common::Status BucketTaken(std::string_view name, std::string_view existing_owner,
                           std::string_view owner);

// kBucketNotEmpty: DeleteBucket while objects remain.
common::Status BucketNotEmpty(std::string_view name);

// kInvalidArgument: CreateMultipartUpload with an upload id already in use.
common::Status UploadIdInUse(std::string_view upload_id);

}  // namespace strata::meta::internal
