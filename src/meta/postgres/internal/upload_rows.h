// Removing multipart uploads with their parts, inside the caller's write
// transaction: AbortMultipartUpload, CompleteMultipartUpload and DeleteBucket
// all end an upload this way. Private to meta/postgres.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "meta/postgres/internal/connection.h"

namespace strata::meta::postgres::internal {

// Deletes upload `upload_id` and every part of it, dropping the parts' chunk
// references (a count reaching 0 sets zero_since_ms to now_ms). A part whose
// manifest cannot be decoded keeps its chunks' counts (they leak rather than
// risk collecting a chunk in use). Does nothing when there is no such upload.
// REQUIRES: inside a write transaction on `connection`.
common::Status DeleteUpload(Connection& connection, std::string_view upload_id, int64_t now_ms);

// DeleteUpload for every upload in bucket `bucket`.
// REQUIRES: inside a write transaction on `connection`.
common::Status DeleteBucketUploads(Connection& connection, std::string_view bucket, int64_t now_ms);

}  // namespace strata::meta::postgres::internal
