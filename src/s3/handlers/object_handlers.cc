#include "s3/handlers/object_handlers.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

#include "common/time_format.h"
#include "http/handler.h"
#include "s3/handlers/checksum_headers.h"
#include "s3/handlers/object_headers.h"
#include "s3/handlers/tagging_handlers.h"
#include "s3/handlers/version_headers.h"
#include "s3/xml/copy_object.h"
#include "service/version_id.h"

namespace strata::s3 {
namespace {

using common::Code;
using common::Error;

// Body bytes per write on GET; large enough that per-write overhead (a thread
// hop to the connection) is small, small enough to bound memory per request.
constexpr size_t kGetChunkBytes = 1 << 20;

// The buffer is sized to the body (a 4 KiB GET does not pay for 1 MiB) and
// left uninitialised: zero-filling and faulting in a fresh 1 MiB per request
// was most of a small GET's server CPU (bench/README.md).
common::Status StreamBody(RequestContext& ctx, common::ByteSource& body, uint64_t length) {
  if (length == 0) return common::Status::Ok();
  const size_t size = static_cast<size_t>(std::min<uint64_t>(length, kGetChunkBytes));
  std::unique_ptr<char[]> buffer = std::make_unique_for_overwrite<char[]>(size);
  while (true) {
    STRATA_ASSIGN_OR_RETURN(size_t n, body.Read(std::span<char>(buffer.get(), size)));
    if (n == 0) return common::Status::Ok();
    STRATA_RETURN_IF_ERROR(ctx.response.WriteBody(std::span<const char>(buffer.get(), n)));
  }
}

// S3 tells a client that a GET or HEAD hit a delete marker: 405 for a
// marker named by versionId (with its Last-Modified), 404 NoSuchKey when the
// key's latest version is one; both with x-amz-delete-marker and the
// marker's x-amz-version-id. Best effort: a failed lookup leaves the error
// as it is.
void ReportDeleteMarker(RequestContext& ctx, Services& services, const std::string& bucket,
                        const std::string& key, const std::optional<std::string>& version_id,
                        const common::Status& failure) {
  if (ctx.error_headers == nullptr) return;
  if (version_id && failure.code() == Code::kMethodNotAllowed) {
    auto marker = services.objects.GetVersion(bucket, key, *version_id);
    if (marker.ok() && marker->delete_marker) {
      SetDeleteMarkerHeaders(*marker, /*with_last_modified=*/true, *ctx.error_headers);
    }
  } else if (!version_id && failure.code() == Code::kNoSuchKey) {
    auto marker = services.objects.LatestDeleteMarker(bucket, key);
    if (marker.ok() && marker->has_value()) {
      SetDeleteMarkerHeaders(**marker, /*with_last_modified=*/false, *ctx.error_headers);
    }
  }
}

common::Status ServeObject(RequestContext& ctx, Services& services, const std::string& bucket,
                           const std::string& key, bool head_only) {
  service::GetObjectInput input;
  input.bucket = bucket;
  input.key = key;
  input.conditions = ReadConditionHeaders(ctx.request.headers);
  input.range_header = std::string(ctx.request.headers.Get("range"));
  if (const std::string* part = http::FindParam(ctx.query, "partNumber")) {
    // ParseEndpoint checked it is 1..10000.
    input.part_number = std::stoi(*part);
    if (!input.range_header.empty()) {
      return Error(Code::kInvalidRequest,
                   "Cannot specify both Range header and partNumber "
                   "query parameter");
    }
  }
  input.head_only = head_only;
  input.memory_only = ctx.needs_worker != nullptr;
  STRATA_ASSIGN_OR_RETURN(input.version_id, QueryVersionId(ctx.query));
  auto output = services.objects.Get(input);
  if (!output.ok()) {
    // 304 carries the validators but no error body.
    if (output.status().code() == Code::kNotModified) {
      auto object = services.objects.Get(
          {.bucket = bucket, .key = key, .head_only = true, .version_id = input.version_id});
      http::Headers headers;
      if (object.ok()) {
        headers.Set("ETag", QuoteEtag(object->object.etag));
        headers.Set("Last-Modified",
                    common::FormatHttpDate(object->object.last_modified_ms / 1000));
      }
      return ctx.response.WriteHead(304, headers, 0);
    }
    ReportDeleteMarker(ctx, services, bucket, key, input.version_id, output.status());
    return output.status();
  }
  // On the I/O thread only a body in memory that fits its one whole write
  // can be sent; anything else is served again on a worker.
  if (ctx.needs_worker != nullptr &&
      (output->body_on_drives ||
       (!head_only && output->object.size > http::Handler::kInlineBodyLimit))) {
    *ctx.needs_worker = true;
    return common::Status::Ok();
  }
  http::Headers headers;
  WriteObjectHeaders(output->object, ctx.query, headers);
  STRATA_RETURN_IF_ERROR(SetVersionIdHeader(services, bucket, output->object.version_id, headers));
  if (!output->object.part_sizes.empty() && input.part_number) {
    headers.Set("x-amz-mp-parts-count", std::to_string(output->object.part_sizes.size()));
  }
  // A whole object's checksum, on request; a part's bytes have no stored
  // value of their own.
  if (ctx.request.headers.Get("x-amz-checksum-mode") == "ENABLED" && !output->range &&
      !input.part_number) {
    WriteChecksumHeaders(output->object.checksum, headers);
  }
  uint64_t length = output->object.size;
  int status = 200;
  if (input.part_number && !output->range) {
    length = 0;  // an empty part
  } else if (output->range) {
    status = 206;
    length = output->range->length;
    headers.Set("Content-Range", "bytes " + std::to_string(output->range->start) + "-" +
                                     std::to_string(output->range->end()) + "/" +
                                     std::to_string(output->object.size));
  }
  STRATA_RETURN_IF_ERROR(ctx.response.WriteHead(status, headers, length));
  if (head_only) return common::Status::Ok();
  return StreamBody(ctx, *output->body, length);
}

}  // namespace

common::Status HandlePutObject(RequestContext& ctx, Services& services, const op::PutObject& op) {
  const http::Headers& headers = ctx.request.headers;
  if (!ctx.payload_length && !ctx.request.chunked_transfer) {
    return Error(Code::kMissingContentLength, "You must provide the Content-Length HTTP header.");
  }
  STRATA_ASSIGN_OR_RETURN(meta::WriteCondition condition, ReadWriteCondition(headers));
  StoredHeaders stored = ReadStoredHeaders(headers);
  service::PutObjectInput input;
  STRATA_ASSIGN_OR_RETURN(input.tags, ReadTaggingHeader(ctx, op.bucket, op.key));
  input.bucket = op.bucket;
  input.key = op.key;
  input.content_length = ctx.payload_length;
  if (const std::string* md5 = headers.Find("content-md5")) input.content_md5 = *md5;
  input.content_type = std::move(stored.content_type);
  input.user_metadata = std::move(stored.user_metadata);
  input.system_metadata = std::move(stored.system_metadata);
  input.condition = std::move(condition);
  STRATA_ASSIGN_OR_RETURN(input.checksum, ReadBodyChecksum(ctx));
  STRATA_ASSIGN_OR_RETURN(meta::ObjectRecord object, services.objects.Put(input, ctx.body));
  http::Headers out;
  out.Set("ETag", QuoteEtag(object.etag));
  WriteChecksumHeaders(object.checksum, out);
  STRATA_RETURN_IF_ERROR(SetVersionIdHeader(services, op.bucket, object.version_id, out));
  return Reply(ctx, 200, std::move(out));
}

common::Status HandleGetObject(RequestContext& ctx, Services& services, const op::GetObject& op) {
  return ServeObject(ctx, services, op.bucket, op.key, /*head_only=*/false);
}

common::Status HandleHeadObject(RequestContext& ctx, Services& services, const op::HeadObject& op) {
  return ServeObject(ctx, services, op.bucket, op.key, /*head_only=*/true);
}

common::Status HandleDeleteObject(RequestContext& ctx, Services& services,
                                  const op::DeleteObject& op) {
  STRATA_ASSIGN_OR_RETURN(std::optional<std::string> version_id, QueryVersionId(ctx.query));
  http::Headers out;
  if (version_id) {
    // One version for good. S3 echoes the id asked for, whether or not it
    // existed, and says so when it was a delete marker.
    STRATA_ASSIGN_OR_RETURN(meta::MetaStore::DeleteResult result,
                            services.objects.DeleteVersion(op.bucket, op.key, *version_id));
    out.Set("x-amz-version-id", service::PrintedVersionId(*version_id));
    if (result.removed && result.removed->delete_marker) out.Set("x-amz-delete-marker", "true");
    return Reply(ctx, 204, std::move(out));
  }
  STRATA_ASSIGN_OR_RETURN(meta::MetaStore::DeleteResult result,
                          services.objects.Delete(op.bucket, op.key));
  if (result.delete_marker) {
    SetDeleteMarkerHeaders(*result.delete_marker, /*with_last_modified=*/false, out);
  }
  return Reply(ctx, 204, std::move(out));
}

common::Status HandleCopyObject(RequestContext& ctx, Services& services, const op::CopyObject& op) {
  const http::Headers& headers = ctx.request.headers;
  std::optional<std::string> source_version_id;
  if (!op.source_version_id.empty()) {
    STRATA_ASSIGN_OR_RETURN(source_version_id, service::ParseVersionId(op.source_version_id));
  }
  std::string_view directive = headers.Get("x-amz-metadata-directive");
  if (!directive.empty() && directive != "COPY" && directive != "REPLACE") {
    return Error(Code::kInvalidArgument, "Unknown metadata directive.");
  }
  std::string_view tagging_directive = headers.Get("x-amz-tagging-directive");
  if (!tagging_directive.empty() && tagging_directive != "COPY" && tagging_directive != "REPLACE") {
    return Error(Code::kInvalidArgument, "Unknown tagging directive.");
  }
  // Reading a named version is s3:GetObjectVersion in AWS.
  STRATA_RETURN_IF_ERROR(ctx.authorizer->Check(
      source_version_id ? "s3:GetObjectVersion" : "s3:GetObject", op.source_bucket, op.source_key));
  service::CopyObjectInput input;
  input.source_bucket = op.source_bucket;
  input.source_key = op.source_key;
  input.source_version_id = source_version_id;
  input.bucket = op.bucket;
  input.key = op.key;
  input.source_conditions = ReadConditionHeaders(headers, "x-amz-copy-source-");
  input.replace_metadata = directive == "REPLACE";
  // COPY (the default) keeps the source's tags and ignores x-amz-tagging.
  input.replace_tags = tagging_directive == "REPLACE";
  if (input.replace_tags) {
    STRATA_ASSIGN_OR_RETURN(input.tags, ReadTaggingHeader(ctx, op.bucket, op.key));
  }
  if (input.replace_metadata) {
    StoredHeaders stored = ReadStoredHeaders(headers);
    input.content_type = std::move(stored.content_type);
    input.user_metadata = std::move(stored.user_metadata);
    input.system_metadata = std::move(stored.system_metadata);
  }
  STRATA_ASSIGN_OR_RETURN(meta::ObjectRecord object, services.objects.Copy(input));
  http::Headers out;
  STRATA_RETURN_IF_ERROR(SetVersionIdHeader(services, op.bucket, object.version_id, out));
  if (source_version_id) {
    out.Set("x-amz-copy-source-version-id", service::PrintedVersionId(*source_version_id));
  }
  return ReplyXml(ctx, xml::WriteCopyObjectResult({object.etag, object.last_modified_ms}), 200,
                  std::move(out));
}

}  // namespace strata::s3
