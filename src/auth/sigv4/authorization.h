// Parsing of the two places a SigV4 signature can travel: the Authorization
// header and the presigned-URL query parameters. Syntax only: nothing here
// looks at the clock, the credential store or the signature's value.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "http/request.h"
#include "http/url.h"

namespace strata::auth {

// What a request claims about its signer.
struct SignatureClaim {
  std::string access_key;
  std::string date;            // YYYYMMDD from the credential scope
  std::string region;          // any region is accepted; it is signed, so it is the client's
  std::string service;         // always "s3" once parsed
  std::string signed_headers;  // as sent: "host;x-amz-date"
  std::vector<std::string> signed_header_names;  // the same, split and lower-cased
  std::string signature;                         // 64 lower-case hex digits

  // "<date>/<region>/<service>/aws4_request".
  std::string Scope() const;
};

// Parses an Authorization header value:
//   AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request,
//       SignedHeaders=host;x-amz-date, Signature=<64 hex>
// Components may come in any order, separated by commas and/or blanks, with
// blanks around '=' tolerated.
// Returns:
//   kInvalidRequest for another scheme (SigV2 "AWS AK:sig", SigV4a, Bearer...):
//     S3 answers InvalidRequest "The authorization mechanism you have provided
//     is not supported. Please use AWS4-HMAC-SHA256."
//   kAuthorizationHeaderMalformed for a missing, repeated or unknown component,
//     a credential that is not AK/YYYYMMDD/region/s3/aws4_request, a service
//     other than "s3", a signature that is not 64 hex digits, or SignedHeaders
//     without "host".
common::Result<SignatureClaim> ParseAuthorizationHeader(std::string_view value);

// True when the query carries any of the SigV4 presign parameters
// (X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature).
bool HasPresignParams(const http::QueryParams& params);
// True when the query looks like a SigV2 presigned URL (AWSAccessKeyId and
// Signature).
bool HasSigV2PresignParams(const http::QueryParams& params);

struct PresignClaim {
  SignatureClaim signature;
  std::string amz_date;   // X-Amz-Date as sent ("20130524T000000Z")
  int64_t time_s = 0;     // the same, as Unix seconds
  int64_t expires_s = 0;  // X-Amz-Expires
};

// Parses X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
// X-Amz-SignedHeaders and X-Amz-Signature from decoded query parameters.
// Returns kAuthorizationQueryParametersError when one is missing or malformed,
// the algorithm is not AWS4-HMAC-SHA256, X-Amz-Expires is outside
// 1..max_expires_s, or SignedHeaders lacks "host".
common::Result<PresignClaim> ParsePresignQuery(const http::QueryParams& params,
                                               int64_t max_expires_s);

// The access key a request claims to be signed by, unverified: the
// Credential of a SigV4 Authorization header, else the X-Amz-Credential query
// parameter, parsed as above; "" when there is neither or it does not parse.
// For the record of a refused request (obs/audit_trail.h), never for
// authentication.
std::string ClaimedAccessKey(const http::Request& request);

// Parses the x-amz-credential field of a browser-based POST upload,
// "AK/YYYYMMDD/region/s3/aws4_request", into a claim's access_key, date,
// region and service (the other fields stay empty). kInvalidArgument when it
// has another shape, service or terminal.
common::Result<SignatureClaim> ParseCredentialField(std::string_view credential);

}  // namespace strata::auth
