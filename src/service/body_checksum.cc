#include "service/body_checksum.h"

#include "common/hex.h"

namespace strata::service {

common::Result<meta::StoredChecksum> VerifyBodyChecksum(const BodyChecksum& checksum,
                                                        const std::string& computed_raw) {
  std::optional<std::string> expected = checksum.expected;
  if (!expected && checksum.trailer) {
    expected = checksum.trailer();
    if (!expected) {
      return common::Error(common::Code::kInvalidRequest,
                           "The x-amz-trailer header names " +
                               std::string(HeaderName(checksum.algorithm)) +
                               " but the request did not send it.");
    }
  }
  if (expected) {
    STRATA_ASSIGN_OR_RETURN(std::string expected_raw,
                            ParseChecksumValue(checksum.algorithm, *expected));
    STRATA_RETURN_IF_ERROR(CompareChecksum(checksum.algorithm, expected_raw, computed_raw));
  }
  return meta::StoredChecksum{std::string(AlgorithmName(checksum.algorithm)),
                              common::Base64Encode(computed_raw), "FULL_OBJECT"};
}

}  // namespace strata::service
