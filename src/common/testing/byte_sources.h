// Test-only ByteSources shared by the modules' unit tests.
#pragma once

#include <algorithm>
#include <span>

#include "common/byte_stream.h"

namespace strata::common::testing {

// Yields good_bytes of `fill`, then fails with kIncompleteBody on every later
// read: a client that drops mid-upload.
class DroppingSource : public ByteSource {
 public:
  explicit DroppingSource(size_t good_bytes, char fill = '\0') : left_(good_bytes), fill_(fill) {}
  Result<size_t> Read(std::span<char> out) override {
    if (left_ == 0) return Error(Code::kIncompleteBody, "client went away");
    size_t n = std::min(out.size(), left_);
    std::fill_n(out.data(), n, fill_);
    left_ -= n;
    return n;
  }

 private:
  size_t left_;
  char fill_;
};

}  // namespace strata::common::testing
