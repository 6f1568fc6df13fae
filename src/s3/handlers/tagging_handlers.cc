#include "s3/handlers/tagging_handlers.h"

#include "s3/handlers/version_headers.h"
#include "s3/tagging.h"
#include "s3/xml/tagging.h"
#include "service/version_id.h"

namespace strata::s3 {
namespace {

// A Tagging document holds at most 50 tags of 128 + 256 characters; 64 KiB
// leaves room for any namespace and whitespace.
constexpr size_t kMaxTaggingBytes = 64 * 1024;

common::Result<TagSet> ReadTagging(RequestContext& ctx, TagTarget target) {
  STRATA_ASSIGN_OR_RETURN(std::string body, ReadXmlBody(ctx, kMaxTaggingBytes));
  STRATA_ASSIGN_OR_RETURN(TagSet tags, xml::ParseTagging(body));
  STRATA_RETURN_IF_ERROR(ValidateTagSet(tags, target));
  return tags;
}

// x-amz-version-id naming the version a ?versionId= request addressed; none
// without one (the current version's id would cost another lookup).
http::Headers VersionEcho(const std::optional<std::string>& version_id) {
  http::Headers headers;
  if (version_id) headers.Set("x-amz-version-id", service::PrintedVersionId(*version_id));
  return headers;
}

}  // namespace

common::Status HandleGetObjectTagging(RequestContext& ctx, Services& services,
                                      const op::GetObjectTagging& op) {
  STRATA_ASSIGN_OR_RETURN(std::optional<std::string> version_id, QueryVersionId(ctx.query));
  STRATA_ASSIGN_OR_RETURN(meta::MetadataPairs tags,
                          services.objects.GetTags(op.bucket, op.key, version_id));
  // An object without tags has an empty TagSet, not an error.
  return ReplyXml(ctx, xml::WriteTagging(tags), 200, VersionEcho(version_id));
}

common::Status HandlePutObjectTagging(RequestContext& ctx, Services& services,
                                      const op::PutObjectTagging& op) {
  STRATA_ASSIGN_OR_RETURN(std::optional<std::string> version_id, QueryVersionId(ctx.query));
  STRATA_ASSIGN_OR_RETURN(TagSet tags, ReadTagging(ctx, TagTarget::kObject));
  STRATA_RETURN_IF_ERROR(services.objects.PutTags(op.bucket, op.key, tags, version_id));
  return Reply(ctx, 200, VersionEcho(version_id));
}

common::Status HandleDeleteObjectTagging(RequestContext& ctx, Services& services,
                                         const op::DeleteObjectTagging& op) {
  STRATA_ASSIGN_OR_RETURN(std::optional<std::string> version_id, QueryVersionId(ctx.query));
  STRATA_RETURN_IF_ERROR(services.objects.DeleteTags(op.bucket, op.key, version_id));
  return Reply(ctx, 204, VersionEcho(version_id));
}

common::Status HandleGetBucketTagging(RequestContext& ctx, Services& services,
                                      const op::GetBucketTagging& op) {
  STRATA_ASSIGN_OR_RETURN(meta::MetadataPairs tags, services.buckets.GetTagging(op.bucket));
  return ReplyXml(ctx, xml::WriteTagging(tags));
}

common::Status HandlePutBucketTagging(RequestContext& ctx, Services& services,
                                      const op::PutBucketTagging& op) {
  // Existence first: tags for a missing bucket are NoSuchBucket, whatever
  // the document says (as for a policy).
  STRATA_RETURN_IF_ERROR(services.buckets.Get(op.bucket).status());
  STRATA_ASSIGN_OR_RETURN(TagSet tags, ReadTagging(ctx, TagTarget::kBucket));
  STRATA_RETURN_IF_ERROR(services.buckets.PutTagging(op.bucket, tags));
  return Reply(ctx, 204);
}

common::Status HandleDeleteBucketTagging(RequestContext& ctx, Services& services,
                                         const op::DeleteBucketTagging& op) {
  STRATA_RETURN_IF_ERROR(services.buckets.DeleteTagging(op.bucket));
  return Reply(ctx, 204);
}

common::Result<meta::MetadataPairs> ReadTaggingHeader(RequestContext& ctx, std::string_view bucket,
                                                      std::string_view key) {
  const std::string* header = ctx.request.headers.Find("x-amz-tagging");
  if (header == nullptr || header->empty()) return meta::MetadataPairs();
  // Authorized before the value is looked at, as the request itself was.
  STRATA_RETURN_IF_ERROR(ctx.authorizer->Check("s3:PutObjectTagging", bucket, key));
  return ParseTaggingHeader(*header);
}

}  // namespace strata::s3
