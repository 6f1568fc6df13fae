// The one table from Strata's error vocabulary (common::Code) to what an S3
// client sees: the S3 error code, the HTTP status and a default message
// (STYLE.md rule 2). Nothing else in Strata may map a Code to the wire.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace strata::s3 {

// What AWS S3 answers for one error. All views point at static strings.
struct S3ErrorInfo {
  std::string_view code;  // "NoSuchKey"
  int http_status;        // 404
  // AWS's wording, used when the Status carries no message and, for the
  // internal family, always.
  std::string_view message;
};

// Maps every Code to its S3 error. Internal failures (kInternal, kCorruption,
// kTimeout) all become InternalError 500; Codes without an S3 code of their
// own become InvalidArgument 400 (kInvalidCopySource, kInvalidEncodingType,
// kInvalidArgumentHeader, kInvalidContentSha256, as AWS answers those cases).
// kOk is not an error: it maps to {"", 200, ""}.
// Thread-safe; never fails.
S3ErrorInfo ToS3Error(common::Code code);

// The message a client may see for `status`: status.message(), or the
// default message when that is empty. For InternalError and
// ServiceUnavailable always the default message, so drive paths, SQL and
// quorum details never leave the server (they belong in the log line).
// REQUIRES: !status.ok() (an OK status yields the InternalError message).
std::string PublicMessage(const common::Status& status);

// The REST error document:
//   <?xml version="1.0" encoding="UTF-8"?>
//   <Error><Code>NoSuchKey</Code><Message>...</Message>
//   <Resource>/bucket/key</Resource><RequestId>...</RequestId></Error>
// (one line after the declaration; no namespace, as AWS sends it). Text is
// XML-escaped. `resource` is the request path as the client sent it.
// When given, bucket and key add AWS's <BucketName> (bucket errors such as
// NoSuchBucket) and <Key> (NoSuchKey) elements, which SDKs surface.
// REQUIRES: !status.ok() (an OK status is rendered as InternalError).
std::string ErrorXml(const common::Status& status, std::string_view resource,
                     std::string_view request_id, std::string_view bucket = "",
                     std::string_view key = "");

}  // namespace strata::s3
