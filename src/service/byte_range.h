// The Range header of a GET, resolved against an object's size.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/result.h"

namespace strata::service {

struct ByteRange {
  uint64_t start = 0;
  uint64_t length = 0;
  uint64_t end() const { return start + length - 1; }  // inclusive, for Content-Range
};

// "bytes=a-b", "bytes=a-" and "bytes=-n". nullopt means the whole object: no
// header, or one S3 ignores (syntactically invalid, several ranges, another
// unit). kInvalidRange (416) when the range is valid but outside the object.
common::Result<std::optional<ByteRange>> ResolveRange(std::string_view header, uint64_t size);

}  // namespace strata::service
