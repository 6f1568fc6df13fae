#include "s3/handlers/checksum_headers.h"

#include <array>
#include <string>

#include "auth/sigv4/verifier.h"

namespace strata::s3 {
namespace {

using common::Code;
using common::Error;
using service::ChecksumAlgorithm;

constexpr std::array kAlgorithms = {ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c,
                                    ChecksumAlgorithm::kCrc64Nvme, ChecksumAlgorithm::kSha1,
                                    ChecksumAlgorithm::kSha256};

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

common::Result<std::optional<service::BodyChecksum>> ReadBodyChecksum(RequestContext& ctx) {
  const http::Headers& headers = ctx.request.headers;
  std::optional<service::BodyChecksum> found;
  for (ChecksumAlgorithm algorithm : kAlgorithms) {
    const std::string* value = headers.Find(service::HeaderName(algorithm));
    if (value == nullptr) continue;
    if (found) {
      return Error(Code::kInvalidRequest,
                   "Expecting a single x-amz-checksum- header. Multiple checksum Types are not "
                   "allowed.");
    }
    found = service::BodyChecksum{algorithm, *value, {}};
  }
  if (found) return found;
  if (const std::string* trailer = headers.Find("x-amz-trailer")) {
    const std::string name = Lower(*trailer);
    for (ChecksumAlgorithm algorithm : kAlgorithms) {
      if (name != service::HeaderName(algorithm)) continue;
      common::ByteSource* body = &ctx.body;
      return std::optional<service::BodyChecksum>(service::BodyChecksum{
          algorithm, std::nullopt, [body, name]() -> std::optional<std::string> {
            const http::Headers* trailers = auth::BodyTrailers(*body);
            if (trailers == nullptr) return std::nullopt;
            const std::string* value = trailers->Find(name);
            if (value == nullptr) return std::nullopt;
            return *value;
          }});
    }
    return Error(Code::kInvalidRequest,
                 "The value specified in the x-amz-trailer header is not "
                 "supported");
  }
  if (const std::string* sdk = headers.Find("x-amz-sdk-checksum-algorithm")) {
    STRATA_ASSIGN_OR_RETURN(ChecksumAlgorithm algorithm,
                            service::ParseChecksumAlgorithm(*sdk, "x-amz-sdk-checksum-algorithm"));
    return std::optional<service::BodyChecksum>(service::BodyChecksum{algorithm, std::nullopt, {}});
  }
  return std::optional<service::BodyChecksum>();
}

void WriteChecksumHeaders(const meta::StoredChecksum& checksum, http::Headers& headers) {
  if (checksum.algorithm.empty()) return;
  headers.Set("x-amz-checksum-" + Lower(checksum.algorithm), checksum.value);
  if (!checksum.type.empty()) headers.Set("x-amz-checksum-type", checksum.type);
}

}  // namespace strata::s3
