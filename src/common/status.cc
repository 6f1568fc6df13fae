#include "common/status.h"

namespace strata::common {

std::string_view CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "OK";
    case Code::kInvalidArgument:
      return "InvalidArgument";
    case Code::kInternal:
      return "Internal";
    case Code::kUnavailable:
      return "Unavailable";
    case Code::kCorruption:
      return "Corruption";
    case Code::kNotImplemented:
      return "NotImplemented";
    case Code::kTimeout:
      return "Timeout";
    case Code::kNoSuchBucket:
      return "NoSuchBucket";
    case Code::kBucketAlreadyExists:
      return "BucketAlreadyExists";
    case Code::kBucketAlreadyOwnedByYou:
      return "BucketAlreadyOwnedByYou";
    case Code::kBucketNotEmpty:
      return "BucketNotEmpty";
    case Code::kInvalidBucketName:
      return "InvalidBucketName";
    case Code::kTooManyBuckets:
      return "TooManyBuckets";
    case Code::kInvalidLocationConstraint:
      return "InvalidLocationConstraint";
    case Code::kNoSuchVersion:
      return "NoSuchVersion";
    case Code::kNoSuchKey:
      return "NoSuchKey";
    case Code::kKeyTooLong:
      return "KeyTooLong";
    case Code::kInvalidObjectName:
      return "InvalidObjectName";
    case Code::kEntityTooLarge:
      return "EntityTooLarge";
    case Code::kEntityTooSmall:
      return "EntityTooSmall";
    case Code::kMetadataTooLarge:
      return "MetadataTooLarge";
    case Code::kInvalidRange:
      return "InvalidRange";
    case Code::kPreconditionFailed:
      return "PreconditionFailed";
    case Code::kNotModified:
      return "NotModified";
    case Code::kConditionalRequestConflict:
      return "ConditionalRequestConflict";
    case Code::kBadDigest:
      return "BadDigest";
    case Code::kInvalidDigest:
      return "InvalidDigest";
    case Code::kIncompleteBody:
      return "IncompleteBody";
    case Code::kMissingContentLength:
      return "MissingContentLength";
    case Code::kNoSuchUpload:
      return "NoSuchUpload";
    case Code::kInvalidPart:
      return "InvalidPart";
    case Code::kInvalidPartNumber:
      return "InvalidPartNumber";
    case Code::kInvalidPartOrder:
      return "InvalidPartOrder";
    case Code::kMalformedXml:
      return "MalformedXML";
    case Code::kInvalidRequest:
      return "InvalidRequest";
    case Code::kMethodNotAllowed:
      return "MethodNotAllowed";
    case Code::kInvalidArgumentHeader:
      return "InvalidArgumentHeader";
    case Code::kRequestHeaderSectionTooLarge:
      return "RequestHeaderSectionTooLarge";
    case Code::kRequestTimeout:
      return "RequestTimeout";
    case Code::kSlowDown:
      return "SlowDown";
    case Code::kInvalidCopySource:
      return "InvalidCopySource";
    case Code::kInvalidStorageClass:
      return "InvalidStorageClass";
    case Code::kInvalidEncodingType:
      return "InvalidEncodingType";
    case Code::kMalformedPolicy:
      return "MalformedPolicy";
    case Code::kMalformedPostRequest:
      return "MalformedPOSTRequest";
    case Code::kMaxPostPreDataLengthExceeded:
      return "MaxPostPreDataLengthExceeded";
    case Code::kInvalidPolicyDocument:
      return "InvalidPolicyDocument";
    case Code::kBadRequest:
      return "BadRequest";
    case Code::kAccessForbidden:
      return "AccessForbidden";
    case Code::kInvalidTag:
      return "InvalidTag";
    case Code::kNoSuchTagSet:
      return "NoSuchTagSet";
    case Code::kNoSuchCorsConfiguration:
      return "NoSuchCORSConfiguration";
    case Code::kAccessDenied:
      return "AccessDenied";
    case Code::kInvalidAccessKeyId:
      return "InvalidAccessKeyId";
    case Code::kSignatureDoesNotMatch:
      return "SignatureDoesNotMatch";
    case Code::kRequestTimeTooSkewed:
      return "RequestTimeTooSkewed";
    case Code::kAuthorizationHeaderMalformed:
      return "AuthorizationHeaderMalformed";
    case Code::kAuthorizationQueryParametersError:
      return "AuthorizationQueryParametersError";
    case Code::kExpiredPresignedRequest:
      return "ExpiredPresignedRequest";
    case Code::kContentSha256Mismatch:
      return "XAmzContentSHA256Mismatch";
    case Code::kMissingSecurityHeader:
      return "MissingSecurityHeader";
    case Code::kInvalidContentSha256:
      return "InvalidContentSha256";
    case Code::kNoSuchBucketPolicy:
      return "NoSuchBucketPolicy";
    case Code::kNoSuchEntity:
      return "NoSuchEntity";
    case Code::kEntityAlreadyExists:
      return "EntityAlreadyExists";
    case Code::kDeleteConflict:
      return "DeleteConflict";
    case Code::kInvalidToken:
      return "InvalidToken";
    case Code::kTooManyRequests:
      return "TooManyRequests";
  }
  return "Unknown";
}

Status::Status(Code code, std::string message) {
  if (code != Code::kOk) state_ = std::make_unique<State>(State{code, std::move(message)});
}

Status::Status(const Status& other)
    : state_(other.state_ ? std::make_unique<State>(*other.state_) : nullptr) {}

Status& Status::operator=(const Status& other) {
  if (this != &other) state_ = other.state_ ? std::make_unique<State>(*other.state_) : nullptr;
  return *this;
}

const std::string& Status::message() const {
  static const std::string kEmpty;
  return state_ ? state_->message : kEmpty;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(CodeName(state_->code));
  if (!state_->message.empty()) {
    out += ": ";
    out += state_->message;
  }
  return out;
}

}  // namespace strata::common
