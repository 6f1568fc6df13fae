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
struct CreateBucket {
  std::string bucket;
};
struct HeadBucket {
  std::string bucket;
};
struct DeleteBucket {
  std::string bucket;
};
struct GetBucketLocation {
  std::string bucket;
};
// ?policy (GET, PUT, DELETE) and GET ?policyStatus.
struct GetBucketPolicy {
  std::string bucket;
};
struct PutBucketPolicy {
  std::string bucket;
};
struct DeleteBucketPolicy {
  std::string bucket;
};
struct GetBucketPolicyStatus {
  std::string bucket;
};
// GET /bucket (v1).
struct ListObjects {
  std::string bucket;
};
// GET /bucket?list-type=2.
struct ListObjectsV2 {
  std::string bucket;
};
// POST /bucket?delete.
struct DeleteObjects {
  std::string bucket;
};
struct PutObject {
  std::string bucket;
  std::string key;
};
// PUT with x-amz-copy-source. source_key is decoded; source_version_id may be "".
struct CopyObject {
  std::string bucket;
  std::string key;
  std::string source_bucket;
  std::string source_key;
  std::string source_version_id;
};
struct GetObject {
  std::string bucket;
  std::string key;
};
struct HeadObject {
  std::string bucket;
  std::string key;
};
struct DeleteObject {
  std::string bucket;
  std::string key;
};

// Multipart upload. upload_id is never empty; part_number is 1..10000.
// POST /bucket/key?uploads.
struct CreateMultipartUpload {
  std::string bucket;
  std::string key;
};
// PUT /bucket/key?partNumber=N&uploadId=U.
struct UploadPart {
  std::string bucket;
  std::string key;
  std::string upload_id;
  int part_number = 0;
};
// PUT /bucket/key?partNumber=N&uploadId=U with x-amz-copy-source, parsed as
// for CopyObject: source_key is decoded; source_version_id may be "".
struct UploadPartCopy {
  std::string bucket;
  std::string key;
  std::string upload_id;
  int part_number = 0;
  std::string source_bucket;
  std::string source_key;
  std::string source_version_id;
};
// POST /bucket/key?uploadId=U.
struct CompleteMultipartUpload {
  std::string bucket;
  std::string key;
  std::string upload_id;
};
// DELETE /bucket/key?uploadId=U.
struct AbortMultipartUpload {
  std::string bucket;
  std::string key;
  std::string upload_id;
};
// GET /bucket/key?uploadId=U (max-parts, part-number-marker in Route::query).
struct ListParts {
  std::string bucket;
  std::string key;
  std::string upload_id;
};
// GET /bucket?uploads (prefix, delimiter, key-marker, upload-id-marker,
// max-uploads, encoding-type in Route::query).
struct ListMultipartUploads {
  std::string bucket;
};
// POST /bucket with a multipart/form-data body (browser-based upload). The
// key, like the caller's identity, is a form field: not known here.
struct PostObject {
  std::string bucket;
};
// GET /bucket/key?attributes.
struct GetObjectAttributes {
  std::string bucket;
  std::string key;
};
// ?tagging on an object (GET, PUT, DELETE) and on a bucket.
struct GetObjectTagging {
  std::string bucket;
  std::string key;
};
struct PutObjectTagging {
  std::string bucket;
  std::string key;
};
struct DeleteObjectTagging {
  std::string bucket;
  std::string key;
};
struct GetBucketTagging {
  std::string bucket;
};
struct PutBucketTagging {
  std::string bucket;
};
struct DeleteBucketTagging {
  std::string bucket;
};
// ?cors on a bucket (GET, PUT, DELETE).
struct GetBucketCors {
  std::string bucket;
};
struct PutBucketCors {
  std::string bucket;
};
struct DeleteBucketCors {
  std::string bucket;
};
// ?versioning on a bucket (GET, PUT) and GET ?versions (prefix, delimiter,
// key-marker, version-id-marker, max-keys, encoding-type in Route::query).
struct GetBucketVersioning {
  std::string bucket;
};
struct PutBucketVersioning {
  std::string bucket;
};
struct ListObjectVersions {
  std::string bucket;
};
// OPTIONS on a bucket or object (key "" for the bucket), whatever the query:
// a browser's CORS preflight, answered without authentication. It has no IAM
// action ("").
struct CorsPreflight {
  std::string bucket;
  std::string key;
};

// A real S3 operation Strata does not implement yet: answered with
// NotImplemented naming the operation, never a silent wrong answer.
struct Unsupported {
  std::string bucket;
  std::string key;
  std::string operation;  // "PutBucketVersioning", "GetObjectTagging", ...
};
}  // namespace op

