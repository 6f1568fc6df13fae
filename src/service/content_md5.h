// Content-MD5: the integrity header S3 checks on PutObject and DeleteObjects.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace strata::service {

// The raw 16-byte digest a Content-MD5 header (base64) names. kInvalidDigest
// when it is not base64 of 16 bytes: checked before any body byte is read.
common::Result<std::string> DecodeContentMd5(std::string_view header);

// kBadDigest unless actual (raw MD5 of what was received) equals expected.
common::Status MatchContentMd5(std::string_view expected, std::string_view actual);

}  // namespace strata::service
