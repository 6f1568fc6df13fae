// SigV4 request authentication for the S3 API: the Authorization header,
// presigned URLs, and the request body that goes with each (single digest or
// aws-chunked with per-chunk signatures and trailers).
//
// Authentication happens in two steps, because the body is a stream:
//   1. Authenticate(request) checks everything in the head: the signature over
//      method, path, query, signed headers and the claimed payload hash.
//   2. VerifiedBody(auth, request, raw) wraps the body so that what the client
//      claimed about it (a digest, chunk signatures, a length) is enforced as
//      it is read. Callers must read the body only through it.
//
// Error codes (S3 names as s3/errors.cc should map them):
//   kInvalidRequest               unsupported scheme (SigV2 "AWS AK:sig", SigV2
//                                 presigned URL, SigV4a), missing
//                                 x-amz-content-sha256 on header auth, an
//                                 aws-chunked payload on a presigned URL,
//                                 malformed aws-chunked framing
//   kInvalidArgument              both an Authorization header and X-Amz-*
//                                 presign parameters
//   kAuthorizationHeaderMalformed bad Authorization syntax or credential, a
//                                 service other than s3, host not signed,
//                                 credential date != request date
//   kAuthorizationQueryParametersError  the same for presigned URLs, plus
//                                 X-Amz-Expires outside 1..max_presign_expires_s
//   kAccessDenied                 no valid Date/x-amz-date; x-amz-* headers
//                                 present but not signed; presigned URL dated
//                                 in the future beyond the skew ("Request is
//                                 not valid yet")
//   kExpiredPresignedRequest      presigned URL past X-Amz-Date + X-Amz-Expires
//                                 (S3 answers 403 AccessDenied "Request has
//                                 expired")
//   kRequestTimeTooSkewed         header auth dated more than max_clock_skew_ms
//                                 from the clock, either way
//   kInvalidContentSha256         x-amz-content-sha256 is not a known literal
//                                 nor 64 hex digits (S3: InvalidArgument)
//   kNotImplemented               SigV4a streaming payload literals
//   kInvalidAccessKeyId           from the CredentialStore: unknown key
//   kSignatureDoesNotMatch        request, chunk or trailer signature mismatch
//   kContentSha256Mismatch        body digest != x-amz-content-sha256
//                                 (S3: XAmzContentSHA256Mismatch)
//   kIncompleteBody               aws-chunked body shorter than
//                                 x-amz-decoded-content-length, or cut short
//   kMissingContentLength         aws-chunked without x-amz-decoded-content-length
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "auth/credentials.h"
#include "auth/sigv4/authorization.h"
#include "auth/sigv4/payload.h"
#include "auth/sigv4/signing_key_cache.h"
#include "common/byte_stream.h"
#include "common/clock.h"
#include "common/result.h"
#include "http/headers.h"
#include "http/request.h"

namespace strata::auth {

struct AuthResult {
  // No Authorization header and no X-Amz-Signature: an unauthenticated
  // request. Callers decide what it may do (today they deny). credential and
  // the signing fields are empty then.
  bool anonymous = false;
  Credential credential;
  bool presigned = false;
  PayloadKind payload = PayloadKind::kUnsigned;
  std::string payload_sha256_hex;  // for kSha256, lower-case
  std::string region;              // from the credential scope
  // What chunk verification needs (set for every signed request): the raw
  // signing key, the request signature (seed of the chunk chain), the
  // x-amz-date string that was signed, and the credential scope.
  std::string signing_key, seed_signature, amz_date, scope;
};

struct SigV4Options {
  // Header auth is refused when x-amz-date is further than this from the
  // clock; presigned URLs may not be dated further than this in the future.
  int64_t max_clock_skew_ms = 15 * 60 * 1000;
  // Upper bound of X-Amz-Expires (S3: seven days).
  int64_t max_presign_expires_s = 7 * 24 * 3600;
  // Largest aws-chunked chunk accepted, and so the most buffered per request.
  size_t max_chunk_bytes = 16 << 20;
};

// Thread-safe as long as the CredentialStore and the Clock are; both must
// outlive the verifier.
// The signature fields of a browser-based POST upload: form fields, not
// headers. The policy is what is signed.
struct PostSignature {
  std::string algorithm;   // x-amz-algorithm
  std::string credential;  // x-amz-credential
  std::string amz_date;    // x-amz-date
  std::string signature;   // x-amz-signature
  std::string policy;      // policy: the base64 text, as sent
};

class SigV4Verifier {
 public:
  SigV4Verifier(CredentialStore& credentials, const common::Clock& clock,
                SigV4Options options = {});

