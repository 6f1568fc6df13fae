#include "s3/endpoint.h"

#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <type_traits>

#include "http/headers.h"
#include "s3/internal/subresources.h"

namespace strata::s3 {
namespace {

using common::Code;
using common::Error;
using internal::FindUnsupported;
using internal::IsSubresource;
using internal::Scope;
using internal::UnsupportedRoute;

constexpr size_t kMaxKeyBytes = 1024;
constexpr int kMaxPartNumber = 10000;
constexpr int64_t kMaxMaxKeys = 2147483647;  // AWS: "within integer range"

// ---------------------------------------------------------------------------
// Names and IAM actions of the operations Strata implements. A new op struct
// in endpoint.h without an OpTraits specialization fails to compile here.

template <typename Op>
struct OpTraits;

#define STRATA_OP_TRAITS(Op, kNameValue, kActionValue)        \
  template <>                                                 \
  struct OpTraits<op::Op> {                                   \
    static constexpr std::string_view kName = kNameValue;     \
    static constexpr std::string_view kAction = kActionValue; \
  }

STRATA_OP_TRAITS(ListBuckets, "ListBuckets", "s3:ListAllMyBuckets");
STRATA_OP_TRAITS(CreateBucket, "CreateBucket", "s3:CreateBucket");
// AWS authorizes HeadBucket with s3:ListBucket; there is no s3:HeadBucket.
STRATA_OP_TRAITS(HeadBucket, "HeadBucket", "s3:ListBucket");
STRATA_OP_TRAITS(DeleteBucket, "DeleteBucket", "s3:DeleteBucket");
STRATA_OP_TRAITS(GetBucketLocation, "GetBucketLocation", "s3:GetBucketLocation");
STRATA_OP_TRAITS(GetBucketPolicy, "GetBucketPolicy", "s3:GetBucketPolicy");
STRATA_OP_TRAITS(PutBucketPolicy, "PutBucketPolicy", "s3:PutBucketPolicy");
STRATA_OP_TRAITS(DeleteBucketPolicy, "DeleteBucketPolicy", "s3:DeleteBucketPolicy");
STRATA_OP_TRAITS(GetBucketPolicyStatus, "GetBucketPolicyStatus", "s3:GetBucketPolicyStatus");
STRATA_OP_TRAITS(ListObjects, "ListObjects", "s3:ListBucket");
STRATA_OP_TRAITS(ListObjectsV2, "ListObjectsV2", "s3:ListBucket");
// Each key of a multi-object delete is authorized as s3:DeleteObject.
STRATA_OP_TRAITS(DeleteObjects, "DeleteObjects", "s3:DeleteObject");
STRATA_OP_TRAITS(PutObject, "PutObject", "s3:PutObject");
// The destination write; the handler also checks s3:GetObject on the source.
STRATA_OP_TRAITS(CopyObject, "CopyObject", "s3:PutObject");
STRATA_OP_TRAITS(GetObject, "GetObject", "s3:GetObject");
STRATA_OP_TRAITS(HeadObject, "HeadObject", "s3:GetObject");
STRATA_OP_TRAITS(DeleteObject, "DeleteObject", "s3:DeleteObject");
// Every step of writing a multipart object is authorized as s3:PutObject.
STRATA_OP_TRAITS(CreateMultipartUpload, "CreateMultipartUpload", "s3:PutObject");
STRATA_OP_TRAITS(UploadPart, "UploadPart", "s3:PutObject");
// The destination write; the handler also checks s3:GetObject on the source.
STRATA_OP_TRAITS(UploadPartCopy, "UploadPartCopy", "s3:PutObject");
STRATA_OP_TRAITS(CompleteMultipartUpload, "CompleteMultipartUpload", "s3:PutObject");
STRATA_OP_TRAITS(AbortMultipartUpload, "AbortMultipartUpload", "s3:AbortMultipartUpload");
STRATA_OP_TRAITS(ListParts, "ListParts", "s3:ListMultipartUploadParts");
STRATA_OP_TRAITS(ListMultipartUploads, "ListMultipartUploads", "s3:ListBucketMultipartUploads");
// Authorized by the handler, once the form names the signer and the key.
STRATA_OP_TRAITS(PostObject, "PostObject", "s3:PutObject");
// AWS also requires s3:GetObject, which the handler checks.
STRATA_OP_TRAITS(GetObjectAttributes, "GetObjectAttributes", "s3:GetObjectAttributes");
STRATA_OP_TRAITS(GetObjectTagging, "GetObjectTagging", "s3:GetObjectTagging");
STRATA_OP_TRAITS(PutObjectTagging, "PutObjectTagging", "s3:PutObjectTagging");
STRATA_OP_TRAITS(DeleteObjectTagging, "DeleteObjectTagging", "s3:DeleteObjectTagging");
STRATA_OP_TRAITS(GetBucketTagging, "GetBucketTagging", "s3:GetBucketTagging");
STRATA_OP_TRAITS(PutBucketTagging, "PutBucketTagging", "s3:PutBucketTagging");
// AWS has no s3:DeleteBucketTagging: deleting is putting an empty set.
STRATA_OP_TRAITS(DeleteBucketTagging, "DeleteBucketTagging", "s3:PutBucketTagging");
STRATA_OP_TRAITS(GetBucketCors, "GetBucketCors", "s3:GetBucketCORS");
STRATA_OP_TRAITS(PutBucketCors, "PutBucketCors", "s3:PutBucketCORS");
// Likewise no s3:DeleteBucketCORS.
STRATA_OP_TRAITS(DeleteBucketCors, "DeleteBucketCors", "s3:PutBucketCORS");
STRATA_OP_TRAITS(GetBucketVersioning, "GetBucketVersioning", "s3:GetBucketVersioning");
STRATA_OP_TRAITS(PutBucketVersioning, "PutBucketVersioning", "s3:PutBucketVersioning");
STRATA_OP_TRAITS(ListObjectVersions, "ListObjectVersions", "s3:ListBucketVersions");
// Unauthenticated by design (the browser sends no credentials): no action.
STRATA_OP_TRAITS(CorsPreflight, "CorsPreflight", "");

#undef STRATA_OP_TRAITS

// ---------------------------------------------------------------------------
// Small validators.

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above
// U+10FFFF.
bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      extra = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;  // truncated sequence
    for (int k = 1; k <= extra; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

common::Status CheckKey(std::string_view key) {
  if (key.size() > kMaxKeyBytes) {
    return Error(Code::kKeyTooLong, "Your key is too long: " + std::to_string(key.size()) +
                                        " bytes, the limit is 1024");
  }
  if (!IsValidUtf8(key)) return Error(Code::kInvalidObjectName, "Object key is not valid UTF-8");
  return common::Status::Ok();
}

common::Status CheckBucket(std::string_view bucket) {
  if (!IsValidBucketName(bucket)) {
    return Error(Code::kInvalidBucketName, "The specified bucket is not valid.");
  }
  return common::Status::Ok();
}

std::optional<int64_t> ParseNonNegative(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

// partNumber, where present, must be 1..10000 (AWS's wording below).
// Returns 0 when it is absent and not required.
common::Result<int> ParsePartNumber(const http::QueryParams& query, bool required) {
  const std::string* part = http::FindParam(query, "partNumber");
  if (part == nullptr) {
    if (!required) return 0;
    return Error(Code::kInvalidArgument, "partNumber is required with uploadId");
  }
  std::optional<int64_t> number = ParseNonNegative(*part);
  if (!number || *number < 1 || *number > kMaxPartNumber) {
    return Error(Code::kInvalidArgument,
                 "Part number must be an integer between 1 and 10000, inclusive");
  }
  return static_cast<int>(*number);
}

// The uploadId of a request whose sub-resource is uploadId. An empty one
// cannot name an upload; refusing it here keeps "" out of every lookup.
common::Result<std::string> ParseUploadId(const http::QueryParams& query) {
  const std::string* upload_id = http::FindParam(query, "uploadId");
  if (upload_id == nullptr || upload_id->empty()) {
    return Error(Code::kInvalidArgument, "uploadId must not be empty");
  }
  return *upload_id;
}

// Optional integer arguments that must be 0..2^31-1, in AWS's wording
// ("Argument max-parts must be an integer between 0 and 2147483647").
common::Status CheckIntArguments(const http::QueryParams& query,
                                 std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    const std::string* text = http::FindParam(query, name);
    if (text == nullptr) continue;
    std::optional<int64_t> value = ParseNonNegative(*text);
    if (!value || *value > kMaxMaxKeys) {
      return Error(Code::kInvalidArgument, "Argument " + std::string(name) +
                                               " must be an integer between 0 and 2147483647");
    }
  }
  return common::Status::Ok();
}

common::Status CheckEncodingType(const http::QueryParams& query) {
  if (const std::string* encoding = http::FindParam(query, "encoding-type")) {
    // "url" is the only encoding S3 defines; botocore always sends it.
    if (*encoding != "url") {
      return Error(Code::kInvalidEncodingType, "Invalid Encoding Method specified in Request");
    }
  }
  return common::Status::Ok();
}

// ListObjects/ListObjectsV2 arguments that can be checked without I/O.
common::Status CheckListArguments(const http::QueryParams& query) {
  if (const std::string* max_keys = http::FindParam(query, "max-keys")) {
    std::optional<int64_t> value = ParseNonNegative(*max_keys);
    if (!value || *value > kMaxMaxKeys) {
      return Error(Code::kInvalidArgument,
                   "Provided max-keys not an integer or within integer range");
    }
  }
  STRATA_RETURN_IF_ERROR(CheckEncodingType(query));
  if (const std::string* fetch_owner = http::FindParam(query, "fetch-owner")) {
    if (!http::EqualsIgnoreCase(*fetch_owner, "true") &&
        !http::EqualsIgnoreCase(*fetch_owner, "false")) {
      return Error(Code::kInvalidArgument, "Invalid fetch-owner value: " + *fetch_owner);
    }
  }
  return common::Status::Ok();
}

// ---------------------------------------------------------------------------
// Addressing: which bucket and key the request names.

struct Target {
  std::string bucket;  // "" for the service (ListBuckets)
  std::string key;     // "" for bucket operations
};

// Host without port and trailing dot, lower-cased (DNS is case-insensitive).
std::string HostName(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    // IPv6 literal: never a virtual host.
    size_t close = host.find(']');
    host = host.substr(0, close == std::string_view::npos ? host.size() : close + 1);
  } else if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return http::ToLower(host);
}

// The bucket a virtual-host-style Host names, or nullopt for path-style.
// With several matching domains the longest wins, so "b.s3.example.com"
// under {"example.com", "s3.example.com"} is bucket "b".
std::optional<std::string> VirtualHostBucket(std::string_view host_header,
                                             const RouteConfig& config) {
  if (host_header.empty()) return std::nullopt;
  std::string host = HostName(host_header);
  std::optional<std::string> bucket;
  size_t best = 0;
  for (const std::string& raw_domain : config.domains) {
    std::string domain = HostName(raw_domain);
    if (domain.empty() || host.size() <= domain.size() + 1) continue;
    if (domain.size() <= best) continue;
    size_t dot = host.size() - domain.size() - 1;
    if (host[dot] != '.' || host.compare(dot + 1, std::string::npos, domain) != 0) continue;
    bucket = host.substr(0, dot);
    best = domain.size();
  }
  return bucket;
}

common::Result<Target> ParseTarget(const http::Request& request, const RouteConfig& config) {
  std::string_view path = request.path;
  if (path.empty()) path = "/";
  if (path.front() != '/') {
    return Error(Code::kInvalidRequest, "Couldn't parse the specified URI.");
  }
  path.remove_prefix(1);

  Target target;
  std::string_view raw_key;
  if (std::optional<std::string> host_bucket =
          VirtualHostBucket(request.headers.Get("host"), config)) {
    target.bucket = std::move(*host_bucket);
    raw_key = path;
    if (target.bucket.empty()) return Error(Code::kInvalidBucketName, "Empty bucket name");
  } else {
    size_t slash = path.find('/');
    std::string_view raw_bucket = path.substr(0, slash);
    // Split before decoding, so "%2F" in a bucket segment is an invalid
    // bucket name, not a bucket/key boundary.
    std::optional<std::string> path_bucket = http::PercentDecode(raw_bucket);
    if (!path_bucket) return Error(Code::kInvalidRequest, "Couldn't parse the specified URI.");
    target.bucket = std::move(*path_bucket);
    if (slash != std::string_view::npos) {
      raw_key = path.substr(slash + 1);
      // "//key": a key without a bucket.
      if (target.bucket.empty()) return Error(Code::kInvalidBucketName, "Empty bucket name");
    }
  }
  std::optional<std::string> key = http::PercentDecode(raw_key);
  if (!key) return Error(Code::kInvalidRequest, "Couldn't parse the specified URI.");
  target.key = std::move(*key);
  return target;
}

// What x-amz-copy-source names, for CopyObject and UploadPartCopy alike.
struct CopySource {
  std::string bucket;
  std::string key;         // decoded
  std::string version_id;  // "" for the current version
};

// x-amz-copy-source: "bucket/key" or "/bucket/key", URL-encoded, with an
// optional "?versionId=...". Malformed values are InvalidArgument, as AWS
// answers them.
common::Result<CopySource> ParseCopySource(std::string_view header) {
  CopySource copy;
  std::string_view path = header;
  // Split on the literal "?versionId=": clients encode '?' inside keys as
  // %3F, and a bare '?' elsewhere is more likely part of a key than a query.
  constexpr std::string_view kVersionMarker = "?versionId=";
  if (size_t pos = header.rfind(kVersionMarker); pos != std::string_view::npos) {
    path = header.substr(0, pos);
    std::optional<std::string> version =
        http::PercentDecode(header.substr(pos + kVersionMarker.size()));
    if (!version || version->empty()) {
      return Error(Code::kInvalidArgument, "Invalid version id specified in x-amz-copy-source");
    }
    copy.version_id = std::move(*version);
  }
  std::optional<std::string> decoded = http::PercentDecode(path);
  if (!decoded) return Error(Code::kInvalidArgument, "Invalid copy source encoding");
  std::string_view source = *decoded;
  if (!source.empty() && source.front() == '/') source.remove_prefix(1);
  size_t slash = source.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == source.size()) {
    return Error(Code::kInvalidArgument,
                 "Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
  }
  copy.bucket = std::string(source.substr(0, slash));
  copy.key = std::string(source.substr(slash + 1));
  if (!IsValidBucketName(copy.bucket)) {
    return Error(Code::kInvalidBucketName, "The copy source bucket name is not valid.");
  }
  STRATA_RETURN_IF_ERROR(CheckKey(copy.key));
  return copy;
}

// ---------------------------------------------------------------------------
// Operation selection.

common::Status MethodNotAllowed(std::string_view method) {
  return Error(Code::kMethodNotAllowed,
               "The specified method is not allowed against this resource: " + std::string(method));
}

op::Unsupported MakeUnsupported(const Target& target, std::string_view operation) {
  return op::Unsupported{target.bucket, target.key, std::string(operation)};
}

// The one sub-resource parameter in the query, "" for none.
common::Result<std::string> FindSubresource(const http::QueryParams& query) {
  std::string found;
  for (const auto& [name, value] : query) {
    if (!IsSubresource(name) || name == found) continue;
    if (!found.empty()) {
      return Error(Code::kInvalidRequest,
                   "Conflicting sub-resources in one request: " + found + " and " + name);
    }
    found = name;
  }
  return found;
}

common::Result<Endpoint> RouteUnsupported(Scope scope, const http::Request& request,
                                          const Target& target, const http::QueryParams& query,
                                          std::string_view subresource) {
  const UnsupportedRoute* route = FindUnsupported(scope, request.method, subresource);
  if (route == nullptr) return MethodNotAllowed(request.method);
  std::string_view operation = route->operation;
  if (!route->operation_without_id.empty() && http::FindParam(query, "id") == nullptr) {
    operation = route->operation_without_id;
  }
  return Endpoint(MakeUnsupported(target, operation));
}

bool IsFormUpload(const http::Request& request) {
  std::string content_type = http::ToLower(request.headers.Get("content-type"));
  return content_type.starts_with("multipart/form-data");
}

common::Result<Endpoint> RouteBucket(const http::Request& request, const Target& target,
                                     const http::QueryParams& query, std::string_view subresource) {
  const std::string& method = request.method;
  const std::string& bucket = target.bucket;
  if (subresource.empty()) {
    if (method == "GET") {
      STRATA_RETURN_IF_ERROR(CheckListArguments(query));
      const std::string* list_type = http::FindParam(query, "list-type");
      if (list_type == nullptr) return Endpoint(op::ListObjects{bucket});
      if (*list_type == "2") return Endpoint(op::ListObjectsV2{bucket});
      return Error(Code::kInvalidArgument, "Invalid list-type: " + *list_type);
    }
    if (method == "PUT") return Endpoint(op::CreateBucket{bucket});
    if (method == "HEAD") return Endpoint(op::HeadBucket{bucket});
    if (method == "DELETE") return Endpoint(op::DeleteBucket{bucket});
    if (method == "POST" && IsFormUpload(request)) {
      return Endpoint(op::PostObject{bucket});
    }
    return MethodNotAllowed(method);
  }
  if (subresource == "location") {
    if (method == "GET") return Endpoint(op::GetBucketLocation{bucket});
    return MethodNotAllowed(method);
  }
  if (subresource == "delete") {
    if (method == "POST") return Endpoint(op::DeleteObjects{bucket});
    return MethodNotAllowed(method);
  }
  if (subresource == "policy") {
    if (method == "GET") return Endpoint(op::GetBucketPolicy{bucket});
    if (method == "PUT") return Endpoint(op::PutBucketPolicy{bucket});
    if (method == "DELETE") return Endpoint(op::DeleteBucketPolicy{bucket});
    return MethodNotAllowed(method);
  }
  if (subresource == "policyStatus") {
    if (method == "GET") return Endpoint(op::GetBucketPolicyStatus{bucket});
    return MethodNotAllowed(method);
  }
  if (subresource == "tagging") {
    if (method == "GET") return Endpoint(op::GetBucketTagging{bucket});
    if (method == "PUT") return Endpoint(op::PutBucketTagging{bucket});
    if (method == "DELETE") return Endpoint(op::DeleteBucketTagging{bucket});
    return MethodNotAllowed(method);
  }
  if (subresource == "cors") {
    if (method == "GET") return Endpoint(op::GetBucketCors{bucket});
    if (method == "PUT") return Endpoint(op::PutBucketCors{bucket});
    if (method == "DELETE") return Endpoint(op::DeleteBucketCors{bucket});
    return MethodNotAllowed(method);
  }
  if (subresource == "versioning") {
    if (method == "GET") return Endpoint(op::GetBucketVersioning{bucket});
    if (method == "PUT") return Endpoint(op::PutBucketVersioning{bucket});
    return MethodNotAllowed(method);
  }
  if (subresource == "versions") {
    if (method != "GET") return MethodNotAllowed(method);
    STRATA_RETURN_IF_ERROR(CheckListArguments(query));
    if (http::FindParam(query, "version-id-marker") != nullptr &&
        http::FindParam(query, "key-marker") == nullptr) {
      // AWS's answer, word for word.
      return Error(Code::kInvalidArgument,
                   "A version-id marker cannot be specified without a key marker.");
    }
    return Endpoint(op::ListObjectVersions{bucket});
  }
  if (subresource == "uploads") {
    if (method != "GET") return MethodNotAllowed(method);
    STRATA_RETURN_IF_ERROR(CheckIntArguments(query, {"max-uploads"}));
    STRATA_RETURN_IF_ERROR(CheckEncodingType(query));
    return Endpoint(op::ListMultipartUploads{bucket});
  }
  return RouteUnsupported(Scope::kBucket, request, target, query, subresource);
}

// PUT, POST, DELETE and GET on ?uploadId: the steps of one multipart upload.
common::Result<Endpoint> RouteUpload(const http::Request& request, const Target& target,
                                     const http::QueryParams& query) {
  const std::string& method = request.method;
  if (method != "PUT" && method != "POST" && method != "DELETE" && method != "GET") {
    return MethodNotAllowed(method);
  }
  STRATA_ASSIGN_OR_RETURN(std::string upload_id, ParseUploadId(query));
  const std::string& bucket = target.bucket;
  const std::string& key = target.key;
  if (method == "PUT") {
    STRATA_ASSIGN_OR_RETURN(int part_number, ParsePartNumber(query, /*required=*/true));
    const std::string* copy_source = request.headers.Find("x-amz-copy-source");
    if (copy_source == nullptr) {
      return Endpoint(op::UploadPart{bucket, key, std::move(upload_id), part_number});
    }
    STRATA_ASSIGN_OR_RETURN(CopySource source, ParseCopySource(*copy_source));
    return Endpoint(op::UploadPartCopy{bucket, key, std::move(upload_id), part_number,
                                       std::move(source.bucket), std::move(source.key),
                                       std::move(source.version_id)});
  }
  if (method == "POST") return Endpoint(op::CompleteMultipartUpload{bucket, key, upload_id});
  if (method == "DELETE") return Endpoint(op::AbortMultipartUpload{bucket, key, upload_id});
  STRATA_RETURN_IF_ERROR(CheckIntArguments(query, {"max-parts", "part-number-marker"}));
  return Endpoint(op::ListParts{bucket, key, std::move(upload_id)});
}

common::Result<Endpoint> RouteObject(const http::Request& request, const Target& target,
                                     const http::QueryParams& query, std::string_view subresource) {
  const std::string& method = request.method;
  const std::string* copy_source = request.headers.Find("x-amz-copy-source");
  if (subresource.empty()) {
    if (method == "GET" || method == "HEAD") {
      // GET/HEAD ?partNumber=N reads one part of a multipart object.
      STRATA_RETURN_IF_ERROR(ParsePartNumber(query, /*required=*/false).status());
      if (method == "GET") return Endpoint(op::GetObject{target.bucket, target.key});
      return Endpoint(op::HeadObject{target.bucket, target.key});
    }
    if (method == "PUT") {
      if (http::FindParam(query, "partNumber") != nullptr) {
        // Without uploadId this is neither a part upload nor a plain PUT;
        // doing a plain PUT would silently ignore what the client asked for.
        return Error(Code::kInvalidArgument, "partNumber requires uploadId");
      }
      if (copy_source == nullptr) return Endpoint(op::PutObject{target.bucket, target.key});
      STRATA_ASSIGN_OR_RETURN(CopySource source, ParseCopySource(*copy_source));
      return Endpoint(op::CopyObject{target.bucket, target.key, std::move(source.bucket),
                                     std::move(source.key), std::move(source.version_id)});
    }
    if (method == "DELETE") return Endpoint(op::DeleteObject{target.bucket, target.key});
    return MethodNotAllowed(method);
  }
  if (subresource == "uploads") {
    if (method == "POST") return Endpoint(op::CreateMultipartUpload{target.bucket, target.key});
    return MethodNotAllowed(method);
  }
  if (subresource == "uploadId") return RouteUpload(request, target, query);
  if (subresource == "attributes") {
    if (method == "GET") return Endpoint(op::GetObjectAttributes{target.bucket, target.key});
    return MethodNotAllowed(method);
  }
  if (subresource == "tagging") {
    if (method == "GET") return Endpoint(op::GetObjectTagging{target.bucket, target.key});
    if (method == "PUT") return Endpoint(op::PutObjectTagging{target.bucket, target.key});
    if (method == "DELETE") return Endpoint(op::DeleteObjectTagging{target.bucket, target.key});
    return MethodNotAllowed(method);
  }
  return RouteUnsupported(Scope::kObject, request, target, query, subresource);
}

}  // namespace

common::Result<Route> ParseEndpoint(const http::Request& request, const RouteConfig& config) {
  std::optional<http::QueryParams> query = http::ParseQuery(request.query);
  if (!query) return Error(Code::kInvalidRequest, "Couldn't parse the query string.");
  STRATA_ASSIGN_OR_RETURN(Target target, ParseTarget(request, config));
  STRATA_ASSIGN_OR_RETURN(std::string subresource, FindSubresource(*query));

  // Service level: only ListBuckets. Query parameters (max-buckets, prefix,
  // continuation-token) are arguments.
  if (target.bucket.empty()) {
    if (request.method == "GET") return Route{op::ListBuckets{}, std::move(*query)};
    return MethodNotAllowed(request.method);
  }

  // Every bucket name is checked with the rules for new buckets, for every
  // operation: Strata never created a legacy-named bucket (upper case,
  // underscores), so no such bucket can exist and InvalidBucketName is the
  // more helpful answer than NoSuchBucket.
  STRATA_RETURN_IF_ERROR(CheckBucket(target.bucket));

  // A CORS preflight may carry any query the actual request will (AWS): the
  // sub-resource does not matter.
  if (request.method == "OPTIONS") {
    if (!target.key.empty()) STRATA_RETURN_IF_ERROR(CheckKey(target.key));
    return Route{op::CorsPreflight{target.bucket, target.key}, std::move(*query)};
  }

  // HEAD is GET without a body, but HEAD on a sub-resource has no S3
  // operation behind it.
  if (request.method == "HEAD" && !subresource.empty()) return MethodNotAllowed(request.method);

  if (target.key.empty()) {
    STRATA_ASSIGN_OR_RETURN(Endpoint endpoint, RouteBucket(request, target, *query, subresource));
    return Route{std::move(endpoint), std::move(*query)};
  }
  STRATA_RETURN_IF_ERROR(CheckKey(target.key));
  STRATA_ASSIGN_OR_RETURN(Endpoint endpoint, RouteObject(request, target, *query, subresource));
  return Route{std::move(endpoint), std::move(*query)};
}

std::string_view OperationName(const Endpoint& endpoint) {
  return std::visit(
      [](const auto& op) -> std::string_view {
        using Op = std::decay_t<decltype(op)>;
        if constexpr (std::is_same_v<Op, op::Unsupported>) {
          return op.operation;
        } else {
          return OpTraits<Op>::kName;
        }
      },
      endpoint);
}

std::string_view IamAction(const Endpoint& endpoint) {
  return std::visit(
      [](const auto& op) -> std::string_view {
        using Op = std::decay_t<decltype(op)>;
        if constexpr (std::is_same_v<Op, op::Unsupported>) {
          return internal::UnsupportedIamAction(op.operation);
        } else {
          return OpTraits<Op>::kAction;
        }
      },
      endpoint);
}

std::string_view RequestIamAction(const Route& route) {
  if (http::FindParam(route.query, "versionId") == nullptr) return IamAction(route.endpoint);
  return std::visit(
      [&](const auto& op) -> std::string_view {
        using Op = std::decay_t<decltype(op)>;
        if constexpr (std::is_same_v<Op, op::GetObject> || std::is_same_v<Op, op::HeadObject>) {
          return "s3:GetObjectVersion";
        } else if constexpr (std::is_same_v<Op, op::DeleteObject>) {
          return "s3:DeleteObjectVersion";
        } else if constexpr (std::is_same_v<Op, op::GetObjectTagging>) {
          return "s3:GetObjectVersionTagging";
        } else if constexpr (std::is_same_v<Op, op::PutObjectTagging>) {
          return "s3:PutObjectVersionTagging";
        } else if constexpr (std::is_same_v<Op, op::DeleteObjectTagging>) {
          return "s3:DeleteObjectVersionTagging";
        } else if constexpr (std::is_same_v<Op, op::GetObjectAttributes>) {
          return "s3:GetObjectVersionAttributes";
        } else {
          return IamAction(route.endpoint);
        }
      },
      route.endpoint);
}

const std::string& BucketOf(const Endpoint& endpoint) {
  static const std::string kNoBucket;
  return std::visit(
      [](const auto& op) -> const std::string& {
        using Op = std::decay_t<decltype(op)>;
        if constexpr (std::is_same_v<Op, op::ListBuckets>) {
          return kNoBucket;
        } else {
          return op.bucket;
        }
      },
      endpoint);
}

common::Status CheckObjectKey(std::string_view key) { return CheckKey(key); }

bool IsValidBucketName(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return false;
  auto is_lower_alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  for (char c : name) {
    if (!is_lower_alnum(c) && c != '.' && c != '-') return false;
  }
  if (!is_lower_alnum(name.front()) || !is_lower_alnum(name.back())) return false;
  if (name.find("..") != std::string_view::npos) return false;

  // Formatted as an IPv4 address: four dot-separated runs of digits.
  int labels = 1;
  bool all_digits_or_dots = true;
  for (char c : name) {
    if (c == '.') {
      ++labels;
    } else if (c < '0' || c > '9') {
      all_digits_or_dots = false;
    }
  }
  if (all_digits_or_dots && labels == 4) return false;

  // Prefixes and suffixes AWS reserves for its own addressing schemes.
  static constexpr std::string_view kReservedPrefixes[] = {"xn--", "sthree-", "amzn-s3-demo-"};
  static constexpr std::string_view kReservedSuffixes[] = {"-s3alias", "--ol-s3", ".mrap", "--x-s3",
                                                           "--table-s3"};
  for (std::string_view prefix : kReservedPrefixes) {
    if (name.starts_with(prefix)) return false;
  }
  for (std::string_view suffix : kReservedSuffixes) {
    if (name.ends_with(suffix)) return false;
  }
  return true;
}

}  // namespace strata::s3
