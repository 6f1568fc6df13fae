#include "service/content_md5.h"

#include "common/hash.h"
#include "common/hex.h"

namespace strata::service {

common::Result<std::string> DecodeContentMd5(std::string_view header) {
  auto decoded = common::Base64Decode(header);
  if (!decoded || decoded->size() != 16) {
    return common::Error(common::Code::kInvalidDigest,
                         "The Content-MD5 you specified is not valid.");
  }
  return *std::move(decoded);
}

common::Status MatchContentMd5(std::string_view expected, std::string_view actual) {
  if (common::ConstantTimeEquals(expected, actual)) return common::Status::Ok();
  return common::Error(common::Code::kBadDigest,
                       "The Content-MD5 you specified did not match what we received.");
}

}  // namespace strata::service