  // Checks the request head. Any region is accepted (it is the one the client
  // signed, returned in AuthResult::region); the service must be "s3". The
  // canonical URI is tried as UriEncode(PercentDecode(path)) and, failing
  // that, as the raw path; a query holding '+' is tried with '+' as itself and
  // as a space. Signatures are compared in constant time.
  //
  // For presigned URLs the payload line of the canonical request is
  // X-Amz-Content-Sha256 from the query if present, else the
  // x-amz-content-sha256 header when it is signed, else UNSIGNED-PAYLOAD; a
  // digest in an unsigned header is still enforced on the body. The
  // x-amz-content-sha256 header is the one x-amz-* header a presigned request
  // may carry unsigned.
  //
  // Returns the codes listed at the top of this file.
  common::Result<AuthResult> Authenticate(const http::Request& request) const;

  // Checks a POST form's signature: the hex HMAC-SHA256 of the policy's
  // base64 text under the signing key of the credential's date, region and
  // service. The clock is not consulted: the policy's expiration bounds the
  // form's life, and the caller checks it. The result is unsigned-payload
  // (the file is not covered by the signature; the policy's conditions are).
  // Returns kInvalidRequest for an algorithm other than AWS4-HMAC-SHA256,
  // kInvalidArgument for a malformed credential or x-amz-date or a date that
  // is not the credential's, kInvalidAccessKeyId, kSignatureDoesNotMatch.
  common::Result<AuthResult> AuthenticatePost(const PostSignature& form) const;

  // The body as the operation must see it:
  //   kUnsigned: raw, passed through;
  //   kSha256: a PayloadHashReader (the read that would return 0 returns
  //     kContentSha256Mismatch when the digest differs);
  //   streaming kinds: a ChunkedReader, which verifies each chunk before
  //     returning any of its bytes and enforces x-amz-decoded-content-length;
  //     its trailers are available through BodyTrailers().
  // Fails at once with kMissingContentLength / kInvalidRequest for a missing /
  // malformed x-amz-decoded-content-length, and kAccessDenied for a signed
  // streaming kind without a signing key.
  //
  // REQUIRES: auth came from Authenticate(request).
  // The returned source reads from raw: raw must outlive it.
  common::Result<std::unique_ptr<common::ByteSource>> VerifiedBody(const AuthResult& auth,
                                                                   const http::Request& request,
                                                                   common::ByteSource& raw) const;

 private:
  common::Result<AuthResult> AuthenticateHeader(const http::Request& request,
                                                std::string_view authorization) const;
  common::Result<AuthResult> AuthenticatePresigned(const http::Request& request,
                                                   const http::QueryParams& params) const;
  common::Result<AuthResult> AuthenticateAnonymous(const http::Request& request) const;
  // Looks the key up and checks claim.signature over the canonical request
  // candidates. On success fills credential, region and the signing fields.
  common::Status VerifySignature(const http::Request& request, const SignatureClaim& claim,
                                 std::string_view amz_date, std::string_view payload_line,
                                 std::string_view excluded_query_name, AuthResult& result) const;

  CredentialStore& credentials_;
  const common::Clock& clock_;
  const SigV4Options options_;
  mutable SigningKeyCache signing_keys_;
};

// The length of the payload the operation sees: Content-Length, or for
// aws-chunked bodies x-amz-decoded-content-length (kMissingContentLength when
// absent, kInvalidRequest when malformed). nullopt when the request gives no
// length (Transfer-Encoding: chunked without aws-chunked).
common::Result<std::optional<uint64_t>> PayloadLength(const AuthResult& auth,
                                                      const http::Request& request);

// The trailers of a body returned by VerifiedBody (x-amz-checksum-crc32c and
// the like: lower-case names, without x-amz-trailer-signature), or nullptr
// when the body is not aws-chunked. Complete and verified only once the body
// has been read to its end (Read returned 0). Valid while body lives.
const http::Headers* BodyTrailers(const common::ByteSource& body);

}  // namespace strata::auth
