#include "s3/handlers/object_handlers.h"

#include <vector>

#include "common/time_format.h"
#include "s3/handlers/checksum_headers.h"
#include "s3/handlers/object_headers.h"
#include "s3/handlers/tagging_handlers.h"
#include "s3/xml/copy_object.h"

namespace strata::s3 {
namespace {

using common::Code;
using common::Error;

// Body bytes per write on GET; large enough that per-write overhead (a thread
// hop to the connection) is small, small enough to bound memory per request.
constexpr size_t kGetChunkBytes = 1 << 20;

common::Status StreamBody(RequestContext& ctx, common::ByteSource& body) {
  std::vector<char> buffer(kGetChunkBytes);
  while (true) {
    STRATA_ASSIGN_OR_RETURN(size_t n, body.Read(buffer));
    if (n == 0) return common::Status::Ok();
    STRATA_RETURN_IF_ERROR(ctx.response.WriteBody(std::span<const char>(buffer.data(), n)));
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
  auto output = services.objects.Get(input);
  if (!output.ok()) {
    // 304 carries the validators but no error body.
    if (output.status().code() == Code::kNotModified) {
      auto object = services.objects.Get({.bucket = bucket, .key = key, .head_only = true});
      http::Headers headers;
      if (object.ok()) {
        headers.Set("ETag", QuoteEtag(object->object.etag));
        headers.Set("Last-Modified",
                    common::FormatHttpDate(object->object.last_modified_ms / 1000));
      }
      return ctx.response.WriteHead(304, headers, 0);
    }
    return output.status();
  }
  http::Headers headers;
  WriteObjectHeaders(output->object, ctx.query, headers);
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
  return StreamBody(ctx, *output->body);
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
  STRATA_RETURN_IF_ERROR(services.objects.Delete(op.bucket, op.key));
  return Reply(ctx, 204);
}

common::Status HandleCopyObject(RequestContext& ctx, Services& services, const op::CopyObject& op) {
  const http::Headers& headers = ctx.request.headers;
  if (!op.source_version_id.empty() && op.source_version_id != "null") {
    return Error(Code::kNotImplemented, "Object versioning is not implemented yet");
  }
  std::string_view directive = headers.Get("x-amz-metadata-directive");
  if (!directive.empty() && directive != "COPY" && directive != "REPLACE") {
    return Error(Code::kInvalidArgument, "Unknown metadata directive.");
  }
  std::string_view tagging_directive = headers.Get("x-amz-tagging-directive");
  if (!tagging_directive.empty() && tagging_directive != "COPY" && tagging_directive != "REPLACE") {
    return Error(Code::kInvalidArgument, "Unknown tagging directive.");
  }
  STRATA_RETURN_IF_ERROR(ctx.authorizer->Check("s3:GetObject", op.source_bucket, op.source_key));
  service::CopyObjectInput input;
  input.source_bucket = op.source_bucket;
  input.source_key = op.source_key;
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
  return ReplyXml(ctx, xml::WriteCopyObjectResult({object.etag, object.last_modified_ms}));
}

}  // namespace strata::s3
