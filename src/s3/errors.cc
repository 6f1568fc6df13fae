#include "s3/errors.h"

#include "s3/xml/internal/xml_builder.h"

namespace strata::s3 {

using common::Code;

// Codes, statuses and wording follow AWS's "Error responses" list
// (docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html). No default:
// a new Code fails the build here (-Werror=switch) until it is mapped.
S3ErrorInfo ToS3Error(Code code) {
  switch (code) {
    case Code::kOk:
      return {"", 200, ""};

    // Generic.
    case Code::kInvalidArgument:
      return {"InvalidArgument", 400, "Invalid Argument"};
    case Code::kInternal:
    case Code::kCorruption:
    case Code::kTimeout:
      // Garage's rule: helper errors are internal errors. A timeout here is an
      // internal deadline (drive, metadata), not the client's socket, which is
      // kRequestTimeout.
      return {"InternalError", 500, "We encountered an internal error. Please try again."};
    case Code::kUnavailable:
      return {"ServiceUnavailable", 503, "Service is unable to handle request."};
    case Code::kNotImplemented:
      return {"NotImplemented", 501,
              "A header you provided implies functionality that is not implemented."};

    // Buckets.
    case Code::kNoSuchBucket:
      return {"NoSuchBucket", 404, "The specified bucket does not exist"};
    case Code::kBucketAlreadyExists:
      return {"BucketAlreadyExists", 409,
              "The requested bucket name is not available. The bucket namespace is shared by "
              "all users of the system. Please select a different name and try again."};
    case Code::kBucketAlreadyOwnedByYou:
      // AWS answers 200 for this in us-east-1 only, for legacy reasons; the
      // handler decides that, the wire error is 409 everywhere else.
      return {"BucketAlreadyOwnedByYou", 409,
              "Your previous request to create the named bucket succeeded and you already own "
              "it."};
    case Code::kBucketNotEmpty:
      return {"BucketNotEmpty", 409, "The bucket you tried to delete is not empty"};
    case Code::kInvalidBucketName:
      return {"InvalidBucketName", 400, "The specified bucket is not valid."};
    case Code::kTooManyBuckets:
      return {"TooManyBuckets", 400, "You have attempted to create more buckets than allowed"};
    case Code::kInvalidLocationConstraint:
      return {"InvalidLocationConstraint", 400, "The specified location constraint is not valid."};

    // Objects.
    case Code::kNoSuchVersion:
      return {"NoSuchVersion", 404, "The specified version does not exist."};
    case Code::kNoSuchKey:
      return {"NoSuchKey", 404, "The specified key does not exist."};
    case Code::kKeyTooLong:
      // AWS spells this one with the "Error" suffix.
      return {"KeyTooLongError", 400, "Your key is too long"};
    case Code::kInvalidObjectName:
      // Not in AWS's list (AWS accepts any UTF-8 key); the name Ceph RGW and
      // others use for a key that is not valid UTF-8.
      return {"InvalidObjectName", 400, "Object name is not valid UTF-8."};
    case Code::kEntityTooLarge:
      return {"EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size"};
    case Code::kEntityTooSmall:
      return {"EntityTooSmall", 400,
              "Your proposed upload is smaller than the minimum allowed object size."};
    case Code::kMetadataTooLarge:
      return {"MetadataTooLarge", 400,
              "Your metadata headers exceed the maximum allowed metadata size."};
    case Code::kInvalidRange:
      return {"InvalidRange", 416, "The requested range is not satisfiable"};
    case Code::kPreconditionFailed:
      return {"PreconditionFailed", 412,
              "At least one of the pre-conditions you specified did not hold"};
    case Code::kNotModified:
      // 304 carries no body on the wire; the entry exists for logs and metrics.
      return {"NotModified", 304, "Not Modified"};
    case Code::kConditionalRequestConflict:
      return {"ConditionalRequestConflict", 409,
              "A conflicting operation occurred. If using PutObject you can retry the request. "
              "If using multipart upload you should initiate another CreateMultipartUpload "
              "request and re-upload each part."};
    case Code::kBadDigest:
      return {"BadDigest", 400, "The Content-MD5 you specified did not match what we received."};
    case Code::kInvalidDigest:
      return {"InvalidDigest", 400, "The Content-MD5 you specified is not valid."};
    case Code::kIncompleteBody:
      return {"IncompleteBody", 400,
              "You did not provide the number of bytes specified by the Content-Length HTTP "
              "header."};
    case Code::kMissingContentLength:
      return {"MissingContentLength", 411, "You must provide the Content-Length HTTP header."};
    case Code::kNoSuchUpload:
      return {"NoSuchUpload", 404,
              "The specified upload does not exist. The upload ID may be invalid, or the upload "
              "may have been aborted or completed."};
    case Code::kInvalidPart:
      return {"InvalidPart", 400,
              "One or more of the specified parts could not be found. The part may not have been "
              "uploaded, or the specified entity tag may not match the part's entity tag."};
    case Code::kInvalidPartNumber:
      return {"InvalidPartNumber", 416, "The requested partnumber is not satisfiable"};
    case Code::kInvalidPartOrder:
      return {"InvalidPartOrder", 400,
              "The list of parts was not in ascending order. Parts must be ordered by part "
              "number."};

    // Requests.
    case Code::kMalformedXml:
      return {"MalformedXML", 400,
              "The XML you provided was not well-formed or did not validate against our "
              "published schema."};
    case Code::kInvalidRequest:
      return {"InvalidRequest", 400, "Invalid Request"};
    case Code::kMethodNotAllowed:
      return {"MethodNotAllowed", 405,
              "The specified method is not allowed against this resource."};
    case Code::kInvalidArgumentHeader:
      // A header with a bad value; AWS names the header in the message.
      return {"InvalidArgument", 400, "Invalid Argument"};
    case Code::kRequestHeaderSectionTooLarge:
      return {"RequestHeaderSectionTooLarge", 400,
              "Your request header section exceeds the maximum allowed size."};
    case Code::kRequestTimeout:
      return {"RequestTimeout", 400,
              "Your socket connection to the server was not read from or written to within the "
              "timeout period."};
    case Code::kSlowDown:
      return {"SlowDown", 503, "Please reduce your request rate."};
    case Code::kInvalidCopySource:
      // AWS has no InvalidCopySource code: a bad x-amz-copy-source is
      // InvalidArgument.
      return {"InvalidArgument", 400,
              "Copy Source must mention the source bucket and key: sourcebucket/sourcekey"};
    case Code::kInvalidStorageClass:
      return {"InvalidStorageClass", 400, "The storage class you specified is not valid"};
    case Code::kInvalidEncodingType:
      // What AWS answers to list?encoding-type=xyz.
      return {"InvalidArgument", 400, "Invalid Encoding Method specified in Request"};
    case Code::kMalformedPolicy:
      // A bucket or identity policy document that does not parse or validate;
      // the Status message says where (auth/policy/parser.h).
      return {"MalformedPolicy", 400, "The policy document is malformed."};

    // Browser-based uploads (POST Object).
    case Code::kMalformedPostRequest:
      return {"MalformedPOSTRequest", 400,
              "The body of your POST request is not well-formed multipart/form-data."};
    case Code::kMaxPostPreDataLengthExceeded:
      return {"MaxPostPreDataLengthExceeded", 400,
              "Your POST request fields preceding the upload file were too large."};
    case Code::kInvalidPolicyDocument:
      return {"InvalidPolicyDocument", 400,
              "The content of the form does not meet the conditions specified in the policy "
              "document."};
    case Code::kBadRequest:
      // AWS's code for, among others, too many tags ("Object tags cannot be
      // greater than 10") and a CORS preflight without Origin.
      return {"BadRequest", 400, "Bad Request"};
    case Code::kAccessForbidden:
      // A CORS preflight (OPTIONS) that no rule of the bucket allows.
      return {"AccessForbidden", 403, "CORSResponse: This CORS request is not allowed."};

    // Tagging and CORS.
    case Code::kInvalidTag:
      return {"InvalidTag", 400,
              "The tag provided was not a valid tag. This error can occur if the tag did not "
              "pass input validation."};
    case Code::kNoSuchTagSet:
      return {"NoSuchTagSet", 404, "The TagSet does not exist"};
    case Code::kNoSuchCorsConfiguration:
      return {"NoSuchCORSConfiguration", 404, "The CORS configuration does not exist"};

    // Authentication and authorization.
    case Code::kAccessDenied:
      return {"AccessDenied", 403, "Access Denied"};
    case Code::kInvalidAccessKeyId:
      return {"InvalidAccessKeyId", 403,
              "The AWS Access Key Id you provided does not exist in our records."};
    case Code::kSignatureDoesNotMatch:
      return {"SignatureDoesNotMatch", 403,
              "The request signature we calculated does not match the signature you provided. "
              "Check your key and signing method."};
    case Code::kRequestTimeTooSkewed:
      return {"RequestTimeTooSkewed", 403,
              "The difference between the request time and the current time is too large."};
    case Code::kAuthorizationHeaderMalformed:
      return {"AuthorizationHeaderMalformed", 400, "The authorization header is malformed."};
    case Code::kAuthorizationQueryParametersError:
      return {"AuthorizationQueryParametersError", 400,
              "The authorization query parameters are not valid."};
    case Code::kExpiredPresignedRequest:
      // AWS answers an expired presigned URL with a plain AccessDenied.
      return {"AccessDenied", 403, "Request has expired"};
    case Code::kContentSha256Mismatch:
      return {"XAmzContentSHA256Mismatch", 400,
              "The provided 'x-amz-content-sha256' header does not match what was computed."};
    case Code::kMissingSecurityHeader:
      return {"MissingSecurityHeader", 400, "Your request was missing a required header."};
    case Code::kInvalidContentSha256:
      // An x-amz-content-sha256 value that is neither a hash nor a known
      // keyword: AWS answers InvalidArgument.
      return {"InvalidArgument", 400,
              "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
              "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or "
              "a valid sha256 value."};

    // Identity.
    case Code::kNoSuchBucketPolicy:
      return {"NoSuchBucketPolicy", 404, "The bucket policy does not exist"};
    case Code::kNoSuchEntity:
      // IAM's code for a user, group, key or policy that is not there.
      return {"NoSuchEntity", 404, "The requested entity does not exist."};
    case Code::kEntityAlreadyExists:
      return {"EntityAlreadyExists", 409, "The entity already exists."};
    case Code::kDeleteConflict:
      return {"DeleteConflict", 409,
              "The entity cannot be deleted while it is attached or has members."};
    case Code::kInvalidToken:
      return {"InvalidToken", 401, "The provided token is malformed or otherwise invalid."};
    case Code::kTooManyRequests:
      return {"TooManyRequests", 429, "Too many failed attempts; try again later."};
  }
  // Only reachable with a value outside the enum (a cast): internal by default.
  return ToS3Error(Code::kInternal);
}

std::string PublicMessage(const common::Status& status) {
  Code code = status.ok() ? Code::kInternal : status.code();
  S3ErrorInfo info = ToS3Error(code);
  // 500 and 503 messages come from inside the server (paths, SQL, which
  // drives answered): never show them.
  bool hide = info.http_status == 500 || code == Code::kUnavailable;
  if (hide || status.message().empty()) return std::string(info.message);
  return status.message();
}

std::string ErrorXml(const common::Status& status, std::string_view resource,
                     std::string_view request_id, std::string_view bucket, std::string_view key) {
  Code code = status.ok() ? Code::kInternal : status.code();
  S3ErrorInfo info = ToS3Error(code);
  xml::XmlBuilder builder("Error", "");
  builder.Element("Code", info.code);
  builder.Element("Message", PublicMessage(status));
  bool bucket_error = code == Code::kNoSuchBucket || code == Code::kBucketNotEmpty ||
                      code == Code::kBucketAlreadyExists || code == Code::kBucketAlreadyOwnedByYou;
  if (bucket_error && !bucket.empty()) builder.Element("BucketName", bucket);
  if (code == Code::kNoSuchKey && !key.empty()) builder.Element("Key", key);
  builder.Element("Resource", resource);
  builder.Element("RequestId", request_id);
  return std::move(builder).Finish();
}

}  // namespace strata::s3
