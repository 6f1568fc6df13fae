// Md5Source: passes a body through while computing its MD5, for the ETag of a
// PUT or an uploaded part.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "common/byte_stream.h"
#include "common/hash.h"

namespace strata::service {

class Md5Source : public common::ByteSource {
 public:
  explicit Md5Source(common::ByteSource& inner) : inner_(inner) {}
  common::Result<size_t> Read(std::span<char> out) override {
    STRATA_ASSIGN_OR_RETURN(size_t n, inner_.Read(out));
    digest_.Update(std::string_view(out.data(), n));
    return n;
  }
  // The raw 16-byte MD5 of every byte read. Call once, after the last Read.
  std::string Finish() { return digest_.Finish(); }

 private:
  common::ByteSource& inner_;
  common::Digest digest_{common::Digest::Algorithm::kMd5};
};

}  // namespace strata::service
