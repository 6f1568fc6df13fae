#include "s3/endpoint.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace strata::s3 {
namespace {

using common::Code;

using HeaderList = std::vector<std::pair<std::string, std::string>>;

http::Request MakeRequest(std::string method, std::string_view target, const HeaderList& headers,
                          std::string_view host) {
  http::Request request;
  request.method = std::move(method);
  request.target = std::string(target);
  size_t question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  if (!host.empty()) request.headers.Add("Host", host);
  for (const auto& [name, value] : headers) request.headers.Add(name, value);
  return request;
}

RouteConfig Config() { return RouteConfig{{"s3.example.com"}}; }

struct GoodCase {
  std::string method;
  std::string target;
  std::string operation;  // OperationName
  std::string bucket;
  std::string key;  // of object operations; "" otherwise
  bool unsupported = false;
  HeaderList headers = {};
  std::string host = "localhost:9000";
};

std::string KeyOf(const Endpoint& endpoint) {
  return std::visit(
      [](const auto& op) -> std::string {
        if constexpr (requires { op.key; }) {
          return op.key;
        } else {
          return "";
        }
      },
      endpoint);
}

TEST(ParseEndpointTest, GoodRequests) {
  const std::string kVhost = "photos.s3.example.com";
  const GoodCase kCases[] = {
      // Service.
      {"GET", "/", "ListBuckets", "", ""},
      {"GET", "", "ListBuckets", "", ""},
      {"GET", "/?max-buckets=10&prefix=a&x-id=ListBuckets", "ListBuckets", "", ""},
      // Buckets.
      {"PUT", "/photos", "CreateBucket", "photos", ""},
      {"PUT", "/photos/", "CreateBucket", "photos", ""},
      {"HEAD", "/photos", "HeadBucket", "photos", ""},
      {"DELETE", "/photos", "DeleteBucket", "photos", ""},
      {"GET", "/photos?location", "GetBucketLocation", "photos", ""},
      {"GET", "/photos?location=", "GetBucketLocation", "photos", ""},
      {"GET", "/photos", "ListObjects", "photos", ""},
      {"GET", "/photos/", "ListObjects", "photos", ""},
      {"GET", "/photos?prefix=a%2Fb&delimiter=%2F&max-keys=0&marker=x", "ListObjects", "photos",
       ""},
      {"GET", "/photos?encoding-type=url", "ListObjects", "photos", ""},
      {"GET", "/photos?list-type=2", "ListObjectsV2", "photos", ""},
      {"GET",
       "/photos?list-type=2&max-keys=1000&encoding-type=url&fetch-owner=true&start-after=a"
       "&continuation-token=abc",
       "ListObjectsV2", "photos", ""},
      {"GET", "/photos?list-type=2&max-keys=5000", "ListObjectsV2", "photos", ""},
      {"POST", "/photos?delete", "DeleteObjects", "photos", ""},
      {"POST", "/photos?delete=", "DeleteObjects", "photos", ""},
      {"GET", "/my.bucket-1", "ListObjects", "my.bucket-1", ""},
      // Objects.
      {"PUT", "/photos/a/b.jpg", "PutObject", "photos", "a/b.jpg"},
      {"PUT", "/photos/a%20b%2Bc+d", "PutObject", "photos", "a b+c+d"},
      {"PUT", "/photos/%E2%82%AC%F0%9F%98%80", "PutObject", "photos",
       "\xE2\x82\xAC\xF0\x9F\x98\x80"},
      {"PUT", "/photos/a//b/", "PutObject", "photos", "a//b/"},
      {"PUT", "/photos/dir%2Ffile", "PutObject", "photos", "dir/file"},
      {"PUT", "/photos/%3Fq%26x%3D1", "PutObject", "photos", "?q&x=1"},
      {"PUT", "/photos/" + std::string(1024, 'k'), "PutObject", "photos", std::string(1024, 'k')},
      {"GET", "/photos/k", "GetObject", "photos", "k"},
      {"GET", "/photos/k?versionId=x&response-content-type=text%2Fplain", "GetObject", "photos",
       "k"},
      {"GET", "/photos/k?partNumber=3", "GetObject", "photos", "k"},
      {"GET", "/photos/k?x-id=GetObject", "GetObject", "photos", "k"},
      {"GET",
       "/photos/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2F20260101%2Fus-east-1"
       "%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60"
       "&X-Amz-SignedHeaders=host&X-Amz-Signature=abc",
       "GetObject", "photos", "k"},
      {"HEAD", "/photos/k", "HeadObject", "photos", "k"},
      {"HEAD", "/photos/k?partNumber=10000", "HeadObject", "photos", "k"},
      {"DELETE", "/photos/k?versionId=1", "DeleteObject", "photos", "k"},
      {"PUT", "/photos/k", "CopyObject", "photos", "k", false, {{"x-amz-copy-source", "src/a"}}},
      // A copy-source header on a non-PUT changes nothing.
      {"GET", "/photos/k", "GetObject", "photos", "k", false, {{"x-amz-copy-source", "src/a"}}},
      {"GET", "/photos?policy", "GetBucketPolicy", "photos", ""},
      {"PUT", "/photos?policy", "PutBucketPolicy", "photos", ""},
      {"DELETE", "/photos?policy", "DeleteBucketPolicy", "photos", ""},
      {"GET", "/photos?policyStatus", "GetBucketPolicyStatus", "photos", ""},
      // Unsupported bucket sub-resources.
      {"GET", "/photos?versioning", "GetBucketVersioning", "photos", ""},
      {"PUT", "/photos?versioning", "PutBucketVersioning", "photos", ""},
      {"GET", "/photos?versions&prefix=a", "ListObjectVersions", "photos", ""},
      {"GET", "/photos?versions&key-marker=a&version-id-marker=null&max-keys=2&encoding-type=url",
       "ListObjectVersions", "photos", ""},
      {"GET", "/photos?versions&key-marker=a", "ListObjectVersions", "photos", ""},
      {"GET", "/photos?tagging", "GetBucketTagging", "photos", ""},
      {"PUT", "/photos?tagging", "PutBucketTagging", "photos", ""},
      {"DELETE", "/photos?tagging", "DeleteBucketTagging", "photos", ""},
      {"GET", "/photos?cors", "GetBucketCors", "photos", ""},
      {"PUT", "/photos?cors=", "PutBucketCors", "photos", ""},
      {"DELETE", "/photos?cors", "DeleteBucketCors", "photos", ""},
      // CORS preflights, whatever the query.
      {"OPTIONS", "/photos", "CorsPreflight", "photos", ""},
      {"OPTIONS", "/photos/", "CorsPreflight", "photos", ""},
      {"OPTIONS", "/photos/a/b.jpg", "CorsPreflight", "photos", "a/b.jpg"},
      {"OPTIONS", "/photos/k?uploads", "CorsPreflight", "photos", "k"},
      {"OPTIONS", "/photos/k?partNumber=2&uploadId=u", "CorsPreflight", "photos", "k"},
      {"OPTIONS", "/photos?cors", "CorsPreflight", "photos", ""},
      {"OPTIONS", "/k", "CorsPreflight", "photos", "k", false, {}, kVhost},
      {"GET", "/photos?acl", "GetBucketAcl", "photos", "", true},
      {"PUT", "/photos?acl", "PutBucketAcl", "photos", "", true},
      {"GET", "/photos?lifecycle", "GetBucketLifecycleConfiguration", "photos", "", true},
      {"PUT", "/photos?lifecycle", "PutBucketLifecycleConfiguration", "photos", "", true},
      {"DELETE", "/photos?lifecycle", "DeleteBucketLifecycle", "photos", "", true},
      {"GET", "/photos?replication", "GetBucketReplication", "photos", "", true},
      {"GET", "/photos?encryption", "GetBucketEncryption", "photos", "", true},
      {"GET", "/photos?website", "GetBucketWebsite", "photos", "", true},
      {"GET", "/photos?logging", "GetBucketLogging", "photos", "", true},
      {"GET", "/photos?notification", "GetBucketNotificationConfiguration", "photos", "", true},
      {"GET", "/photos?object-lock", "GetObjectLockConfiguration", "photos", "", true},
      {"PUT", "/photos?object-lock", "PutObjectLockConfiguration", "photos", "", true},
      {"GET", "/photos?ownershipControls", "GetBucketOwnershipControls", "photos", "", true},
      {"DELETE", "/photos?publicAccessBlock", "DeletePublicAccessBlock", "photos", "", true},
      {"GET", "/photos?accelerate", "GetBucketAccelerateConfiguration", "photos", "", true},
      {"GET", "/photos?requestPayment", "GetBucketRequestPayment", "photos", "", true},
      {"GET", "/photos?intelligent-tiering", "ListBucketIntelligentTieringConfigurations", "photos",
       "", true},
      {"GET", "/photos?intelligent-tiering&id=a", "GetBucketIntelligentTieringConfiguration",
       "photos", "", true},
      {"GET", "/photos?analytics", "ListBucketAnalyticsConfigurations", "photos", "", true},
      {"PUT", "/photos?analytics&id=a", "PutBucketAnalyticsConfiguration", "photos", "", true},
      {"GET", "/photos?metrics&id=m", "GetBucketMetricsConfiguration", "photos", "", true},
      {"GET", "/photos?inventory", "ListBucketInventoryConfigurations", "photos", "", true},
      {"DELETE", "/photos?inventory&id=i", "DeleteBucketInventoryConfiguration", "photos", "",
       true},
      {"POST",
       "/photos",
       "PostObject",
       "photos",
       "",
       false,
       {{"Content-Type", "multipart/form-data; boundary=xyz"}}},
      // Multipart upload.
      {"GET", "/photos?uploads", "ListMultipartUploads", "photos", ""},
      {"GET", "/photos?uploads=&prefix=x", "ListMultipartUploads", "photos", ""},
      {"GET",
       "/photos?uploads&delimiter=%2F&key-marker=a&upload-id-marker=u&max-uploads=0"
       "&encoding-type=url",
       "ListMultipartUploads", "photos", ""},
      {"GET", "/photos?uploads&max-uploads=2147483647", "ListMultipartUploads", "photos", ""},
      {"POST", "/photos/big.iso?uploads", "CreateMultipartUpload", "photos", "big.iso"},
      {"POST", "/photos/big.iso?uploads=", "CreateMultipartUpload", "photos", "big.iso"},
      {"PUT", "/photos/big.iso?partNumber=1&uploadId=u1", "UploadPart", "photos", "big.iso"},
      {"PUT", "/photos/big.iso?uploadId=u1&partNumber=10000", "UploadPart", "photos", "big.iso"},
      {"PUT",
       "/photos/big.iso?partNumber=2&uploadId=u1",
       "UploadPartCopy",
       "photos",
       "big.iso",
       false,
       {{"x-amz-copy-source", "/src/part.bin"}}},
      {"POST", "/photos/big.iso?uploadId=u1", "CompleteMultipartUpload", "photos", "big.iso"},
      {"DELETE", "/photos/big.iso?uploadId=u1", "AbortMultipartUpload", "photos", "big.iso"},
      {"GET", "/photos/big.iso?uploadId=u1", "ListParts", "photos", "big.iso"},
      {"GET", "/photos/big.iso?uploadId=u1&max-parts=10&part-number-marker=0", "ListParts",
       "photos", "big.iso"},
      {"POST", "/big.iso?uploads", "CreateMultipartUpload", "photos", "big.iso", false, {}, kVhost},
      {"GET", "/?uploads", "ListMultipartUploads", "photos", "", false, {}, kVhost},
      // Unsupported object sub-resources.
      {"GET", "/photos/k?tagging", "GetObjectTagging", "photos", "k"},
      {"PUT", "/photos/k?tagging&versionId=3", "PutObjectTagging", "photos", "k"},
      {"DELETE", "/photos/k?tagging", "DeleteObjectTagging", "photos", "k"},
      {"GET", "/photos/k?acl", "GetObjectAcl", "photos", "k", true},
      {"PUT", "/photos/k?acl", "PutObjectAcl", "photos", "k", true},
      {"GET", "/photos/k?retention", "GetObjectRetention", "photos", "k", true},
      {"PUT", "/photos/k?legal-hold", "PutObjectLegalHold", "photos", "k", true},
      {"GET", "/photos/k?torrent", "GetObjectTorrent", "photos", "k", true},
      {"POST", "/photos/k?restore", "RestoreObject", "photos", "k", true},
      {"POST", "/photos/k?select&select-type=2", "SelectObjectContent", "photos", "k", true},
      {"GET", "/photos/k?attributes", "GetObjectAttributes", "photos", "k"},
      {"GET", "/photos/k?attributes&versionId=null", "GetObjectAttributes", "photos", "k"},
      // Virtual-host style.
      {"GET", "/", "ListObjects", "photos", "", false, {}, kVhost},
      {"GET", "/?list-type=2", "ListObjectsV2", "photos", "", false, {}, kVhost},
      {"PUT", "/", "CreateBucket", "photos", "", false, {}, kVhost},
      {"GET", "/a/b.jpg", "GetObject", "photos", "a/b.jpg", false, {}, kVhost},
      {"GET", "/photos/a", "GetObject", "photos", "photos/a", false, {}, kVhost},
      {"GET", "/a", "GetObject", "photos", "a", false, {}, "photos.s3.example.com:9000"},
      {"GET", "/a", "GetObject", "photos", "a", false, {}, "PHOTOS.S3.Example.COM"},
      {"GET", "/a", "GetObject", "photos", "a", false, {}, "photos.s3.example.com."},
      {"GET", "/a", "GetObject", "my.photos", "a", false, {}, "my.photos.s3.example.com"},
      {"GET", "/", "ListBuckets", "", "", false, {}, "s3.example.com"},
      {"GET", "/photos/a", "GetObject", "photos", "a", false, {}, "s3.example.com:443"},
      {"GET", "/photos/a", "GetObject", "photos", "a", false, {}, "127.0.0.1:9000"},
      {"GET", "/photos/a", "GetObject", "photos", "a", false, {}, "[::1]:9000"},
      {"GET", "/photos/a", "GetObject", "photos", "a", false, {}, "other.example.org"},
      {"GET", "/photos/a", "GetObject", "photos", "a", false, {}, ""},
  };
  for (const GoodCase& c : kCases) {
    SCOPED_TRACE(c.method + " " + c.target + " Host: " + c.host);
    http::Request request = MakeRequest(c.method, c.target, c.headers, c.host);
    common::Result<Route> route = ParseEndpoint(request, Config());
    ASSERT_TRUE(route.ok()) << route.status().ToString();
    EXPECT_EQ(OperationName(route->endpoint), c.operation);
    EXPECT_EQ(BucketOf(route->endpoint), c.bucket);
    EXPECT_EQ(KeyOf(route->endpoint), c.key);
    EXPECT_EQ(std::holds_alternative<op::Unsupported>(route->endpoint), c.unsupported);
    // Every operation has an IAM action but the CORS preflight, which is
    // never authenticated.
    if (c.operation == "CorsPreflight") {
      EXPECT_EQ(IamAction(route->endpoint), "");
    } else {
      EXPECT_FALSE(IamAction(route->endpoint).empty());
      EXPECT_TRUE(IamAction(route->endpoint).starts_with("s3"));
    }
  }
}

struct BadCase {
  std::string method;
  std::string target;
  Code code;
  HeaderList headers = {};
  std::string host = "localhost:9000";
};

TEST(ParseEndpointTest, BadRequests) {
  const BadCase kCases[] = {
      // Bucket names.
      {"PUT", "/ab", Code::kInvalidBucketName},
      {"PUT", "/Photos", Code::kInvalidBucketName},
      {"GET", "/my_bucket/k", Code::kInvalidBucketName},
      {"GET", "/MyBucket", Code::kInvalidBucketName},
      {"PUT", "/192.168.1.1", Code::kInvalidBucketName},
      {"PUT", "/" + std::string(64, 'a'), Code::kInvalidBucketName},
      {"GET", "//k", Code::kInvalidBucketName},
      {"GET", "/pho%2Ftos/k", Code::kInvalidBucketName},
      {"GET", "/a", Code::kInvalidBucketName, {}, "ab.s3.example.com"},
      {"GET", "/a", Code::kInvalidBucketName, {}, "bad_name.s3.example.com"},
      // Target syntax.
      {"GET", "/photos/%ZZ", Code::kInvalidRequest},
      {"GET", "/photos/%4", Code::kInvalidRequest},
      {"GET", "/photos?prefix=%ZZ", Code::kInvalidRequest},
      {"GET", "http://localhost/photos", Code::kInvalidRequest},
      {"OPTIONS", "*", Code::kInvalidRequest},
      // Keys.
      {"GET", "/photos/" + std::string(1025, 'k'), Code::kKeyTooLong},
      {"GET", "/photos/%FF", Code::kInvalidObjectName},
      {"GET", "/photos/%C0%AF", Code::kInvalidObjectName},        // overlong '/'
      {"GET", "/photos/%ED%A0%80", Code::kInvalidObjectName},     // surrogate
      {"GET", "/photos/%F4%90%80%80", Code::kInvalidObjectName},  // above U+10FFFF
      {"GET", "/photos/ab%E2%82", Code::kInvalidObjectName},      // truncated
      // Methods.
      {"PATCH", "/photos/k", Code::kMethodNotAllowed},
      {"OPTIONS", "/", Code::kMethodNotAllowed},
      {"OPTIONS", "/photos/" + std::string(1025, 'k'), Code::kKeyTooLong},
      {"OPTIONS", "/bad_bucket/k", Code::kInvalidBucketName},
      {"POST", "/photos?tagging", Code::kMethodNotAllowed},
      {"POST", "/photos/k?tagging", Code::kMethodNotAllowed},
      {"POST", "/photos?cors", Code::kMethodNotAllowed},
      {"HEAD", "/photos?cors", Code::kMethodNotAllowed},
      {"POST", "/photos/k", Code::kMethodNotAllowed},
      {"POST", "/photos", Code::kMethodNotAllowed},
      {"POST", "/", Code::kMethodNotAllowed},
      {"PUT", "/", Code::kMethodNotAllowed},
      {"DELETE", "/", Code::kMethodNotAllowed},
      {"HEAD", "/", Code::kMethodNotAllowed},
      {"get", "/photos", Code::kMethodNotAllowed},
      {"DELETE", "/photos?location", Code::kMethodNotAllowed},
      {"GET", "/photos?delete", Code::kMethodNotAllowed},
      {"PUT", "/photos?versions", Code::kMethodNotAllowed},
      {"HEAD", "/photos?acl", Code::kMethodNotAllowed},
      {"HEAD", "/photos/k?tagging", Code::kMethodNotAllowed},
      {"POST", "/photos?uploads", Code::kMethodNotAllowed},
      {"PUT", "/photos?uploads", Code::kMethodNotAllowed},
      {"DELETE", "/photos?uploads", Code::kMethodNotAllowed},
      {"HEAD", "/photos?uploads", Code::kMethodNotAllowed},
      {"GET", "/photos?uploadId=u", Code::kMethodNotAllowed},
      {"POST", "/photos?uploadId=u", Code::kMethodNotAllowed},
      {"PUT", "/photos/k?uploads", Code::kMethodNotAllowed},
      {"GET", "/photos/k?uploads", Code::kMethodNotAllowed},
      {"DELETE", "/photos/k?uploads", Code::kMethodNotAllowed},
      {"HEAD", "/photos/k?uploads", Code::kMethodNotAllowed},
      {"HEAD", "/photos/k?uploadId=u", Code::kMethodNotAllowed},
      {"PATCH", "/photos/k?uploadId=u", Code::kMethodNotAllowed},
      {"GET", "/photos/k?restore", Code::kMethodNotAllowed},
      // Query values.
      {"GET", "/photos?max-keys=-1", Code::kInvalidArgument},
      {"GET", "/photos?versions&version-id-marker=v", Code::kInvalidArgument},
      {"GET", "/photos?versions&max-keys=x", Code::kInvalidArgument},
      {"GET", "/photos?versions&encoding-type=xml", Code::kInvalidEncodingType},
      {"DELETE", "/photos?versioning", Code::kMethodNotAllowed},
      {"POST", "/photos?versions", Code::kMethodNotAllowed},
      {"GET", "/photos?max-keys=abc", Code::kInvalidArgument},
      {"GET", "/photos?max-keys=", Code::kInvalidArgument},
      {"GET", "/photos?max-keys=1.5", Code::kInvalidArgument},
      {"GET", "/photos?list-type=2&max-keys=99999999999", Code::kInvalidArgument},
      {"GET", "/photos?encoding-type=base64", Code::kInvalidEncodingType},
      {"GET", "/photos?list-type=2&encoding-type=", Code::kInvalidEncodingType},
      {"GET", "/photos?list-type=3", Code::kInvalidArgument},
      {"GET", "/photos?list-type=2&fetch-owner=maybe", Code::kInvalidArgument},
      {"GET", "/photos?acl&tagging", Code::kInvalidRequest},
      {"GET", "/photos/k?partNumber=0", Code::kInvalidArgument},
      {"HEAD", "/photos/k?partNumber=x", Code::kInvalidArgument},
      {"PUT", "/photos/k?partNumber=0&uploadId=u", Code::kInvalidArgument},
      {"PUT", "/photos/k?partNumber=10001&uploadId=u", Code::kInvalidArgument},
      {"PUT", "/photos/k?partNumber=-1&uploadId=u", Code::kInvalidArgument},
      {"PUT", "/photos/k?uploadId=u", Code::kInvalidArgument},
      {"PUT", "/photos/k?partNumber=1", Code::kInvalidArgument},
      // Multipart arguments.
      {"PUT", "/photos/k?partNumber=abc&uploadId=u", Code::kInvalidArgument},
      {"PUT", "/photos/k?partNumber=&uploadId=u", Code::kInvalidArgument},
      {"PUT", "/photos/k?partNumber=1.0&uploadId=u", Code::kInvalidArgument},
      {"PUT", "/photos/k?partNumber=%201&uploadId=u", Code::kInvalidArgument},
      {"PUT", "/photos/k?partNumber=%2B1&uploadId=u", Code::kInvalidArgument},
      {"PUT", "/photos/k?partNumber=99999999999999999999&uploadId=u", Code::kInvalidArgument},
      {"PUT", "/photos/k?partNumber=1&uploadId", Code::kInvalidArgument},
      {"PUT", "/photos/k?partNumber=1&uploadId=", Code::kInvalidArgument},
      {"POST", "/photos/k?uploadId", Code::kInvalidArgument},
      {"POST", "/photos/k?uploadId=", Code::kInvalidArgument},
      {"DELETE", "/photos/k?uploadId=", Code::kInvalidArgument},
      {"GET", "/photos/k?uploadId=", Code::kInvalidArgument},
      {"GET", "/photos/k?uploadId=u&max-parts=-1", Code::kInvalidArgument},
      {"GET", "/photos/k?uploadId=u&max-parts=abc", Code::kInvalidArgument},
      {"GET", "/photos/k?uploadId=u&max-parts=2147483648", Code::kInvalidArgument},
      {"GET", "/photos/k?uploadId=u&part-number-marker=x", Code::kInvalidArgument},
      {"GET", "/photos?uploads&max-uploads=", Code::kInvalidArgument},
      {"GET", "/photos?uploads&max-uploads=-5", Code::kInvalidArgument},
      {"GET", "/photos?uploads&encoding-type=base64", Code::kInvalidEncodingType},
      {"POST", "/photos/k?uploads&uploadId=u", Code::kInvalidRequest},
      {"GET", "/photos?uploads&versions", Code::kInvalidRequest},
      // Copy sources.
      {"PUT", "/photos/k", Code::kInvalidArgument, {{"x-amz-copy-source", "nokey"}}},
      {"PUT", "/photos/k", Code::kInvalidArgument, {{"x-amz-copy-source", "/src/"}}},
      {"PUT", "/photos/k", Code::kInvalidArgument, {{"x-amz-copy-source", "/src"}}},
      {"PUT", "/photos/k", Code::kInvalidArgument, {{"x-amz-copy-source", ""}}},
      {"PUT", "/photos/k", Code::kInvalidArgument, {{"x-amz-copy-source", "//k"}}},
      {"PUT", "/photos/k", Code::kInvalidArgument, {{"x-amz-copy-source", "src/%ZZ"}}},
      {"PUT", "/photos/k", Code::kInvalidArgument, {{"x-amz-copy-source", "src/k?versionId="}}},
      {"PUT", "/photos/k", Code::kInvalidBucketName, {{"x-amz-copy-source", "Bad_Bucket/k"}}},
      {"PUT",
       "/photos/k",
       Code::kKeyTooLong,
       {{"x-amz-copy-source", "src/" + std::string(1025, 'k')}}},
      {"PUT", "/photos/k", Code::kInvalidObjectName, {{"x-amz-copy-source", "src/%FF"}}},
      {"PUT",
       "/photos/k?partNumber=1&uploadId=u",
       Code::kInvalidArgument,
       {{"x-amz-copy-source", "nokey"}}},
      {"PUT",
       "/photos/k?partNumber=1&uploadId=u",
       Code::kInvalidArgument,
       {{"x-amz-copy-source", "src/k?versionId="}}},
      {"PUT",
       "/photos/k?partNumber=1&uploadId=u",
       Code::kInvalidBucketName,
       {{"x-amz-copy-source", "Bad_Bucket/k"}}},
      {"PUT",
       "/photos/k?partNumber=1&uploadId=u",
       Code::kInvalidObjectName,
       {{"x-amz-copy-source", "src/%FF"}}},
      {"PUT",
       "/photos/k?partNumber=0&uploadId=u",
       Code::kInvalidArgument,
       {{"x-amz-copy-source", "src/k"}}},
  };
  for (const BadCase& c : kCases) {
    SCOPED_TRACE(c.method + " " + c.target + " Host: " + c.host);
    http::Request request = MakeRequest(c.method, c.target, c.headers, c.host);
    common::Result<Route> route = ParseEndpoint(request, Config());
    ASSERT_FALSE(route.ok()) << OperationName(route->endpoint);
    EXPECT_EQ(route.status().code(), c.code) << route.status().ToString();
    EXPECT_FALSE(route.status().message().empty());
  }
}

struct CopyCase {
  std::string header;
  std::string source_bucket;
  std::string source_key;
  std::string source_version_id;
};

TEST(ParseEndpointTest, CopySource) {
  const CopyCase kCases[] = {
      {"src/a", "src", "a", ""},
      {"/src/a", "src", "a", ""},
      {"src/a%20b.txt", "src", "a b.txt", ""},
      {"src/a+b", "src", "a+b", ""},
      {"src/dir/sub/k", "src", "dir/sub/k", ""},
      {"/src/dir/k?versionId=v1", "src", "dir/k", "v1"},
      {"src/a%3Fb", "src", "a?b", ""},
      {"src/a%3FversionId%3Dx", "src", "a?versionId=x", ""},
      {"src/%E2%82%AC", "src", "\xE2\x82\xAC", ""},
  };
  for (const CopyCase& c : kCases) {
    SCOPED_TRACE(c.header);
    http::Request request =
        MakeRequest("PUT", "/dst/new/key", {{"x-amz-copy-source", c.header}}, "localhost");
    common::Result<Route> route = ParseEndpoint(request, Config());
    ASSERT_TRUE(route.ok()) << route.status().ToString();
    const auto* copy = std::get_if<op::CopyObject>(&route->endpoint);
    ASSERT_NE(copy, nullptr);
    EXPECT_EQ(copy->bucket, "dst");
    EXPECT_EQ(copy->key, "new/key");
    EXPECT_EQ(copy->source_bucket, c.source_bucket);
    EXPECT_EQ(copy->source_key, c.source_key);
    EXPECT_EQ(copy->source_version_id, c.source_version_id);
  }
}

// Parses one request that must succeed with an op of type Op.
template <typename Op>
Op ParseAs(std::string method, std::string_view target, const HeaderList& headers = {}) {
  http::Request request = MakeRequest(std::move(method), target, headers, "localhost");
  common::Result<Route> route = ParseEndpoint(request, Config());
  EXPECT_TRUE(route.ok()) << target << ": " << route.status().ToString();
  if (!route.ok()) return Op{};
  const Op* op = std::get_if<Op>(&route->endpoint);
  EXPECT_NE(op, nullptr) << target << " is " << OperationName(route->endpoint);
  return op == nullptr ? Op{} : *op;
}

TEST(ParseEndpointTest, MultipartFields) {
  auto create = ParseAs<op::CreateMultipartUpload>("POST", "/photos/a/big%20file?uploads");
  EXPECT_EQ(create.bucket, "photos");
  EXPECT_EQ(create.key, "a/big file");

  auto part = ParseAs<op::UploadPart>("PUT", "/photos/k?partNumber=0042&uploadId=u%2B1%3D");
  EXPECT_EQ(part.bucket, "photos");
  EXPECT_EQ(part.key, "k");
  EXPECT_EQ(part.upload_id, "u+1=");
  EXPECT_EQ(part.part_number, 42);
  EXPECT_EQ(ParseAs<op::UploadPart>("PUT", "/photos/k?partNumber=1&uploadId=u").part_number, 1);
  EXPECT_EQ(ParseAs<op::UploadPart>("PUT", "/photos/k?uploadId=u&partNumber=10000").part_number,
            10000);

  auto copy = ParseAs<op::UploadPartCopy>("PUT", "/photos/dst?partNumber=7&uploadId=xyz",
                                          {{"x-amz-copy-source", "/src/dir/a%20b?versionId=v9"}});
  EXPECT_EQ(copy.bucket, "photos");
  EXPECT_EQ(copy.key, "dst");
  EXPECT_EQ(copy.upload_id, "xyz");
  EXPECT_EQ(copy.part_number, 7);
  EXPECT_EQ(copy.source_bucket, "src");
  EXPECT_EQ(copy.source_key, "dir/a b");
  EXPECT_EQ(copy.source_version_id, "v9");
  copy = ParseAs<op::UploadPartCopy>("PUT", "/photos/dst?partNumber=1&uploadId=u",
                                     {{"x-amz-copy-source", "src/k"}});
  EXPECT_EQ(copy.source_version_id, "");

  auto complete = ParseAs<op::CompleteMultipartUpload>("POST", "/photos/k?uploadId=u1");
  EXPECT_EQ(complete.key, "k");
  EXPECT_EQ(complete.upload_id, "u1");
  // partNumber means nothing to Complete, Abort and ListParts.
  auto abort = ParseAs<op::AbortMultipartUpload>("DELETE", "/photos/k?uploadId=u2&partNumber=x");
  EXPECT_EQ(abort.upload_id, "u2");
  auto list = ParseAs<op::ListParts>("GET", "/photos/k?uploadId=u3&max-parts=5");
  EXPECT_EQ(list.bucket, "photos");
  EXPECT_EQ(list.upload_id, "u3");
  EXPECT_EQ(ParseAs<op::ListMultipartUploads>("GET", "/photos?uploads&prefix=p").bucket, "photos");
}

TEST(ParseEndpointTest, QueryIsDecodedInOrder) {
  http::Request request = MakeRequest(
      "GET", "/photos?list-type=2&prefix=a%2Fb+c&delimiter=%2F&start-after", {}, "localhost");
  common::Result<Route> route = ParseEndpoint(request, Config());
  ASSERT_TRUE(route.ok()) << route.status().ToString();
  http::QueryParams expected = {
      {"list-type", "2"}, {"prefix", "a/b c"}, {"delimiter", "/"}, {"start-after", ""}};
  EXPECT_EQ(route->query, expected);
}

TEST(ParseEndpointTest, LongestDomainWins) {
  RouteConfig config{{"example.com", "s3.example.com"}};
  http::Request request = MakeRequest("GET", "/k", {}, "photos.s3.example.com");
  common::Result<Route> route = ParseEndpoint(request, config);
  ASSERT_TRUE(route.ok()) << route.status().ToString();
  EXPECT_EQ(BucketOf(route->endpoint), "photos");
  EXPECT_EQ(KeyOf(route->endpoint), "k");
}

TEST(ParseEndpointTest, NoDomainsMeansPathStyle) {
  http::Request request = MakeRequest("GET", "/bucket/k", {}, "photos.s3.example.com");
  common::Result<Route> route = ParseEndpoint(request, RouteConfig{});
  ASSERT_TRUE(route.ok()) << route.status().ToString();
  EXPECT_EQ(BucketOf(route->endpoint), "bucket");
  EXPECT_EQ(KeyOf(route->endpoint), "k");
}

TEST(OperationNameTest, Multipart) {
  EXPECT_EQ(OperationName(op::CreateMultipartUpload{"b", "k"}), "CreateMultipartUpload");
  EXPECT_EQ(OperationName(op::UploadPart{"b", "k", "u", 1}), "UploadPart");
  EXPECT_EQ(OperationName(op::UploadPartCopy{}), "UploadPartCopy");
  EXPECT_EQ(OperationName(op::CompleteMultipartUpload{}), "CompleteMultipartUpload");
  EXPECT_EQ(OperationName(op::AbortMultipartUpload{}), "AbortMultipartUpload");
  EXPECT_EQ(OperationName(op::ListParts{}), "ListParts");
  EXPECT_EQ(OperationName(op::ListMultipartUploads{}), "ListMultipartUploads");
}

TEST(IamActionTest, ImplementedOperations) {
  const std::pair<Endpoint, std::string_view> kCases[] = {
      {op::ListBuckets{}, "s3:ListAllMyBuckets"},
      {op::CreateBucket{"b"}, "s3:CreateBucket"},
      {op::HeadBucket{"b"}, "s3:ListBucket"},
      {op::DeleteBucket{"b"}, "s3:DeleteBucket"},
      {op::GetBucketLocation{"b"}, "s3:GetBucketLocation"},
      {op::GetBucketPolicy{"b"}, "s3:GetBucketPolicy"},
      {op::PutBucketPolicy{"b"}, "s3:PutBucketPolicy"},
      {op::DeleteBucketPolicy{"b"}, "s3:DeleteBucketPolicy"},
      {op::GetBucketPolicyStatus{"b"}, "s3:GetBucketPolicyStatus"},
      {op::ListObjects{"b"}, "s3:ListBucket"},
      {op::ListObjectsV2{"b"}, "s3:ListBucket"},
      {op::DeleteObjects{"b"}, "s3:DeleteObject"},
      {op::PutObject{"b", "k"}, "s3:PutObject"},
      {op::CopyObject{"b", "k", "s", "t", ""}, "s3:PutObject"},
      {op::GetObject{"b", "k"}, "s3:GetObject"},
      {op::HeadObject{"b", "k"}, "s3:GetObject"},
      {op::DeleteObject{"b", "k"}, "s3:DeleteObject"},
      {op::CreateMultipartUpload{"b", "k"}, "s3:PutObject"},
      {op::UploadPart{"b", "k", "u", 1}, "s3:PutObject"},
      {op::UploadPartCopy{"b", "k", "u", 1, "s", "t", ""}, "s3:PutObject"},
      {op::CompleteMultipartUpload{"b", "k", "u"}, "s3:PutObject"},
      {op::AbortMultipartUpload{"b", "k", "u"}, "s3:AbortMultipartUpload"},
      {op::ListParts{"b", "k", "u"}, "s3:ListMultipartUploadParts"},
      {op::ListMultipartUploads{"b"}, "s3:ListBucketMultipartUploads"},
      {op::PostObject{"b"}, "s3:PutObject"},
      {op::GetObjectAttributes{"b", "k"}, "s3:GetObjectAttributes"},
      {op::GetObjectTagging{"b", "k"}, "s3:GetObjectTagging"},
      {op::PutObjectTagging{"b", "k"}, "s3:PutObjectTagging"},
      {op::DeleteObjectTagging{"b", "k"}, "s3:DeleteObjectTagging"},
      {op::GetBucketTagging{"b"}, "s3:GetBucketTagging"},
      {op::PutBucketTagging{"b"}, "s3:PutBucketTagging"},
      {op::DeleteBucketTagging{"b"}, "s3:PutBucketTagging"},
      {op::GetBucketCors{"b"}, "s3:GetBucketCORS"},
      {op::PutBucketCors{"b"}, "s3:PutBucketCORS"},
      {op::DeleteBucketCors{"b"}, "s3:PutBucketCORS"},
      {op::GetBucketVersioning{"b"}, "s3:GetBucketVersioning"},
      {op::PutBucketVersioning{"b"}, "s3:PutBucketVersioning"},
      {op::ListObjectVersions{"b"}, "s3:ListBucketVersions"},
      {op::CorsPreflight{"b", "k"}, ""},
  };
  for (const auto& [endpoint, action] : kCases) {
    EXPECT_EQ(IamAction(endpoint), action) << OperationName(endpoint);
  }
}

TEST(IamActionTest, VersionIdSelectsTheVersionActions) {
  const std::tuple<std::string, std::string, std::string_view> kCases[] = {
      {"GET", "/photos/k?versionId=v1", "s3:GetObjectVersion"},
      {"HEAD", "/photos/k?versionId=null", "s3:GetObjectVersion"},
      {"GET", "/photos/k", "s3:GetObject"},
      {"DELETE", "/photos/k?versionId=v1", "s3:DeleteObjectVersion"},
      {"DELETE", "/photos/k", "s3:DeleteObject"},
      {"GET", "/photos/k?tagging&versionId=v1", "s3:GetObjectVersionTagging"},
      {"PUT", "/photos/k?tagging&versionId=v1", "s3:PutObjectVersionTagging"},
      {"DELETE", "/photos/k?tagging&versionId=v1", "s3:DeleteObjectVersionTagging"},
      {"PUT", "/photos/k?tagging", "s3:PutObjectTagging"},
      {"GET", "/photos/k?attributes&versionId=v1", "s3:GetObjectVersionAttributes"},
      // versionId means nothing to these.
      {"PUT", "/photos/k?versionId=v1", "s3:PutObject"},
      {"GET", "/photos?versions&versionId=v1", "s3:ListBucketVersions"},
  };
  for (const auto& [method, target, action] : kCases) {
    auto route = ParseEndpoint(MakeRequest(method, target, {}, ""), Config());
    ASSERT_TRUE(route.ok()) << target << ": " << route.status().ToString();
    EXPECT_EQ(RequestIamAction(*route), action) << method << " " << target;
  }
}

TEST(IamActionTest, UnsupportedOperations) {
  const std::pair<std::string, std::string_view> kCases[] = {
      {"GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration"},
      {"DeleteBucketLifecycle", "s3:PutLifecycleConfiguration"},
      {"ListBucketMetricsConfigurations", "s3:GetMetricsConfiguration"},
      {"GetObjectAcl", "s3:GetObjectAcl"},
      {"NoSuchOperation", ""},
  };
  for (const auto& [operation, action] : kCases) {
    Endpoint endpoint = op::Unsupported{"b", "k", operation};
    EXPECT_EQ(IamAction(endpoint), action) << operation;
    EXPECT_EQ(OperationName(endpoint), operation);
  }
}

TEST(BucketOfTest, EveryOperation) {
  EXPECT_EQ(BucketOf(op::ListBuckets{}), "");
  EXPECT_EQ(BucketOf(op::CreateBucket{"b1"}), "b1");
  EXPECT_EQ(BucketOf(op::CopyObject{"b2", "k", "src", "k2", ""}), "b2");
  EXPECT_EQ(BucketOf(op::Unsupported{"b3", "", "GetBucketAcl"}), "b3");
  EXPECT_EQ(BucketOf(op::UploadPartCopy{"b4", "k", "u", 1, "src", "k2", ""}), "b4");
  EXPECT_EQ(BucketOf(op::ListMultipartUploads{"b5"}), "b5");
}

TEST(IsValidBucketNameTest, Good) {
  for (std::string_view name :
       {"abc", "my-bucket", "my.bucket.name", "a1b", "1bucket", "123", "a-b.c-d", "xn-abc",
        "abc-s3", "192.168.5", "1.2.3.4.5", "a.1.2.3"}) {
    EXPECT_TRUE(IsValidBucketName(name)) << name;
  }
  EXPECT_TRUE(IsValidBucketName(std::string(63, 'a')));
}

TEST(IsValidBucketNameTest, Bad) {
  for (std::string_view name :
       {"",         "ab",        "My-Bucket",   "my_bucket",  "-abc",
        "abc-",     ".abc",      "abc.",        "a..b",       "192.168.5.4",
        "1.2.3.4",  "xn--abc",   "abc-s3alias", "abc--ol-s3", "sthree-abc",
        "abc.mrap", "abc--x-s3", "a b",         "abc/",       "ab\xC3\xA9"}) {
    EXPECT_FALSE(IsValidBucketName(name)) << name;
  }
  EXPECT_FALSE(IsValidBucketName(std::string(64, 'a')));
}

}  // namespace
}  // namespace strata::s3
