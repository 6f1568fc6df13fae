// Per-bucket CORS (cross-origin resource sharing) as S3 does it: the rules of
// a bucket's CORS configuration, the checks PutBucketCors makes, their stored
// form, and which rule answers a browser's request. Everything here is pure
// (no I/O) and thread-safe; the handlers (s3/handlers/cors_handlers.h) read
// the configuration and write the headers this computes.
//
// Every value that can end up in a response header (origins, methods,
// header names, max age) is checked when the configuration is stored, and a
// request's own Origin and Access-Control-Request-Headers are echoed only
// after they matched a rule and passed the same character checks, so no
// configuration or request can inject a header line.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "http/headers.h"

namespace strata::s3 {

// One <CORSRule>.
struct CorsRule {
  std::string id;                            // <ID>, "" for none; at most 255 characters
  std::vector<std::string> allowed_origins;  // >= 1; each at most one '*'
  std::vector<std::string> allowed_methods;  // >= 1; GET, PUT, POST, DELETE or HEAD
  std::vector<std::string> allowed_headers;  // each at most one '*'
  std::vector<std::string> expose_headers;   // no '*'
  std::optional<int64_t> max_age_seconds;    // 0 .. 2^31-1

  bool operator==(const CorsRule&) const = default;
};

// <CORSConfiguration>: the rules in document order (the first match wins).
struct CorsConfiguration {
  std::vector<CorsRule> rules;

  bool operator==(const CorsConfiguration&) const = default;
};

inline constexpr size_t kMaxCorsRules = 100;
inline constexpr size_t kMaxCorsIdLength = 255;
// Strata's own bounds on one origin and one header name (AWS states none; the
// whole document is at most 64 KiB).
inline constexpr size_t kMaxCorsOriginLength = 1024;
inline constexpr size_t kMaxCorsHeaderLength = 256;

// PutBucketCors's checks, with AWS's codes and messages:
//   * no rule, more than 100, or a rule without AllowedOrigin or
//     AllowedMethod: kMalformedXml;
//   * a method other than GET, PUT, POST, DELETE, HEAD (case-sensitive):
//     kInvalidRequest "Found unsupported HTTP method in CORS config.
//     Unsupported method is X";
//   * an AllowedOrigin or AllowedHeader with more than one '*':
//     kInvalidRequest "AllowedOrigin "x" can not have more than one
//     wildcard.";
//   * an ExposeHeader with '*': kInvalidRequest "ExposeHeader "x" contains
//     wildcard. We currently do not support wildcard for ExposeHeader.";
//   * an ID longer than 255 characters: kInvalidArgument;
//   * a negative MaxAgeSeconds or one above 2^31-1: kMalformedXml.
// And Strata's, so that nothing can reach a header line that should not
// (kInvalidRequest, naming the element and never echoing the bad value): an
// empty value; an origin longer than 1024 bytes, with a character outside
// printable ASCII, a space or a comma; an AllowedHeader or ExposeHeader
// longer than 256 bytes or not an HTTP token (RFC 9110 tchar; '*' allowed in
// AllowedHeader); an ID with a control character.
common::Status CheckCorsConfiguration(const CorsConfiguration& config);

// The stored form (meta::Bucket::cors): compact JSON with the rules in
// order, {"rules":[{"id":"...","origins":[...],"methods":[...],
// "headers":[...],"expose":[...],"max_age":600}]} ("id" and "max_age" left
// out when absent). Canonical: equal configurations encode to equal text.
// REQUIRES: CheckCorsConfiguration(config) is OK (so every string is ASCII).
std::string EncodeCorsJson(const CorsConfiguration& config);

// Inverse of EncodeCorsJson, strict: kCorruption for any other shape, and for
// a configuration that fails CheckCorsConfiguration.
common::Result<CorsConfiguration> DecodeCorsJson(std::string_view json);

// A CORS preflight (OPTIONS) as the browser sent it.
struct PreflightRequest {
  std::string origin;
  std::string method;                // Access-Control-Request-Method
  std::vector<std::string> headers;  // Access-Control-Request-Headers, lower-case, in order
};

// Reads the preflight headers. kBadRequest "Insufficient information. Origin
// request header needed." without a (non-empty) Origin; kBadRequest "Invalid
// Access-Control-Request-Method: X" ("null" when absent) unless it names one
// of the five methods a rule may allow (as AWS answers both).
common::Result<PreflightRequest> ParsePreflightRequest(const http::Headers& headers);

// The first rule that allows the preflight: one of its AllowedOrigins
// matches the origin ('*' standing for any run of characters, letters
// compared without case), its AllowedMethods hold the method, and every
// requested header matches one of its AllowedHeaders (likewise). An origin
// that is not printable ASCII without commas, or a requested header that is
// not a token, matches nothing. nullptr when no rule does; points into
// `config`.
const CorsRule* MatchPreflight(const CorsConfiguration& config, const PreflightRequest& request);

// The first rule that allows an actual request with this Origin and HTTP
// method (no header check). nullptr when none does, or for an origin that
// could not be echoed safely. Points into `config`.
const CorsRule* MatchRequest(const CorsConfiguration& config, std::string_view origin,
                             std::string_view method);

// The headers of a successful preflight answer (200, no body):
// Access-Control-Allow-Origin (the request's origin, or "*" when the rule
// allows every origin with a bare "*"), Access-Control-Allow-Methods (the
// rule's), Access-Control-Allow-Headers (the requested ones, when any),
// Access-Control-Expose-Headers and Access-Control-Max-Age (when the rule
// has them), Access-Control-Allow-Credentials: true (unless the origin is
// "*"), and Vary: Origin, Access-Control-Request-Headers,
// Access-Control-Request-Method.
http::Headers PreflightHeaders(const CorsRule& rule, const PreflightRequest& request);

// The CORS headers of an actual request's answer (success or error) that
// MatchRequest allowed: as PreflightHeaders without
// Access-Control-Allow-Headers, and Vary: Origin.
http::Headers ResponseCorsHeaders(const CorsRule& rule, std::string_view origin);

}  // namespace strata::s3
