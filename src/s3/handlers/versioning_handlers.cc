#include "s3/handlers/versioning_handlers.h"

#include "s3/xml/list_versions.h"
#include "s3/xml/versioning.h"
#include "service/version_id.h"

namespace strata::s3 {
namespace {

using common::Code;
using common::Error;

std::string_view StatusName(meta::Versioning versioning) {
  switch (versioning) {
    case meta::Versioning::kUnversioned:
      return "";
    case meta::Versioning::kEnabled:
      return "Enabled";
    case meta::Versioning::kSuspended:
      return "Suspended";
  }
  return "";
}

}  // namespace

common::Status HandleGetBucketVersioning(RequestContext& ctx, Services& services,
                                         const op::GetBucketVersioning& op) {
  STRATA_ASSIGN_OR_RETURN(meta::Bucket bucket, services.buckets.Get(op.bucket));
  return ReplyXml(ctx, xml::WriteVersioningConfiguration(StatusName(bucket.versioning)));
}

common::Status HandlePutBucketVersioning(RequestContext& ctx, Services& services,
                                         const op::PutBucketVersioning& op) {
  // Existence first, as for the other bucket configurations.
  STRATA_RETURN_IF_ERROR(services.buckets.Get(op.bucket).status());
  STRATA_ASSIGN_OR_RETURN(std::string body, ReadXmlBody(ctx, 64 * 1024));
  STRATA_ASSIGN_OR_RETURN(xml::VersioningConfiguration config,
                          xml::ParseVersioningConfiguration(body));
  if (config.mfa_delete == "Enabled") {
    // AWS needs an x-amz-mfa device serial and code for this; Strata has no
    // MFA devices, so it cannot honour the setting.
    return Error(Code::kNotImplemented, "MFA delete is not supported by this server");
  }
  meta::Versioning versioning =
      config.status == "Enabled" ? meta::Versioning::kEnabled : meta::Versioning::kSuspended;
  STRATA_RETURN_IF_ERROR(services.buckets.SetVersioning(op.bucket, versioning));
  return Reply(ctx, 200);
}

common::Status HandleListObjectVersions(RequestContext& ctx, Services& services,
                                        const op::ListObjectVersions& op) {
  meta::ListVersionsQuery query;
  query.prefix = QueryParam(ctx.query, "prefix");
  query.delimiter = QueryParam(ctx.query, "delimiter");
  query.key_marker = QueryParam(ctx.query, "key-marker");
  query.version_id_marker = QueryParam(ctx.query, "version-id-marker");
  query.max_keys = MaxKeysParam(ctx.query);
  if (!query.version_id_marker.empty() && !service::IsValidVersionId(query.version_id_marker)) {
    return Error(Code::kInvalidArgument, "Invalid version id specified");
  }
  // The store names the null version "null" in markers, as S3 prints it.
  STRATA_ASSIGN_OR_RETURN(meta::ListVersionsPage page,
                          services.objects.ListVersions(op.bucket, query));
  xml::ListVersionsResult result;
  result.name = op.bucket;
  result.prefix = query.prefix;
  result.key_marker = query.key_marker;
  result.version_id_marker = query.version_id_marker;
  result.delimiter = query.delimiter;
  result.max_keys = query.max_keys;
  result.is_truncated = page.truncated;
  result.url_encoding = QueryParam(ctx.query, "encoding-type") == "url";
  if (page.truncated) {
    result.next_key_marker = std::move(page.next_key_marker);
    result.next_version_id_marker = std::move(page.next_version_id_marker);
  }
  const xml::Owner owner{OwnerId(ctx.user), ctx.user};
  result.entries.reserve(page.versions.size());
  for (meta::ObjectRecord& version : page.versions) {
    xml::VersionEntry entry;
    entry.delete_marker = version.delete_marker;
    entry.key = std::move(version.key);
    entry.version_id = service::PrintedVersionId(version.version_id);
    entry.is_latest = version.is_latest;
    entry.last_modified_ms = version.last_modified_ms;
    entry.etag = std::move(version.etag);
    entry.size = version.size;
    entry.storage_class = std::move(version.storage_class);
    entry.owner = owner;
    result.entries.push_back(std::move(entry));
  }
  result.common_prefixes = std::move(page.common_prefixes);
  return ReplyXml(ctx, xml::WriteListVersionsResult(result));
}

}  // namespace strata::s3
