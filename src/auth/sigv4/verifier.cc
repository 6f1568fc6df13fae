#include "auth/sigv4/verifier.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <utility>
#include <vector>

#include "auth/sigv4/canonical_request.h"
#include "auth/sigv4/chunked_reader.h"
#include "auth/sigv4/payload_hash_reader.h"
#include "auth/sigv4/signing.h"
#include "common/hash.h"
#include "common/time_format.h"

namespace strata::auth {

namespace {

using common::Code;

// The body of an UNSIGNED-PAYLOAD request: nothing to check.
class PassThroughSource : public common::ByteSource {
 public:
  explicit PassThroughSource(common::ByteSource& raw) : raw_(raw) {}
  common::Result<size_t> Read(std::span<char> out) override { return raw_.Read(out); }

 private:
  common::ByteSource& raw_;
};

// S3 requires every x-amz-* header to be signed, so none can be added to a
// signed request in flight (x-amz-copy-source, x-amz-acl, x-amz-meta-*...).
// exempt may name one header that need not be.
common::Status CheckAmzHeadersSigned(const http::Headers& headers,
                                     const std::vector<std::string>& signed_names,
                                     std::string_view exempt) {
  std::string unsigned_names;
  for (const auto& [name, value] : headers.entries()) {
    if (!name.starts_with("x-amz-") || name == exempt) continue;
    if (std::find(signed_names.begin(), signed_names.end(), name) != signed_names.end()) continue;
    if (unsigned_names.find(name) != std::string::npos) continue;
    if (!unsigned_names.empty()) unsigned_names.append(", ");
    unsigned_names.append(name);
  }
  if (unsigned_names.empty()) return common::Status::Ok();
  return common::Error(
      Code::kAccessDenied,
      "There were headers present in the request which were not signed: " + unsigned_names);
}

bool Contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<std::string> SplitTrailerNames(std::string_view joined) {
  std::vector<std::string> names;
  size_t pos = 0;
  while (pos <= joined.size()) {
    size_t comma = joined.find(',', pos);
    if (comma == std::string_view::npos) comma = joined.size();
    std::string_view name = joined.substr(pos, comma - pos);
    while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    if (!name.empty()) names.push_back(http::ToLower(name));
    pos = comma + 1;
  }
  return names;
}

}  // namespace

SigV4Verifier::SigV4Verifier(CredentialStore& credentials, const common::Clock& clock,
                             SigV4Options options)
    : credentials_(credentials), clock_(clock), options_(options) {}

common::Result<AuthResult> SigV4Verifier::Authenticate(const http::Request& request) const {
  const std::string* authorization = request.headers.Find("authorization");
  http::QueryParams params = DecodeQuery(request.query, /*plus_as_space=*/false);
  bool presign = HasPresignParams(params);
  if (authorization != nullptr && presign) {
    return common::Error(Code::kInvalidArgument,
                         "Only one auth mechanism allowed; only the X-Amz-Algorithm query "
                         "parameter, Signature query string parameter or the Authorization header "
                         "should be specified");
  }
  if (authorization != nullptr) return AuthenticateHeader(request, *authorization);
  if (presign) return AuthenticatePresigned(request, params);
  if (HasSigV2PresignParams(params)) {
    return common::Error(Code::kInvalidRequest,
                         "The authorization mechanism you have provided is not supported. Please "
                         "use AWS4-HMAC-SHA256. (Signature Version 2 presigned URLs are not "
                         "supported.)");
  }
  return AuthenticateAnonymous(request);
}

common::Result<AuthResult> SigV4Verifier::AuthenticateHeader(const http::Request& request,
                                                             std::string_view authorization) const {
  STRATA_ASSIGN_OR_RETURN(SignatureClaim claim, ParseAuthorizationHeader(authorization));

  // The signed time: x-amz-date, or the Date header when there is none. The
  // string to sign always carries it in the ISO 8601 basic form.
  std::string amz_date;
  std::optional<int64_t> time_s;
  if (const std::string* x_amz_date = request.headers.Find("x-amz-date")) {
    time_s = common::ParseAmzDate(*x_amz_date);
    amz_date = *x_amz_date;
  } else if (const std::string* date = request.headers.Find("date")) {
    time_s = common::ParseHttpDate(*date);
    if (time_s) amz_date = common::FormatAmzDate(*time_s);
  }
  if (!time_s) {
    return common::Error(Code::kAccessDenied,
                         "AWS authentication requires a valid Date or x-amz-date header");
  }
  if (std::string_view(amz_date).substr(0, 8) != claim.date) {
    return common::Error(Code::kAuthorizationHeaderMalformed,
                         "The authorization header is malformed; Invalid credential date. Date "
                         "is not the same as X-Amz-Date.");
  }
  int64_t skew_ms = *time_s * 1000 - clock_.NowMillis();
  if (skew_ms > options_.max_clock_skew_ms || -skew_ms > options_.max_clock_skew_ms) {
    return common::Error(Code::kRequestTimeTooSkewed,
                         "The difference between the request time and the server's time is too "
                         "large.");
  }

  const std::string* content_sha256 = request.headers.Find("x-amz-content-sha256");
  if (content_sha256 == nullptr) {
    return common::Error(Code::kInvalidRequest,
                         "Missing required header for this request: x-amz-content-sha256");
  }
  STRATA_ASSIGN_OR_RETURN(PayloadClaim payload, ParsePayloadClaim(*content_sha256));
  STRATA_RETURN_IF_ERROR(CheckAmzHeadersSigned(request.headers, claim.signed_header_names, ""));

  AuthResult result;
  result.payload = payload.kind;
  result.payload_sha256_hex = std::move(payload.sha256_hex);
  // The payload line is the header exactly as sent, even a digest in upper case.
  STRATA_RETURN_IF_ERROR(VerifySignature(request, claim, amz_date, *content_sha256, "", result));
  return result;
}

common::Result<AuthResult> SigV4Verifier::AuthenticatePresigned(
    const http::Request& request, const http::QueryParams& params) const {
  STRATA_ASSIGN_OR_RETURN(PresignClaim presign,
                          ParsePresignQuery(params, options_.max_presign_expires_s));
  const SignatureClaim& claim = presign.signature;
  if (std::string_view(presign.amz_date).substr(0, 8) != claim.date) {
    return common::Error(Code::kAuthorizationQueryParametersError,
                         "Invalid credential date. Date is not the same as X-Amz-Date.");
  }
  int64_t now_ms = clock_.NowMillis();
  if (presign.time_s * 1000 - now_ms > options_.max_clock_skew_ms) {
    return common::Error(Code::kAccessDenied, "Request is not valid yet");
  }
  // Valid through the last second of X-Amz-Date + X-Amz-Expires.
  if (now_ms > (presign.time_s + presign.expires_s) * 1000) {
    return common::Error(Code::kExpiredPresignedRequest, "Request has expired");
  }

  // Which payload claim, and which line the client signed (see verifier.h).
  std::string payload_line(kUnsignedPayload);
  std::optional<std::string> claim_value;
  if (const std::string* in_query = http::FindParam(params, "X-Amz-Content-Sha256")) {
    claim_value = *in_query;
    payload_line = *in_query;
  } else if (const std::string* in_header = request.headers.Find("x-amz-content-sha256")) {
    claim_value = *in_header;
    if (Contains(claim.signed_header_names, "x-amz-content-sha256")) payload_line = *in_header;
  }
  AuthResult result;
  result.presigned = true;
  if (claim_value) {
    STRATA_ASSIGN_OR_RETURN(PayloadClaim payload, ParsePayloadClaim(*claim_value));
    if (IsStreaming(payload.kind)) {
      return common::Error(Code::kInvalidRequest,
                           "aws-chunked payloads need Authorization header authentication, not a "
                           "presigned URL");
    }
    result.payload = payload.kind;
    result.payload_sha256_hex = std::move(payload.sha256_hex);
  }
  STRATA_RETURN_IF_ERROR(
      CheckAmzHeadersSigned(request.headers, claim.signed_header_names, "x-amz-content-sha256"));
  STRATA_RETURN_IF_ERROR(
      VerifySignature(request, claim, presign.amz_date, payload_line, "X-Amz-Signature", result));
  return result;
}

common::Result<AuthResult> SigV4Verifier::AuthenticatePost(const PostSignature& form) const {
  if (form.algorithm != kSigV4Algorithm) {
    return common::Error(Code::kInvalidRequest,
                         "The authorization mechanism you have provided is not supported. Please "
                         "use AWS4-HMAC-SHA256.");
  }
  STRATA_ASSIGN_OR_RETURN(SignatureClaim claim, ParseCredentialField(form.credential));
  if (!common::ParseAmzDate(form.amz_date)) {
    return common::Error(Code::kInvalidArgument,
                         "x-amz-date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  }
  if (std::string_view(form.amz_date).substr(0, 8) != claim.date) {
    return common::Error(Code::kInvalidArgument,
                         "Invalid credential date. Date is not the same as X-Amz-Date.");
  }
  STRATA_ASSIGN_OR_RETURN(Credential credential, credentials_.Lookup(claim.access_key));
  std::string signing_key =
      signing_keys_.Get(credential.secret_key, claim.date, claim.region, claim.service);
  std::string expected = SignHex(signing_key, form.policy);
  std::string given = http::ToLower(form.signature);
  if (!common::ConstantTimeEquals(expected, given)) {
    return common::Error(Code::kSignatureDoesNotMatch,
                         "The request signature we calculated does not match the signature you "
                         "provided. Check your key and signing method.");
  }
  AuthResult result;
  result.credential = std::move(credential);
  result.region = claim.region;
  result.signing_key = std::move(signing_key);
  result.seed_signature = std::move(given);
  result.amz_date = form.amz_date;
  result.scope = claim.Scope();
  return result;
}

common::Result<AuthResult> SigV4Verifier::AuthenticateAnonymous(
    const http::Request& request) const {
  AuthResult result;
  result.anonymous = true;
  if (const std::string* content_sha256 = request.headers.Find("x-amz-content-sha256")) {
    STRATA_ASSIGN_OR_RETURN(PayloadClaim payload, ParsePayloadClaim(*content_sha256));
    if (payload.kind == PayloadKind::kStreamingSigned ||
        payload.kind == PayloadKind::kStreamingSignedTrailer) {
      return common::Error(Code::kAccessDenied,
                           "A signed aws-chunked payload needs a signed request");
    }
    result.payload = payload.kind;
    result.payload_sha256_hex = std::move(payload.sha256_hex);
  }
  return result;
}

common::Status SigV4Verifier::VerifySignature(
    const http::Request& request, const SignatureClaim& claim, std::string_view amz_date,
    std::string_view payload_line, std::string_view excluded_query_name, AuthResult& result) const {
  STRATA_ASSIGN_OR_RETURN(Credential credential, credentials_.Lookup(claim.access_key));
  std::string signing_key =
      signing_keys_.Get(credential.secret_key, claim.date, claim.region, claim.service);
  std::string scope = claim.Scope();
  std::string headers = CanonicalHeaders(request.headers, claim.signed_header_names);

  // A handful of candidates at most (two URIs, two queries); each costs one
  // SHA-256 of the canonical request and one HMAC.
  bool matched = false;
  for (const std::string& uri : CanonicalUriCandidates(request.path)) {
    for (const std::string& query : CanonicalQueryCandidates(request.query, excluded_query_name)) {
      std::string canonical =
          CanonicalRequest(request.method, uri, query, headers, claim.signed_headers, payload_line);
      std::string expected = SignHex(signing_key, RequestStringToSign(amz_date, scope, canonical));
      if (common::ConstantTimeEquals(expected, claim.signature)) matched = true;
    }
  }
  if (!matched) {
    return common::Error(Code::kSignatureDoesNotMatch,
                         "The request signature we calculated does not match the signature you "
                         "provided. Check your key and signing method.");
  }
  result.credential = std::move(credential);
  result.region = claim.region;
  result.signing_key = std::move(signing_key);
  result.seed_signature = claim.signature;
  result.amz_date = std::string(amz_date);
  result.scope = std::move(scope);
  return common::Status::Ok();
}

common::Result<std::unique_ptr<common::ByteSource>> SigV4Verifier::VerifiedBody(
    const AuthResult& auth, const http::Request& request, common::ByteSource& raw) const {
  std::unique_ptr<common::ByteSource> body;
  switch (auth.payload) {
    case PayloadKind::kUnsigned:
      body = std::make_unique<PassThroughSource>(raw);
      return body;
    case PayloadKind::kSha256:
      body = std::make_unique<PayloadHashReader>(raw, auth.payload_sha256_hex);
      return body;
    case PayloadKind::kStreamingSigned:
    case PayloadKind::kStreamingUnsignedTrailer:
    case PayloadKind::kStreamingSignedTrailer:
      break;
  }
  STRATA_ASSIGN_OR_RETURN(std::optional<uint64_t> decoded_length, PayloadLength(auth, request));
  ChunkedReaderOptions options;
  options.kind = auth.payload;
  options.decoded_length = *decoded_length;
  options.max_chunk_bytes = options_.max_chunk_bytes;
  options.declared_trailers = SplitTrailerNames(request.headers.GetJoined("x-amz-trailer"));
  if (auth.payload != PayloadKind::kStreamingUnsignedTrailer) {
    if (auth.signing_key.empty()) {
      return common::Error(Code::kAccessDenied,
                           "A signed aws-chunked payload needs a signed request");
    }
    options.signing_key = auth.signing_key;
    options.seed_signature = auth.seed_signature;
    options.amz_date = auth.amz_date;
    options.scope = auth.scope;
  }
  body = std::make_unique<ChunkedReader>(raw, std::move(options));
  return body;
}

common::Result<std::optional<uint64_t>> PayloadLength(const AuthResult& auth,
                                                      const http::Request& request) {
  if (!IsStreaming(auth.payload)) return request.content_length;
  const std::string* decoded = request.headers.Find("x-amz-decoded-content-length");
  if (decoded == nullptr) {
    return common::Error(Code::kMissingContentLength,
                         "x-amz-decoded-content-length is required for aws-chunked uploads");
  }
  uint64_t decoded_length = 0;
  auto [end, ec] =
      std::from_chars(decoded->data(), decoded->data() + decoded->size(), decoded_length);
  if (decoded->empty() || ec != std::errc() || end != decoded->data() + decoded->size()) {
    return common::Error(Code::kInvalidRequest,
                         "x-amz-decoded-content-length must be a non-negative integer");
  }
  return std::optional<uint64_t>(decoded_length);
}

const http::Headers* BodyTrailers(const common::ByteSource& body) {
  const auto* chunked = dynamic_cast<const ChunkedReader*>(&body);
  return chunked == nullptr ? nullptr : &chunked->trailers();
}

}  // namespace strata::auth
