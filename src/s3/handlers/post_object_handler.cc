#include "s3/handlers/post_object_handler.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>

#include "http/headers.h"
#include "http/multipart_form.h"
#include "s3/handlers/checksum_headers.h"
#include "s3/handlers/object_headers.h"
#include "s3/handlers/version_headers.h"
#include "s3/post_policy.h"
#include "s3/request_authorizer.h"
#include "s3/tagging.h"
#include "s3/xml/post_response.h"
#include "s3/xml/tagging.h"
#include "service/object_service.h"

namespace strata::s3 {
namespace {

using common::Code;
using common::Error;

// AWS's limit on what precedes the file: field names, values and part
// headers together.
constexpr size_t kMaxPreDataBytes = 20 * 1024;

common::Status PreDataTooLarge() {
  return Error(Code::kMaxPostPreDataLengthExceeded,
               "Your POST request fields preceding the upload file were too large.");
}

common::Status MissingField(std::string_view name) {
  return Error(Code::kInvalidArgument, "Bucket POST must contain a field named '" +
                                           std::string(name) +
                                           "'.  If it is specified, please check the order of "
                                           "the fields.");
}

struct Form {
  PostFormFields fields;  // every field before the file, names lower-case
  std::string filename;   // of the file part; "" when it gives none
};

// Reads the fields up to the file part, which is left for the caller to read.
common::Result<Form> ReadFields(http::MultipartFormReader& reader) {
  size_t budget = kMaxPreDataBytes;
  Form form;
  while (true) {
    common::Result<std::optional<http::FormPart>> next = reader.NextPart(budget);
    if (!next.ok()) {
      if (next.status().code() == Code::kRequestHeaderSectionTooLarge) return PreDataTooLarge();
      return next.status();
    }
    if (!next->has_value()) {
      return Error(Code::kInvalidArgument, "POST requires exactly one file upload per request.");
    }
    const http::FormPart& part = **next;
    budget -= std::min(budget, part.header_bytes);
    std::string name = http::ToLower(part.name);
    if (name == "file") {
      form.filename = part.filename.value_or("");
      return form;
    }
    common::Result<std::string> value = reader.ReadContentToString(budget);
    if (!value.ok()) {
      if (value.status().code() == Code::kEntityTooLarge) return PreDataTooLarge();
      return value.status();
    }
    budget -= value->size();
    if (!form.fields.emplace(std::move(name), std::move(*value)).second) {
      return Error(Code::kInvalidArgument,
                   "The form field " + part.name + " appears more than once.");
    }
  }
}

const std::string* Field(const PostFormFields& fields, std::string_view name) {
  auto found = fields.find(name);
  return found == fields.end() ? nullptr : &found->second;
}

// "${filename}" anywhere in the key becomes the file part's filename.
std::string SubstituteFilename(std::string key, std::string_view filename) {
  constexpr std::string_view kVariable = "${filename}";
  size_t pos = 0;
  while ((pos = key.find(kVariable, pos)) != std::string::npos) {
    key.replace(pos, kVariable.size(), filename);
    pos += filename.size();
  }
  return key;
}

bool IsCannedAcl(std::string_view acl) {
  static constexpr std::array<std::string_view, 8> kCanned = {"private",
                                                              "public-read",
                                                              "public-read-write",
                                                              "aws-exec-read",
                                                              "authenticated-read",
                                                              "bucket-owner-read",
                                                              "bucket-owner-full-control",
                                                              "log-delivery-write"};
  return std::find(kCanned.begin(), kCanned.end(), acl) != kCanned.end();
}

// The file's bytes, bounded by the policy's content-length-range and the
// largest object a single upload may create. Failing the read makes the
// write path discard what it stored.
class BoundedSource : public common::ByteSource {
 public:
  BoundedSource(common::ByteSource& next, uint64_t min, uint64_t max)
      : next_(next), min_(min), max_(max) {}
  common::Result<size_t> Read(std::span<char> out) override {
    STRATA_ASSIGN_OR_RETURN(size_t n, next_.Read(out));
    total_ += n;
    if (total_ > max_) {
      return Error(Code::kEntityTooLarge, "Your proposed upload exceeds the maximum allowed size");
    }
    if (n == 0 && total_ < min_) {
      return Error(Code::kEntityTooSmall,
                   "Your proposed upload is smaller than the minimum allowed size");
    }
    return n;
  }

