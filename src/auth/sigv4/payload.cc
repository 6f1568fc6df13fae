#include "auth/sigv4/payload.h"

#include <string>

namespace strata::auth {

bool IsStreaming(PayloadKind kind) {
  switch (kind) {
    case PayloadKind::kUnsigned:
    case PayloadKind::kSha256:
      return false;
    case PayloadKind::kStreamingSigned:
    case PayloadKind::kStreamingUnsignedTrailer:
    case PayloadKind::kStreamingSignedTrailer:
      return true;
  }
  return false;
}

common::Result<PayloadClaim> ParsePayloadClaim(std::string_view value) {
  if (value == kUnsignedPayload) return PayloadClaim{PayloadKind::kUnsigned, ""};
  if (value == kStreamingSignedPayload) return PayloadClaim{PayloadKind::kStreamingSigned, ""};
  if (value == kStreamingUnsignedTrailerPayload) {
    return PayloadClaim{PayloadKind::kStreamingUnsignedTrailer, ""};
  }
  if (value == kStreamingSignedTrailerPayload) {
    return PayloadClaim{PayloadKind::kStreamingSignedTrailer, ""};
  }
  if (value.starts_with("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD")) {
    return common::Error(common::Code::kNotImplemented,
                         "SigV4a (AWS4-ECDSA-P256-SHA256) streaming payloads are not supported");
  }
  if (value.size() == 64) {
    std::string lower;
    lower.reserve(64);
    bool hex = true;
    for (char c : value) {
      if (c >= '0' && c <= '9') {
        lower.push_back(c);
      } else if (c >= 'a' && c <= 'f') {
        lower.push_back(c);
      } else if (c >= 'A' && c <= 'F') {
        lower.push_back(static_cast<char>(c - 'A' + 'a'));
      } else {
        hex = false;
        break;
      }
    }
    if (hex) return PayloadClaim{PayloadKind::kSha256, std::move(lower)};
  }
  return common::Error(common::Code::kInvalidContentSha256,
                       "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, "
                       "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
                       "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value");
}

}  // namespace strata::auth
