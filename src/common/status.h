// Status: the one way Strata reports failure. Errors are values (STYLE.md
// rule 1): no Strata function throws, and every failure carries a Code from the
// closed domain vocabulary below. `s3/errors.cc` holds the only table that maps
// a Code to an S3 error code and HTTP status.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace strata::common {

// Closed vocabulary of domain errors. Adding a value breaks the build of
// s3/errors.cc (a switch without default, -Werror=switch) until it is mapped.
enum class Code {
  kOk = 0,
  // Generic.
  kInvalidArgument,
  kInternal,
  kUnavailable,
  kCorruption,
  kNotImplemented,
  kTimeout,
  // Buckets.
  kNoSuchBucket,
  kBucketAlreadyExists,
  kBucketAlreadyOwnedByYou,
  kBucketNotEmpty,
  kInvalidBucketName,
  kTooManyBuckets,
  kInvalidLocationConstraint,
  // Objects.
  kNoSuchKey,
  kNoSuchVersion,  // a version id the key does not have
  kKeyTooLong,
  kInvalidObjectName,
  kEntityTooLarge,
  kEntityTooSmall,
  kMetadataTooLarge,
  kInvalidRange,
  kPreconditionFailed,
  kNotModified,
  kConditionalRequestConflict,
  kBadDigest,
  kInvalidDigest,
  kIncompleteBody,
  kMissingContentLength,
  kNoSuchUpload,
  kInvalidPart,
  kInvalidPartNumber,
  kInvalidPartOrder,
  // Requests.
  kMalformedXml,
  kInvalidRequest,
  kMethodNotAllowed,
  kInvalidArgumentHeader,
  kRequestHeaderSectionTooLarge,
  kRequestTimeout,
  kSlowDown,
  kInvalidCopySource,
  kInvalidStorageClass,
  kInvalidEncodingType,
  kMalformedPolicy,
  // Browser-based uploads (POST Object).
  kMalformedPostRequest,
  kMaxPostPreDataLengthExceeded,
  kInvalidPolicyDocument,
  // Tagging and CORS.
  kBadRequest,       // S3's generic "BadRequest" (tag counts, CORS preflight headers)
  kAccessForbidden,  // a CORS preflight no rule allows
  kInvalidTag,
  kNoSuchTagSet,
  kNoSuchCorsConfiguration,
  // Authentication and authorization.
  kAccessDenied,
  kInvalidAccessKeyId,
  kSignatureDoesNotMatch,
  kRequestTimeTooSkewed,
  kAuthorizationHeaderMalformed,
  kAuthorizationQueryParametersError,
  kExpiredPresignedRequest,
  kContentSha256Mismatch,
  kMissingSecurityHeader,
  kInvalidContentSha256,
  // Identity (admin API and bucket policies).
  kNoSuchBucketPolicy,
  kNoSuchEntity,  // a user, group, access key or policy that does not exist
  kEntityAlreadyExists,
  kDeleteConflict,   // a policy still attached, a group still holding members
  kInvalidToken,     // a bearer token that is missing, malformed, expired or revoked
  kTooManyRequests,  // failed logins past the rate limit
};

// Stable lower-level name of a code, for logs and tests ("NoSuchKey").
std::string_view CodeName(Code code);

// A code and a message. OK holds no allocation, so returning success is free.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message);

  static Status Ok() { return Status(); }

  bool ok() const { return state_ == nullptr; }
  Code code() const { return state_ ? state_->code : Code::kOk; }
  // Empty for OK.
  const std::string& message() const;
  // "NoSuchKey: the key does not exist", or "OK".
  std::string ToString() const;

  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

 private:
  struct State {
    Code code;
    std::string message;
  };
  std::unique_ptr<State> state_;
};

inline Status Error(Code code, std::string message) { return Status(code, std::move(message)); }

}  // namespace strata::common

// Returns the status from the enclosing function when `expr` fails.
#define STRATA_RETURN_IF_ERROR(expr)                  \
  do {                                                \
    ::strata::common::Status strata_status_ = (expr); \
    if (!strata_status_.ok()) return strata_status_;  \
  } while (false)
