#include "s3/handlers/multipart_handlers.h"

#include <algorithm>
#include <charconv>

#include "common/time_format.h"
#include "s3/handlers/checksum_headers.h"
#include "s3/handlers/object_headers.h"
#include "s3/handlers/tagging_handlers.h"
#include "s3/handlers/version_headers.h"
#include "s3/xml/multipart.h"
#include "service/version_id.h"

namespace strata::s3 {
namespace {

using common::Code;
using common::Error;

constexpr int kListLimit = 1000;

// A non-negative integer query parameter, clamped to `limit`; `fallback` when
// absent. kInvalidArgument for anything else, naming the parameter.
common::Result<int> IntParam(const http::QueryParams& query, std::string_view name, int fallback,
                             int limit) {
  const std::string* v = http::FindParam(query, name);
  if (v == nullptr) return fallback;
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (v->empty() || ec != std::errc() || end != v->data() + v->size() || n < 0) {
    return Error(Code::kInvalidArgument,
                 "Provided " + std::string(name) + " not an integer or within integer range");
  }
  return static_cast<int>(std::min<int64_t>(n, limit));
}

xml::Checksum XmlChecksum(const meta::StoredChecksum& checksum) {
  return {checksum.algorithm, checksum.value};
}

}  // namespace

common::Status HandleCreateMultipartUpload(RequestContext& ctx, Services& services,
                                           const op::CreateMultipartUpload& op) {
  const http::Headers& headers = ctx.request.headers;
  StoredHeaders stored = ReadStoredHeaders(headers);
  service::CreateMultipartInput input;
  input.bucket = op.bucket;
  input.key = op.key;
  input.content_type = std::move(stored.content_type);
  input.user_metadata = std::move(stored.user_metadata);
  input.system_metadata = std::move(stored.system_metadata);
  input.owner = ctx.user;
  STRATA_ASSIGN_OR_RETURN(input.tags, ReadTaggingHeader(ctx, op.bucket, op.key));
  if (const std::string* algorithm = headers.Find("x-amz-checksum-algorithm")) {
    STRATA_ASSIGN_OR_RETURN(input.checksum_algorithm, service::ParseChecksumAlgorithm(*algorithm));
  }
  if (const std::string* type = headers.Find("x-amz-checksum-type")) {
    STRATA_ASSIGN_OR_RETURN(input.checksum_type, service::ParseChecksumType(*type));
  }
  STRATA_ASSIGN_OR_RETURN(meta::MultipartUpload upload, services.multipart.Create(input));
  http::Headers out;
  if (!upload.checksum_algorithm.empty()) {
    out.Set("x-amz-checksum-algorithm", upload.checksum_algorithm);
    out.Set("x-amz-checksum-type", upload.checksum_type);
  }
  return ReplyXml(ctx, xml::WriteInitiateMultipartUploadResult(op.bucket, op.key, upload.upload_id),
                  200, std::move(out));
}

common::Status HandleUploadPart(RequestContext& ctx, Services& services, const op::UploadPart& op) {
  const http::Headers& headers = ctx.request.headers;
  if (!ctx.payload_length && !ctx.request.chunked_transfer) {
    return Error(Code::kMissingContentLength, "You must provide the Content-Length HTTP header.");
  }
  service::UploadPartInput input;
  input.bucket = op.bucket;
  input.key = op.key;
  input.upload_id = op.upload_id;
  input.part_number = op.part_number;
  input.content_length = ctx.payload_length;
  if (const std::string* md5 = headers.Find("content-md5")) input.content_md5 = *md5;
  STRATA_ASSIGN_OR_RETURN(input.checksum, ReadBodyChecksum(ctx));
  STRATA_ASSIGN_OR_RETURN(meta::PartRecord part, services.multipart.UploadPart(input, ctx.body));
  http::Headers out;
  out.Set("ETag", QuoteEtag(part.etag));
  if (!part.checksum.algorithm.empty()) {
    WriteChecksumHeaders({part.checksum.algorithm, part.checksum.value, ""}, out);
  }
  return Reply(ctx, 200, std::move(out));
}

common::Status HandleUploadPartCopy(RequestContext& ctx, Services& services,
                                    const op::UploadPartCopy& op) {
  std::optional<std::string> source_version_id;
  if (!op.source_version_id.empty()) {
    STRATA_ASSIGN_OR_RETURN(source_version_id, service::ParseVersionId(op.source_version_id));
  }
  // Reading a named version is s3:GetObjectVersion in AWS.
  STRATA_RETURN_IF_ERROR(ctx.authorizer->Check(
      source_version_id ? "s3:GetObjectVersion" : "s3:GetObject", op.source_bucket, op.source_key));
  const http::Headers& headers = ctx.request.headers;
  service::UploadPartCopyInput input;
  input.bucket = op.bucket;
  input.key = op.key;
  input.upload_id = op.upload_id;
  input.part_number = op.part_number;
  input.source_bucket = op.source_bucket;
  input.source_key = op.source_key;
  input.source_version_id = source_version_id;
  input.source_range = std::string(headers.Get("x-amz-copy-source-range"));
  input.source_conditions = ReadConditionHeaders(headers, "x-amz-copy-source-");
  STRATA_ASSIGN_OR_RETURN(meta::PartRecord part, services.multipart.UploadPartCopy(input));
  xml::CopyPartResult result;
  result.etag = part.etag;
  result.last_modified_ms = part.last_modified_ms;
  result.checksum = XmlChecksum(part.checksum);
  http::Headers out;
  if (source_version_id) {
    out.Set("x-amz-copy-source-version-id", service::PrintedVersionId(*source_version_id));
  }
  return ReplyXml(ctx, xml::WriteCopyPartResult(result), 200, std::move(out));
}

common::Status HandleCompleteMultipartUpload(RequestContext& ctx, Services& services,
                                             const op::CompleteMultipartUpload& op) {
  STRATA_ASSIGN_OR_RETURN(std::string body,
                          ReadXmlBody(ctx, xml::kMaxCompleteMultipartUploadBytes));
  STRATA_ASSIGN_OR_RETURN(std::vector<xml::CompletedPart> parts,
                          xml::ParseCompleteMultipartUpload(body));
  service::CompleteMultipartInput input;
  input.bucket = op.bucket;
  input.key = op.key;
  input.upload_id = op.upload_id;
  for (auto& part : parts) {
    service::CompletedPartInput entry;
    entry.part_number = part.part_number;
    entry.etag = std::move(part.etag);
    if (part.crc32) entry.checksums.emplace_back("CRC32", *part.crc32);
    if (part.crc32c) entry.checksums.emplace_back("CRC32C", *part.crc32c);
    if (part.crc64nvme) entry.checksums.emplace_back("CRC64NVME", *part.crc64nvme);
    if (part.sha1) entry.checksums.emplace_back("SHA1", *part.sha1);
    if (part.sha256) entry.checksums.emplace_back("SHA256", *part.sha256);
    input.parts.push_back(std::move(entry));
  }
  STRATA_ASSIGN_OR_RETURN(input.condition, ReadWriteCondition(ctx.request.headers));
  STRATA_ASSIGN_OR_RETURN(meta::ObjectRecord object, services.multipart.Complete(input));
  xml::CompleteMultipartUploadResult result;
  result.location = "/" + op.bucket + "/" + op.key;
  result.bucket = op.bucket;
  result.key = op.key;
  result.etag = object.etag;
  result.checksum = XmlChecksum(object.checksum);
  result.checksum_type = object.checksum.type;
  http::Headers out;
  WriteChecksumHeaders(object.checksum, out);
  STRATA_RETURN_IF_ERROR(SetVersionIdHeader(services, op.bucket, object.version_id, out));
  return ReplyXml(ctx, xml::WriteCompleteMultipartUploadResult(result), 200, std::move(out));
}

common::Status HandleAbortMultipartUpload(RequestContext& ctx, Services& services,
                                          const op::AbortMultipartUpload& op) {
  STRATA_RETURN_IF_ERROR(services.multipart.Abort(op.bucket, op.key, op.upload_id));
  return Reply(ctx, 204);
}

common::Status HandleListParts(RequestContext& ctx, Services& services, const op::ListParts& op) {
  STRATA_ASSIGN_OR_RETURN(int max_parts, IntParam(ctx.query, "max-parts", kListLimit, kListLimit));
  STRATA_ASSIGN_OR_RETURN(int marker,
                          IntParam(ctx.query, "part-number-marker", 0, service::kMaxPartNumber));
  STRATA_ASSIGN_OR_RETURN(meta::MultipartUpload upload,
                          services.multipart.GetUpload(op.bucket, op.key, op.upload_id));
  STRATA_ASSIGN_OR_RETURN(
      meta::ListPartsPage page,
      services.multipart.ListParts(op.bucket, op.key, op.upload_id, marker, max_parts));
  xml::ListPartsResult result;
  result.bucket = op.bucket;
  result.key = op.key;
  result.upload_id = op.upload_id;
  result.part_number_marker = marker;
  result.next_part_number_marker = page.next_part_number_marker;
  result.max_parts = max_parts;
  result.is_truncated = page.truncated;
  for (const auto& part : page.parts) {
    xml::PartSummary summary;
    summary.part_number = part.part_number;
    summary.last_modified_ms = part.last_modified_ms;
    summary.etag = part.etag;
    summary.size = part.size;
    summary.checksum = XmlChecksum(part.checksum);
    result.parts.push_back(std::move(summary));
  }
  result.owner = xml::Owner{OwnerId(upload.owner), upload.owner};
  result.checksum_algorithm = upload.checksum_algorithm;
  result.checksum_type = upload.checksum_type;
  return ReplyXml(ctx, xml::WriteListPartsResult(result));
}

common::Status HandleListMultipartUploads(RequestContext& ctx, Services& services,
                                          const op::ListMultipartUploads& op) {
  meta::ListUploadsQuery query;
  query.prefix = QueryParam(ctx.query, "prefix");
  query.delimiter = QueryParam(ctx.query, "delimiter");
  query.key_marker = QueryParam(ctx.query, "key-marker");
  // S3 ignores upload-id-marker without key-marker.
  if (!query.key_marker.empty()) query.upload_id_marker = QueryParam(ctx.query, "upload-id-marker");
  STRATA_ASSIGN_OR_RETURN(query.max_uploads,
                          IntParam(ctx.query, "max-uploads", kListLimit, kListLimit));
  STRATA_ASSIGN_OR_RETURN(meta::ListUploadsPage page,
                          services.multipart.ListUploads(op.bucket, query));
  xml::ListMultipartUploadsResult result;
  result.bucket = op.bucket;
  result.key_marker = query.key_marker;
  result.upload_id_marker = query.upload_id_marker;
  result.next_key_marker = page.next_key_marker;
  result.next_upload_id_marker = page.next_upload_id_marker;
  result.prefix = query.prefix;
  result.delimiter = query.delimiter;
  result.max_uploads = query.max_uploads;
  result.is_truncated = page.truncated;
  result.url_encoding = QueryParam(ctx.query, "encoding-type") == "url";
  for (const auto& upload : page.uploads) {
    xml::UploadSummary summary;
    summary.key = upload.key;
    summary.upload_id = upload.upload_id;
    summary.initiated_ms = upload.initiated_ms;
    summary.owner = xml::Owner{OwnerId(upload.owner), upload.owner};
    summary.checksum_algorithm = upload.checksum_algorithm;
    summary.checksum_type = upload.checksum_type;
    result.uploads.push_back(std::move(summary));
  }
  result.common_prefixes = std::move(page.common_prefixes);
  return ReplyXml(ctx, xml::WriteListMultipartUploadsResult(result));
}

}  // namespace strata::s3
