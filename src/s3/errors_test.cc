#include "s3/errors.h"

#include <gtest/gtest.h>

#include <cctype>
#include <pugixml.hpp>
#include <string>

namespace strata::s3 {
namespace {

using common::Code;
using common::Status;

// The last enumerator of common::Code. When a code is added after it, the
// switch in errors.cc stops compiling first; then move this along.
constexpr Code kLastCode = Code::kTooManyRequests;

TEST(ToS3ErrorTest, EveryCodeMapsToAnS3Error) {
  for (int i = static_cast<int>(Code::kOk) + 1; i <= static_cast<int>(kLastCode); ++i) {
    auto code = static_cast<Code>(i);
    S3ErrorInfo info = ToS3Error(code);
    SCOPED_TRACE(std::string(common::CodeName(code)));
    EXPECT_FALSE(info.code.empty());
    EXPECT_GE(info.http_status, 300);
    EXPECT_LT(info.http_status, 600);
    EXPECT_FALSE(info.message.empty());
    // S3 codes are PascalCase identifiers.
    EXPECT_TRUE(info.code.front() >= 'A' && info.code.front() <= 'Z');
    for (char c : info.code) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << c;
  }
}

TEST(ToS3ErrorTest, LastCodeIsReallyLast) {
  // CodeName answers "Unknown" past the end of the enum; if this fails, a
  // code was added after kLastCode and the walk above would miss it.
  EXPECT_NE(common::CodeName(kLastCode), "Unknown");
  EXPECT_EQ(common::CodeName(static_cast<Code>(static_cast<int>(kLastCode) + 1)), "Unknown");
}

TEST(ToS3ErrorTest, OkIsNotAnError) {
  S3ErrorInfo info = ToS3Error(Code::kOk);
  EXPECT_EQ(info.code, "");
  EXPECT_EQ(info.http_status, 200);
}

struct Expected {
  Code code;
  std::string_view s3_code;
  int http_status;
};

TEST(ToS3ErrorTest, MatchesAws) {
  const Expected kTable[] = {
      {Code::kInvalidArgument, "InvalidArgument", 400},
      {Code::kInternal, "InternalError", 500},
      {Code::kCorruption, "InternalError", 500},
      {Code::kTimeout, "InternalError", 500},
      {Code::kUnavailable, "ServiceUnavailable", 503},
      {Code::kNotImplemented, "NotImplemented", 501},
      {Code::kNoSuchBucket, "NoSuchBucket", 404},
      {Code::kBucketAlreadyExists, "BucketAlreadyExists", 409},
      {Code::kBucketAlreadyOwnedByYou, "BucketAlreadyOwnedByYou", 409},
      {Code::kBucketNotEmpty, "BucketNotEmpty", 409},
      {Code::kInvalidBucketName, "InvalidBucketName", 400},
      {Code::kTooManyBuckets, "TooManyBuckets", 400},
      {Code::kInvalidLocationConstraint, "InvalidLocationConstraint", 400},
      {Code::kNoSuchKey, "NoSuchKey", 404},
      {Code::kKeyTooLong, "KeyTooLongError", 400},
      {Code::kEntityTooLarge, "EntityTooLarge", 400},
      {Code::kEntityTooSmall, "EntityTooSmall", 400},
      {Code::kMetadataTooLarge, "MetadataTooLarge", 400},
      {Code::kInvalidRange, "InvalidRange", 416},
      {Code::kPreconditionFailed, "PreconditionFailed", 412},
      {Code::kNotModified, "NotModified", 304},
      {Code::kConditionalRequestConflict, "ConditionalRequestConflict", 409},
      {Code::kBadDigest, "BadDigest", 400},
      {Code::kInvalidDigest, "InvalidDigest", 400},
      {Code::kIncompleteBody, "IncompleteBody", 400},
      {Code::kMissingContentLength, "MissingContentLength", 411},
      {Code::kNoSuchUpload, "NoSuchUpload", 404},
      {Code::kInvalidPart, "InvalidPart", 400},
      {Code::kInvalidPartNumber, "InvalidPartNumber", 416},
      {Code::kInvalidPartOrder, "InvalidPartOrder", 400},
      {Code::kMalformedXml, "MalformedXML", 400},
      {Code::kInvalidRequest, "InvalidRequest", 400},
      {Code::kMethodNotAllowed, "MethodNotAllowed", 405},
      {Code::kRequestHeaderSectionTooLarge, "RequestHeaderSectionTooLarge", 400},
      {Code::kRequestTimeout, "RequestTimeout", 400},
      {Code::kSlowDown, "SlowDown", 503},
      {Code::kInvalidCopySource, "InvalidArgument", 400},
      {Code::kInvalidStorageClass, "InvalidStorageClass", 400},
      {Code::kInvalidEncodingType, "InvalidArgument", 400},
      {Code::kMalformedPolicy, "MalformedPolicy", 400},
      {Code::kBadRequest, "BadRequest", 400},
      {Code::kAccessForbidden, "AccessForbidden", 403},
      {Code::kInvalidTag, "InvalidTag", 400},
      {Code::kNoSuchTagSet, "NoSuchTagSet", 404},
      {Code::kNoSuchCorsConfiguration, "NoSuchCORSConfiguration", 404},
      {Code::kMalformedPostRequest, "MalformedPOSTRequest", 400},
      {Code::kMaxPostPreDataLengthExceeded, "MaxPostPreDataLengthExceeded", 400},
      {Code::kInvalidPolicyDocument, "InvalidPolicyDocument", 400},
      {Code::kAccessDenied, "AccessDenied", 403},
      {Code::kInvalidAccessKeyId, "InvalidAccessKeyId", 403},
      {Code::kSignatureDoesNotMatch, "SignatureDoesNotMatch", 403},
      {Code::kRequestTimeTooSkewed, "RequestTimeTooSkewed", 403},
      {Code::kAuthorizationHeaderMalformed, "AuthorizationHeaderMalformed", 400},
      {Code::kAuthorizationQueryParametersError, "AuthorizationQueryParametersError", 400},
      {Code::kExpiredPresignedRequest, "AccessDenied", 403},
      {Code::kContentSha256Mismatch, "XAmzContentSHA256Mismatch", 400},
      {Code::kMissingSecurityHeader, "MissingSecurityHeader", 400},
      {Code::kInvalidContentSha256, "InvalidArgument", 400},
      {Code::kNoSuchBucketPolicy, "NoSuchBucketPolicy", 404},
      {Code::kNoSuchEntity, "NoSuchEntity", 404},
      {Code::kEntityAlreadyExists, "EntityAlreadyExists", 409},
      {Code::kDeleteConflict, "DeleteConflict", 409},
      {Code::kInvalidToken, "InvalidToken", 401},
      {Code::kTooManyRequests, "TooManyRequests", 429},
  };
  for (const Expected& expected : kTable) {
    SCOPED_TRACE(std::string(common::CodeName(expected.code)));
    S3ErrorInfo info = ToS3Error(expected.code);
    EXPECT_EQ(info.code, expected.s3_code);
    EXPECT_EQ(info.http_status, expected.http_status);
  }
}

TEST(PublicMessageTest, UsesStatusMessageOrDefault) {
  EXPECT_EQ(PublicMessage(Status(Code::kNoSuchKey, "no such key: a/b")), "no such key: a/b");
  EXPECT_EQ(PublicMessage(Status(Code::kNoSuchKey, "")), "The specified key does not exist.");
}

TEST(PublicMessageTest, NeverLeaksInternalDetails) {
  for (Code code : {Code::kInternal, Code::kCorruption, Code::kTimeout, Code::kUnavailable}) {
    std::string message = PublicMessage(Status(code, "sqlite: /var/lib/strata/meta.db locked"));
    EXPECT_EQ(message.find("sqlite"), std::string::npos) << message;
    EXPECT_EQ(message, ToS3Error(code).message);
  }
  EXPECT_EQ(PublicMessage(Status(Code::kInternal, "x")),
            "We encountered an internal error. Please try again.");
}

TEST(ErrorXmlTest, GoldenNoSuchKey) {
  std::string xml =
      ErrorXml(Status(Code::kNoSuchKey, ""), "/photos/2026/a&b.jpg", "4442587FB7D0A2F9");
  EXPECT_EQ(xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
            "<Resource>/photos/2026/a&amp;b.jpg</Resource>"
            "<RequestId>4442587FB7D0A2F9</RequestId></Error>");
}

TEST(ErrorXmlTest, ParsesBackAndEscapes) {
  std::string xml =
      ErrorXml(Status(Code::kInvalidArgument, "bad <value> \"x\" & y"), "/b", "req-1");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str()));
  pugi::xml_node error = doc.child("Error");
  ASSERT_TRUE(error);
  EXPECT_STREQ(error.child("Code").text().get(), "InvalidArgument");
  EXPECT_STREQ(error.child("Message").text().get(), "bad <value> \"x\" & y");
  EXPECT_STREQ(error.child("Resource").text().get(), "/b");
  EXPECT_STREQ(error.child("RequestId").text().get(), "req-1");
  EXPECT_FALSE(error.attribute("xmlns"));
}

