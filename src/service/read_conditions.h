// Conditional-request evaluation (RFC 9110 section 13, as S3 applies it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "meta/meta_store.h"

namespace strata::service {

struct ReadConditions {
  std::optional<std::string> if_match;       // ETag list or "*"
  std::optional<std::string> if_none_match;  // ETag list or "*"
  std::optional<int64_t> if_modified_since;  // Unix seconds
  std::optional<int64_t> if_unmodified_since;
};

// OK when the object may be served; kPreconditionFailed (412) or kNotModified
// (304). S3's precedence: If-Match decides alone when present (If-Unmodified-
// Since is then ignored), and If-None-Match decides alone over
// If-Modified-Since. For CopyObject's x-amz-copy-source-if-* headers, pass
// copy_source = true: every failure is then kPreconditionFailed.
common::Status EvaluateReadConditions(const ReadConditions& conditions,
                                      const meta::ObjectRecord& object, bool copy_source = false);

// True when the header value (`"etag"`, `etag`, `W/"etag"`, a comma list, or
// `*`) matches etag (unquoted).
bool EtagListMatches(std::string_view header_value, std::string_view etag);

}  // namespace strata::service
