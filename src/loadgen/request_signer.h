// SigV4 header signing for the requests `strata bench` sends. Builds on the
// primitives in auth/sigv4 (the same code the server verifies with), so the
// load generator and the verifier agree on every byte under the HMAC.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace strata::loadgen {

// The literal x-amz-content-sha256 values the load generator sends.
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// What a signed request must carry besides its own headers.
struct SignedHeaders {
  std::string amz_date;       // x-amz-date
  std::string authorization;  // Authorization
};

// Signs requests with one credential in one region (service "s3"). Signs
// exactly host, x-amz-content-sha256 and x-amz-date. Caches the derived key
// for the current date. Not thread-safe: one per worker thread.
class RequestSigner {
 public:
  RequestSigner(std::string access_key, std::string secret_key, std::string region);

  // canonical_uri is the path exactly as sent (each key segment UriEncode'd
  // once; S3 does not normalize). canonical_query is the query exactly as
  // sent, which must already be canonical: pairs UriEncode'd and sorted
  // (loadgen builds its queries that way). payload_hash is the
  // x-amz-content-sha256 value sent.
  SignedHeaders Sign(std::string_view method, std::string_view canonical_uri,
                     std::string_view canonical_query, std::string_view host,
                     std::string_view payload_hash, int64_t unix_seconds);

 private:
  std::string access_key_;
  std::string secret_key_;
  std::string region_;
  std::string key_date_;  // YYYYMMDD that signing_key_ was derived for
  std::string signing_key_;
};

}  // namespace strata::loadgen
