// The body of a request whose x-amz-content-sha256 is a hex digest: the bytes
// pass through as they arrive, and the digest is checked when the body ends.
#pragma once

#include <span>
#include <string>

#include "common/byte_stream.h"
#include "common/hash.h"
#include "common/status.h"

namespace strata::auth {

// Bytes are handed out before the whole body is seen (a digest over the whole
// body cannot be checked sooner), so a consumer must not commit what it read
// until Read returns 0: only then is the body known to match. The read that
// would return 0 returns kContentSha256Mismatch instead when the digest
// differs (compared in constant time). Errors from raw pass through. Every
// failure is final.
//
// Not thread-safe. raw must outlive the reader.
class PayloadHashReader : public common::ByteSource {
 public:
  // REQUIRES: expected_sha256_hex is 64 lower-case hex digits.
  PayloadHashReader(common::ByteSource& raw, std::string expected_sha256_hex);

  common::Result<size_t> Read(std::span<char> out) override;

 private:
  common::ByteSource& raw_;
  const std::string expected_;
  common::Digest digest_;
  common::Status error_;  // sticky
  bool finished_ = false;
};

}  // namespace strata::auth
