#include "auth/sigv4/payload_hash_reader.h"

#include <utility>

#include "common/hex.h"

namespace strata::auth {

PayloadHashReader::PayloadHashReader(common::ByteSource& raw, std::string expected_sha256_hex)
    : raw_(raw),
      expected_(std::move(expected_sha256_hex)),
      digest_(common::Digest::Algorithm::kSha256) {}

common::Result<size_t> PayloadHashReader::Read(std::span<char> out) {
  if (!error_.ok()) return error_;
  if (finished_) return size_t{0};
  // An empty buffer reads nothing; it must not be taken for the end.
  if (out.empty()) return size_t{0};
  auto n = raw_.Read(out);
  if (!n.ok()) {
    error_ = n.status();
    return error_;
  }
  if (*n > 0) {
    digest_.Update(std::string_view(out.data(), *n));
    return *n;
  }
  std::string actual = common::HexEncode(digest_.Finish());
  if (!common::ConstantTimeEquals(actual, expected_)) {
    error_ = common::Error(common::Code::kContentSha256Mismatch,
                           "The provided 'x-amz-content-sha256' header does not match what was "
                           "computed.");
    return error_;
  }
  finished_ = true;
  return size_t{0};
}

}  // namespace strata::auth
