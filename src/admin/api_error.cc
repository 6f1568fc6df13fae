#include "admin/api_error.h"

#include <charconv>

namespace strata::admin {
namespace {

using common::Code;

constexpr int64_t kDefaultRetryAfterS = 60;

// The login limiter words its refusal "... retry in N s" (auth/session/
// login_limiter.h); Status has no field for it, so it is read back here.
int64_t RetryAfterSeconds(std::string_view message) {
  constexpr std::string_view kMarker = "retry in ";
  const size_t at = message.rfind(kMarker);
  if (at == std::string_view::npos) return kDefaultRetryAfterS;
  const std::string_view rest = message.substr(at + kMarker.size());
  int64_t seconds = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), seconds);
  if (ec != std::errc() || end == rest.data() || seconds < 1) return kDefaultRetryAfterS;
  return seconds;
}

ApiError Client(int http_status, std::string_view code, const common::Status& status) {
  return ApiError{.http_status = http_status,
                  .code = std::string(code),
                  .message = status.message().empty() ? std::string(code) : status.message()};
}

ApiError Unavailable() {
  return ApiError{.http_status = 503,
                  .code = "ServiceUnavailable",
                  .message = "the service is unavailable; retry later"};
}

ApiError Internal() {
  return ApiError{.http_status = 500,
                  .code = "InternalError",
                  .message = "an internal error occurred; the server log has the details"};
}

}  // namespace

ApiError ToApiError(const common::Status& status) {
  // No default: -Werror=switch makes every new Code pick a row.
  switch (status.code()) {
    case Code::kInvalidArgument:
      return Client(400, "InvalidArgument", status);
    case Code::kMalformedXml:
      return Client(400, "MalformedJSON", status);
    case Code::kMalformedPolicy:
      return Client(400, "MalformedPolicy", status);
    case Code::kInvalidToken:
      return Client(401, "InvalidToken", status);
    case Code::kAccessDenied:
      return Client(403, "AccessDenied", status);
    case Code::kNoSuchEntity:
      return Client(404, "NoSuchEntity", status);
    case Code::kMethodNotAllowed:
      return Client(405, "MethodNotAllowed", status);
    case Code::kEntityAlreadyExists:
      return Client(409, "EntityAlreadyExists", status);
    case Code::kDeleteConflict:
      return Client(409, "DeleteConflict", status);
    case Code::kTooManyRequests: {
      ApiError error = Client(429, "TooManyRequests", status);
      error.retry_after_s = RetryAfterSeconds(status.message());
      return error;
    }
    case Code::kUnavailable:
    case Code::kSlowDown:
    case Code::kTimeout:
      return Unavailable();

    // Nothing the admin API promises: internal by default.
    case Code::kOk:
    case Code::kInternal:
    case Code::kCorruption:
    case Code::kNotImplemented:
    case Code::kNoSuchBucket:
    case Code::kBucketAlreadyExists:
    case Code::kBucketAlreadyOwnedByYou:
    case Code::kBucketNotEmpty:
    case Code::kInvalidBucketName:
    case Code::kTooManyBuckets:
    case Code::kInvalidLocationConstraint:
    case Code::kNoSuchVersion:
    case Code::kNoSuchKey:
    case Code::kKeyTooLong:
    case Code::kInvalidObjectName:
    case Code::kEntityTooLarge:
    case Code::kEntityTooSmall:
    case Code::kMetadataTooLarge:
    case Code::kInvalidRange:
    case Code::kPreconditionFailed:
    case Code::kNotModified:
    case Code::kConditionalRequestConflict:
    case Code::kBadDigest:
    case Code::kInvalidDigest:
    case Code::kIncompleteBody:
    case Code::kMissingContentLength:
    case Code::kNoSuchUpload:
    case Code::kInvalidPart:
    case Code::kInvalidPartNumber:
    case Code::kInvalidPartOrder:
    case Code::kInvalidRequest:
    case Code::kInvalidArgumentHeader:
    case Code::kRequestHeaderSectionTooLarge:
    case Code::kRequestTimeout:
    case Code::kInvalidCopySource:
    case Code::kInvalidStorageClass:
    case Code::kInvalidEncodingType:
    case Code::kInvalidAccessKeyId:
    case Code::kSignatureDoesNotMatch:
    case Code::kRequestTimeTooSkewed:
    case Code::kAuthorizationHeaderMalformed:
    case Code::kAuthorizationQueryParametersError:
    case Code::kExpiredPresignedRequest:
    case Code::kContentSha256Mismatch:
    case Code::kMissingSecurityHeader:
    case Code::kInvalidContentSha256:
    case Code::kNoSuchBucketPolicy:
    case Code::kBadRequest:
    case Code::kAccessForbidden:
    case Code::kInvalidTag:
    case Code::kNoSuchTagSet:
    case Code::kNoSuchCorsConfiguration:
    case Code::kMalformedPostRequest:
    case Code::kMaxPostPreDataLengthExceeded:
    case Code::kInvalidPolicyDocument:
      return Internal();
  }
  // Only reachable with a value outside the enum (a cast).
  return Internal();
}

http::Response JsonResponse(int http_status, const nlohmann::json& body) {
  http::Response r;
  r.status = http_status;
  r.headers.Set("Content-Type", "application/json");
  r.headers.Set("Cache-Control", "no-store");
  // dump() would throw on invalid UTF-8; replace keeps Strata exception-free.
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  return r;
}

http::Response NoContentResponse() {
  http::Response r;
  r.status = 204;
  r.headers.Set("Cache-Control", "no-store");
  return r;
}

http::Response ErrorResponse(const ApiError& error) {
  http::Response r =
      JsonResponse(error.http_status, {{"error", error.code}, {"message", error.message}});
  if (error.http_status == 401) r.headers.Set("WWW-Authenticate", "Bearer realm=\"strata-admin\"");
  if (error.retry_after_s) r.headers.Set("Retry-After", std::to_string(*error.retry_after_s));
  if (!error.allow.empty()) r.headers.Set("Allow", error.allow);
  return r;
}

http::Response ErrorResponse(const common::Status& status) {
  return ErrorResponse(ToApiError(status));
}

}  // namespace strata::admin