TEST(ErrorXmlTest, InternalErrorHidesMessage) {
  std::string xml = ErrorXml(Status(Code::kCorruption, "shard 3 of /mnt/d2 bitrot"), "/b/k", "r");
  EXPECT_EQ(xml.find("bitrot"), std::string::npos);
  EXPECT_NE(xml.find("<Code>InternalError</Code>"), std::string::npos);
  EXPECT_NE(xml.find("We encountered an internal error. Please try again."), std::string::npos);
}

TEST(ErrorXmlTest, OkStatusIsRenderedAsInternalError) {
  std::string xml = ErrorXml(Status::Ok(), "/", "r");
  EXPECT_NE(xml.find("<Code>InternalError</Code>"), std::string::npos);
}

}  // namespace
}  // namespace strata::s3

namespace strata::s3 {
namespace {

TEST(ErrorXmlTest, NamesTheMissingKeyAndBucket) {
  using common::Code;
  using common::Status;
  std::string no_key = ErrorXml(Status(Code::kNoSuchKey, ""), "/b/k", "ID", "b", "k");
  EXPECT_NE(no_key.find("<Key>k</Key>"), std::string::npos) << no_key;
  EXPECT_EQ(no_key.find("<BucketName>"), std::string::npos) << no_key;
  std::string no_bucket = ErrorXml(Status(Code::kNoSuchBucket, ""), "/b/k", "ID", "b", "k");
  EXPECT_NE(no_bucket.find("<BucketName>b</BucketName>"), std::string::npos) << no_bucket;
  EXPECT_EQ(no_bucket.find("<Key>"), std::string::npos) << no_bucket;
  std::string denied = ErrorXml(Status(Code::kAccessDenied, ""), "/b/k", "ID", "b", "k");
  EXPECT_EQ(denied.find("<Key>"), std::string::npos) << denied;
}

}  // namespace
}  // namespace strata::s3