 private:
  common::ByteSource& next_;
  const uint64_t min_;
  const uint64_t max_;
  uint64_t total_ = 0;
};

// Where the new object can be read: the URL the form was posted to, plus the
// key.
std::string ObjectUrl(const http::Request& request, std::string_view key) {
  std::string_view path = request.path;
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  return std::string(request.tls ? "https://" : "http://") +
         std::string(request.headers.Get("host")) + std::string(path) + "/" +
         http::UriEncode(key, /*keep_slash=*/true);
}

// success_action_redirect (or the older redirect) when it is a URL S3 can
// follow; AWS ignores one it cannot interpret.
std::optional<std::string> RedirectTarget(const PostFormFields& fields) {
  for (std::string_view name : {"success_action_redirect", "redirect"}) {
    const std::string* url = Field(fields, name);
    if (url == nullptr) continue;
    std::string lower = http::ToLower(*url);
    if (lower.starts_with("http://") || lower.starts_with("https://")) return *url;
  }
  return std::nullopt;
}

common::Result<std::optional<service::BodyChecksum>> FormChecksum(const PostFormFields& fields) {
  std::optional<service::BodyChecksum> found;
  for (service::ChecksumAlgorithm algorithm :
       {service::ChecksumAlgorithm::kCrc32, service::ChecksumAlgorithm::kCrc32c,
        service::ChecksumAlgorithm::kCrc64Nvme, service::ChecksumAlgorithm::kSha1,
        service::ChecksumAlgorithm::kSha256}) {
    const std::string* value = Field(fields, service::HeaderName(algorithm));
    if (value == nullptr) continue;
    if (found) {
      return Error(Code::kInvalidRequest,
                   "Expecting a single x-amz-checksum- header. Multiple checksum Types are not "
                   "allowed.");
    }
    found = service::BodyChecksum{algorithm, *value, {}};
  }
  return found;
}

// Who signed the form, and the upload's size bounds from its policy.
struct Signer {
  identity::Caller caller = identity::Caller::Anonymous();
  std::optional<LengthRange> length_range;
};

// Verifies the signature fields and checks the policy; a form with none of
// them is anonymous.
common::Result<Signer> Authenticate(PostFormFields& fields, const PostObjectDeps& deps,
                                    int64_t now_ms, PostObjectProgress& progress) {
  constexpr std::string_view kSignatureFields[] = {"policy", "x-amz-algorithm", "x-amz-credential",
                                                   "x-amz-date", "x-amz-signature"};
  const bool signed_form = std::any_of(std::begin(kSignatureFields), std::end(kSignatureFields),
                                       [&](std::string_view f) { return Field(fields, f); });
  Signer signer;
  if (!signed_form) {
    if (Field(fields, "awsaccesskeyid") || Field(fields, "signature")) {
      return Error(Code::kInvalidRequest,
                   "The authorization mechanism you have provided is not supported. Please use "
                   "AWS4-HMAC-SHA256.");
    }
    return signer;
  }
  for (std::string_view name : kSignatureFields) {
    if (Field(fields, name) == nullptr) return MissingField(name);
  }
  auth::PostSignature signature{fields["x-amz-algorithm"], fields["x-amz-credential"],
                                fields["x-amz-date"], fields["x-amz-signature"], fields["policy"]};
  common::Result<auth::AuthResult> authenticated = deps.verifier.AuthenticatePost(signature);
  if (!authenticated.ok()) {
    progress.auth_refused = true;
    return authenticated.status();
  }
  signer.caller = deps.identity.CallerFor(authenticated->credential);
  progress.user = signer.caller.user_name;
  progress.access_key = signer.caller.access_key;
  STRATA_ASSIGN_OR_RETURN(PostPolicy policy, ParsePostPolicy(fields["policy"]));
  STRATA_RETURN_IF_ERROR(CheckPostPolicy(policy, fields, now_ms));
  signer.length_range = PolicyLengthRange(policy);
  return signer;
}

// The object write the fields describe, as PutObject takes it from headers.
common::Result<service::PutObjectInput> PutInput(const PostFormFields& fields,
                                                 const std::string& bucket, const std::string& key,
                                                 RequestAuthorizer& authorizer) {
  if (const std::string* acl = Field(fields, "acl"); acl != nullptr && !IsCannedAcl(*acl)) {
    // Strata keeps no ACLs (PutObject ignores x-amz-acl too), but a value AWS
    // would refuse is refused here as well.
    return Error(Code::kInvalidArgument, "Invalid canned ACL: " + *acl);
  }
  http::Headers as_headers;
  for (const auto& [name, value] : fields) as_headers.Add(name, value);
  StoredHeaders stored = ReadStoredHeaders(as_headers);
  service::PutObjectInput input;
  input.bucket = bucket;
  input.key = key;
  input.content_type = std::move(stored.content_type);
  input.user_metadata = std::move(stored.user_metadata);
  input.system_metadata = std::move(stored.system_metadata);
  STRATA_ASSIGN_OR_RETURN(input.checksum, FormChecksum(fields));
  if (const std::string* tagging = Field(fields, "tagging")) {
    // A Tagging XML document, as PutObjectTagging takes; setting tags is a
    // second permission, as for x-amz-tagging on PutObject.
    STRATA_RETURN_IF_ERROR(authorizer.Check("s3:PutObjectTagging", bucket, key));
    STRATA_ASSIGN_OR_RETURN(TagSet tags, xml::ParseTagging(*tagging));
    STRATA_RETURN_IF_ERROR(ValidateTagSet(tags, TagTarget::kObject));
    input.tags = std::move(tags);
  }
  return input;
}

// 303 to success_action_redirect, else success_action_status's answer.
common::Status Answer(RequestContext& ctx, Services& services, const PostFormFields& fields,
                      const std::string& bucket, const std::string& key,
                      const meta::ObjectRecord& object) {
  http::Headers out;
  out.Set("ETag", QuoteEtag(object.etag));
  WriteChecksumHeaders(object.checksum, out);
  STRATA_RETURN_IF_ERROR(SetVersionIdHeader(services, bucket, object.version_id, out));
  if (std::optional<std::string> redirect = RedirectTarget(fields)) {
    std::string location = *redirect;
    location += location.find('?') == std::string::npos ? '?' : '&';
    location += "bucket=" + http::UriEncode(bucket, false) + "&key=" + http::UriEncode(key, false) +
                "&etag=" + http::UriEncode(QuoteEtag(object.etag), false);
    out.Set("Location", location);
    return Reply(ctx, 303, std::move(out));
  }
  std::string url = ObjectUrl(ctx.request, key);
  out.Set("Location", url);
  const std::string* status = Field(fields, "success_action_status");
  if (status != nullptr && *status == "201") {
    return ReplyXml(ctx, xml::WritePostResponse({url, bucket, key, object.etag}), 201,
                    std::move(out));
  }
  if (status != nullptr && *status == "200") return Reply(ctx, 200, std::move(out));
  return Reply(ctx, 204, std::move(out));
}

}  // namespace

common::Status HandlePostObject(const http::Request& request, const http::QueryParams& query,
                                common::ByteSource& body, http::ResponseWriter& response,
                                const PostObjectDeps& deps, const op::PostObject& op,
                                PostObjectProgress& progress) {
  std::optional<std::string> boundary = http::FormBoundary(request.headers.Get("content-type"));
  if (!boundary) {
    return Error(Code::kMalformedPostRequest,
                 "The body of your POST request is not well-formed multipart/form-data: no "
                 "boundary in Content-Type.");
  }
  http::MultipartFormReader reader(body, *boundary);
  STRATA_ASSIGN_OR_RETURN(Form form, ReadFields(reader));
  PostFormFields& fields = form.fields;

  const std::string* raw_key = Field(fields, "key");
  if (raw_key == nullptr) return MissingField("key");
  std::string key = SubstituteFilename(*raw_key, form.filename);
  progress.key = key;
  // The policy sees the key after substitution, and the bucket of the URL.
  fields["key"] = key;
  fields["bucket"] = op.bucket;

  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  STRATA_ASSIGN_OR_RETURN(Signer signer, Authenticate(fields, deps, now_ms, progress));
  RequestAuthorizer authorizer(deps.identity, deps.services.buckets, signer.caller, request, query,
                               now_ms);
  STRATA_RETURN_IF_ERROR(authorizer.Check("s3:PutObject", op.bucket, key));
  if (key.empty()) return MissingField("key");
  STRATA_RETURN_IF_ERROR(CheckObjectKey(key));
  STRATA_ASSIGN_OR_RETURN(service::PutObjectInput input,
                          PutInput(fields, op.bucket, key, authorizer));

  // The file streams from the body into the write path, bounded by the
  // policy's content-length-range and the largest single upload.
  http::FormPartSource file(reader);
  uint64_t max = service::kMaxPutObjectBytes;
  if (signer.length_range) max = std::min<uint64_t>(max, signer.length_range->max);
  BoundedSource bounded(file, signer.length_range ? signer.length_range->min : 0, max);
  STRATA_ASSIGN_OR_RETURN(meta::ObjectRecord object, deps.services.objects.Put(input, bounded));

  RequestContext ctx{request,    query, bounded, std::nullopt, response, signer.caller.user_name,
                     &authorizer};
  return Answer(ctx, deps.services, fields, op.bucket, key, object);
}

}  // namespace strata::s3
