// What a request says about its body's additional checksum
// (x-amz-checksum-*), and the check of what was computed against it. Shared
// by PutObject and UploadPart. The algorithm itself lives in
// service/checksum/.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/byte_stream.h"
#include "common/result.h"
#include "meta/meta_store.h"
#include "service/checksum/checksum.h"

namespace strata::service {

struct BodyChecksum {
  ChecksumAlgorithm algorithm = ChecksumAlgorithm::kCrc32;
  // The x-amz-checksum-<algorithm> header's value (base64), when sent.
  std::optional<std::string> expected;
  // For aws-chunked bodies with a trailing checksum: returns the trailer's
  // value once the body has been read to its end (nullopt if the client
  // announced the trailer but never sent it).
  std::function<std::optional<std::string>()> trailer;
};

// Checks computed_raw against the header or trailer value. kBadDigest on a
// mismatch, kInvalidRequest for a malformed value or a trailer announced and
// missing. Returns what to store (type FULL_OBJECT: the whole body's value).
common::Result<meta::StoredChecksum> VerifyBodyChecksum(const BodyChecksum& checksum,
                                                        const std::string& computed_raw);

}  // namespace strata::service
