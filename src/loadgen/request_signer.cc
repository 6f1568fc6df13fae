#include "loadgen/request_signer.h"

#include <utility>
#include <vector>

#include "auth/sigv4/canonical_request.h"
#include "auth/sigv4/signing.h"
#include "common/time_format.h"
#include "http/headers.h"

namespace strata::loadgen {

RequestSigner::RequestSigner(std::string access_key, std::string secret_key, std::string region)
    : access_key_(std::move(access_key)),
      secret_key_(std::move(secret_key)),
      region_(std::move(region)) {}

SignedHeaders RequestSigner::Sign(std::string_view method, std::string_view canonical_uri,
                                  std::string_view canonical_query, std::string_view host,
                                  std::string_view payload_hash, int64_t unix_seconds) {
  static const std::vector<std::string> kSigned = {"host", "x-amz-content-sha256", "x-amz-date"};
  static constexpr std::string_view kSignedLine = "host;x-amz-content-sha256;x-amz-date";
  SignedHeaders out;
  out.amz_date = common::FormatAmzDate(unix_seconds);
  std::string date = out.amz_date.substr(0, 8);
  if (date != key_date_) {
    signing_key_ = auth::DeriveSigningKey(secret_key_, date, region_, "s3");
    key_date_ = date;
  }
  http::Headers headers;
  headers.Add("host", host);
  headers.Add("x-amz-content-sha256", payload_hash);
  headers.Add("x-amz-date", out.amz_date);
  std::string canonical =
      auth::CanonicalRequest(method, canonical_uri, canonical_query,
                             auth::CanonicalHeaders(headers, kSigned), kSignedLine, payload_hash);
  std::string scope = auth::CredentialScope(date, region_, "s3");
  std::string signature =
      auth::SignHex(signing_key_, auth::RequestStringToSign(out.amz_date, scope, canonical));
  out.authorization = std::string(auth::kSigV4Algorithm) + " Credential=" + access_key_ + "/" +
                      scope + ", SignedHeaders=" + std::string(kSignedLine) +
                      ", Signature=" + signature;
  return out;
}

}  // namespace strata::loadgen
