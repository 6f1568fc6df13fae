// What the x-amz-content-sha256 header says about the request body, and how
// the verifier must treat the bytes that follow the head.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace strata::auth {

enum class PayloadKind {
  kUnsigned,                  // UNSIGNED-PAYLOAD: the body is not covered by any signature
  kSha256,                    // hex SHA-256 of the whole body, checked when the body ends
  kStreamingSigned,           // STREAMING-AWS4-HMAC-SHA256-PAYLOAD: aws-chunked, signed chunks
  kStreamingUnsignedTrailer,  // STREAMING-UNSIGNED-PAYLOAD-TRAILER: aws-chunked, trailers
  kStreamingSignedTrailer,    // STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: both, trailer signed
};

inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kStreamingSignedPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr std::string_view kStreamingUnsignedTrailerPayload =
    "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
inline constexpr std::string_view kStreamingSignedTrailerPayload =
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";

struct PayloadClaim {
  PayloadKind kind = PayloadKind::kUnsigned;
  std::string sha256_hex;  // lower-case; set for kSha256 only
};

// True for the three aws-chunked kinds.
bool IsStreaming(PayloadKind kind);

// Classifies an x-amz-content-sha256 value. A digest may be sent in either
// case; it is returned lower-case.
// Returns kInvalidContentSha256 for anything else (S3 answers InvalidArgument),
// and kNotImplemented for the SigV4a (ECDSA) streaming literals, which name a
// real AWS mode Strata does not support.
common::Result<PayloadClaim> ParsePayloadClaim(std::string_view value);

}  // namespace strata::auth
