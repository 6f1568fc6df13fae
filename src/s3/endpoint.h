// Parse, then act (STYLE.md rule 4): ParseEndpoint turns a request head into
// exactly one S3 operation, checking bucket names, key length and query
// parameters before any I/O. It is a pure function with table-driven tests.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"
#include "http/request.h"
#include "http/url.h"

namespace strata::s3 {

namespace op {
struct ListBuckets {};
struct CreateBucket { std::string bucket; };
struct HeadBucket { std::string bucket; };
struct DeleteBucket { std::string bucket; };
struct GetBucketLocation { std::string bucket; };
struct ListObjects { std::string bucket; };    // GET /bucket (v1)
struct ListObjectsV2 { std::string bucket; };  // GET /bucket?list-type=2
struct DeleteObjects { std::string bucket; };  // POST /bucket?delete
struct PutObject { std::string bucket; std::string key; };
// PUT with x-amz-copy-source. source_key is decoded; source_version_id may be "".
struct CopyObject {
  std::string bucket;
  std::string key;
  std::string source_bucket;
  std::string source_key;
  std::string source_version_id;
};
struct GetObject { std::string bucket; std::string key; };
struct HeadObject { std::string bucket; std::string key; };
struct DeleteObject { std::string bucket; std::string key; };
// A real S3 operation Strata does not implement yet: answered with
// NotImplemented naming the operation, never a silent wrong answer.
struct Unsupported {
  std::string bucket;
  std::string key;
  std::string operation;  // "PutBucketVersioning", "CreateMultipartUpload", ...
};
}  // namespace op

using Endpoint =
    std::variant<op::ListBuckets, op::CreateBucket, op::HeadBucket, op::DeleteBucket,
                 op::GetBucketLocation, op::ListObjects, op::ListObjectsV2, op::DeleteObjects,
                 op::PutObject, op::CopyObject, op::GetObject, op::HeadObject, op::DeleteObject,
                 op::Unsupported>;

struct RouteConfig {
  // Base domains for virtual-host-style requests: with "s3.example.com",
  // Host "photos.s3.example.com" addresses bucket "photos". Empty: path-style
  // only.
  std::vector<std::string> domains;
};

struct Route {
  Endpoint endpoint;
  http::QueryParams query;  // decoded query parameters, in order
};

// Errors: kInvalidBucketName, kKeyTooLong (key over 1024 bytes),
// kInvalidObjectName (key not valid UTF-8), kMethodNotAllowed,
// kInvalidArgument (bad query values), kInvalidRequest (malformed target).
common::Result<Route> ParseEndpoint(const http::Request& request, const RouteConfig& config);

// "PutObject", for logs and metrics.
std::string_view OperationName(const Endpoint& endpoint);
// IAM action such as "s3:PutObject", for the policy engine.
std::string_view IamAction(const Endpoint& endpoint);
// Bucket the operation addresses, "" for ListBuckets.
const std::string& BucketOf(const Endpoint& endpoint);

// S3 bucket naming rules for new buckets: 3-63 characters of a-z, 0-9, '.',
// '-'; starts and ends with a letter or digit; no "..", not an IP address, no
// "xn--" prefix or "-s3alias" suffix.
bool IsValidBucketName(std::string_view name);

}  // namespace strata::s3