using Endpoint = std::variant<
    op::ListBuckets, op::CreateBucket, op::HeadBucket, op::DeleteBucket, op::GetBucketLocation,
    op::GetBucketPolicy, op::PutBucketPolicy, op::DeleteBucketPolicy, op::GetBucketPolicyStatus,
    op::ListObjects, op::ListObjectsV2, op::DeleteObjects, op::PutObject, op::CopyObject,
    op::GetObject, op::HeadObject, op::DeleteObject, op::CreateMultipartUpload, op::UploadPart,
    op::UploadPartCopy, op::CompleteMultipartUpload, op::AbortMultipartUpload, op::ListParts,
    op::ListMultipartUploads, op::PostObject, op::GetObjectAttributes, op::GetObjectTagging,
    op::PutObjectTagging, op::DeleteObjectTagging, op::GetBucketTagging, op::PutBucketTagging,
    op::DeleteBucketTagging, op::GetBucketCors, op::PutBucketCors, op::DeleteBucketCors,
    op::GetBucketVersioning, op::PutBucketVersioning, op::ListObjectVersions, op::CorsPreflight,
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

// Routing: virtual-host style when Host (port and trailing dot dropped,
// case-insensitive) ends in "." + one of config.domains (the longest match
// wins): the host prefix is the bucket and the whole path the key. Otherwise
// path style, "/bucket/key". The path is percent-decoded after splitting, so
// "%2F" belongs to the key. Query parameters that name an S3 sub-resource
// (acl, tagging, uploads, uploadId, ...) select the operation; all others
// (prefix, versionId, partNumber, X-Amz-*, x-id, ...) are arguments. Real S3
// operations Strata lacks become op::Unsupported.
// Every bucket name must pass IsValidBucketName, for every operation (Strata
// never created a legacy-named bucket, so none can exist).
// Errors: kInvalidBucketName (also for the bucket of x-amz-copy-source),
// kKeyTooLong (key over 1024 bytes), kInvalidObjectName (key not valid UTF-8),
// kMethodNotAllowed (method not defined on that resource or sub-resource),
// kInvalidArgument (bad max-keys, list-type, fetch-owner, max-parts,
// version-id-marker without key-marker on ListObjectVersions,
// part-number-marker or max-uploads; partNumber outside 1..10000, missing on
// PUT ?uploadId, or on PUT without uploadId; an empty uploadId; malformed
// x-amz-copy-source, also on UploadPartCopy), kInvalidEncodingType
// (encoding-type other than "url"), kInvalidRequest (malformed target or
// query escapes, two sub-resources in one request, e.g. ?uploads&uploadId).
// Thread-safe; no I/O.
common::Result<Route> ParseEndpoint(const http::Request& request, const RouteConfig& config);

// "PutObject", for logs and metrics. For op::Unsupported the view points into
// `endpoint`, which must outlive it.
std::string_view OperationName(const Endpoint& endpoint);
// IAM action such as "s3:PutObject", for the policy engine. Views are static.
// The action does not depend on versionId: RequestIamAction refines it.
// "" for an op::Unsupported whose operation ParseEndpoint never produces
// (the policy engine then matches nothing and denies).
std::string_view IamAction(const Endpoint& endpoint);
// The action AWS authorizes this request as: IamAction, except that a
// versionId parameter turns GetObject/HeadObject into s3:GetObjectVersion,
// DeleteObject into s3:DeleteObjectVersion, the object tagging operations
// into s3:{Get,Put,Delete}ObjectVersionTagging and GetObjectAttributes into
// s3:GetObjectVersionAttributes.
std::string_view RequestIamAction(const Route& route);
// Bucket the operation addresses, "" for ListBuckets.
const std::string& BucketOf(const Endpoint& endpoint);

// The checks ParseEndpoint makes of a key in the path, for a key that comes
// from elsewhere (a POST form): kKeyTooLong over 1024 bytes,
// kInvalidObjectName when it is not valid UTF-8.
common::Status CheckObjectKey(std::string_view key);

// S3 bucket naming rules for new buckets: 3-63 characters of a-z, 0-9, '.',
// '-'; starts and ends with a letter or digit; no "..", not an IP address
// (four dot-separated digit runs), none of the prefixes AWS reserves ("xn--",
// "sthree-", "amzn-s3-demo-") or suffixes ("-s3alias", "--ol-s3", ".mrap",
// "--x-s3", "--table-s3").
bool IsValidBucketName(std::string_view name);

}  // namespace strata::s3
