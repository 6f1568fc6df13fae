#include "auth/sigv4/signing.h"

#include "common/hash.h"
#include "common/hex.h"

namespace strata::auth {

namespace {
// hex(sha256("")): the chunk string to sign carries it where a per-chunk
// header hash would go; S3 chunks have no headers.
constexpr std::string_view kEmptySha256Hex =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string Join(std::initializer_list<std::string_view> parts) {
  std::string out;
  bool first = true;
  for (std::string_view p : parts) {
    if (!first) out.push_back('\n');
    out.append(p);
    first = false;
  }
  return out;
}
}  // namespace

std::string DeriveSigningKey(std::string_view secret_key, std::string_view date,
                             std::string_view region, std::string_view service) {
  std::string key = common::HmacSha256(std::string("AWS4").append(secret_key), date);
  key = common::HmacSha256(key, region);
  key = common::HmacSha256(key, service);
  return common::HmacSha256(key, kSigV4Terminal);
}

std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service) {
  std::string scope;
  scope.append(date).append("/").append(region).append("/").append(service).append("/");
  scope.append(kSigV4Terminal);
  return scope;
}

std::string RequestStringToSign(std::string_view amz_date, std::string_view scope,
                                std::string_view canonical_request) {
  return Join({kSigV4Algorithm, amz_date, scope, common::Sha256Hex(canonical_request)});
}

std::string ChunkStringToSign(std::string_view amz_date, std::string_view scope,
                              std::string_view previous_signature,
                              std::string_view chunk_sha256_hex) {
  return Join({"AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, previous_signature, kEmptySha256Hex,
               chunk_sha256_hex});
}

std::string TrailerStringToSign(std::string_view amz_date, std::string_view scope,
                                std::string_view previous_signature,
                                std::string_view trailers_sha256_hex) {
  return Join(
      {"AWS4-HMAC-SHA256-TRAILER", amz_date, scope, previous_signature, trailers_sha256_hex});
}

std::string SignHex(std::string_view signing_key, std::string_view string_to_sign) {
  return common::HexEncode(common::HmacSha256(signing_key, string_to_sign));
}

}  // namespace strata::auth
