// What every S3 operation handler receives: the request, its authenticated
// caller, its verified body, where to answer, and the services.
#pragma once

#include <optional>
#include <string>

#include "common/byte_stream.h"
#include "http/request.h"
#include "http/response_writer.h"
#include "http/url.h"
#include "s3/request_authorizer.h"
#include "service/bucket_service.h"
#include "service/multipart_service.h"
#include "service/object_service.h"

namespace strata::s3 {

struct Services {
  service::BucketService& buckets;
  service::ObjectService& objects;
  service::MultipartService& multipart;
  std::string region;  // reported by GetBucketLocation for buckets made without one
};

struct RequestContext {
  const http::Request& request;
  const http::QueryParams& query;
  // The payload as the operation sees it: signature-verified and de-framed.
  common::ByteSource& body;
  // The payload's length once de-framed (x-amz-decoded-content-length for
  // aws-chunked), when known.
  std::optional<uint64_t> payload_length;
  http::ResponseWriter& response;
  std::string user;  // authenticated user name; "" for anonymous callers
  // Checks a second resource a handler touches (CopyObject's source, each
  // key of DeleteObjects, the buckets ListBuckets shows). Never null when the
  // S3Handler runs a handler.
  RequestAuthorizer* authorizer = nullptr;
  // Headers to send with the error document if the handler fails (GET of a
  // delete marker: x-amz-delete-marker, x-amz-version-id). Never null when
  // the S3Handler runs a handler.
  http::Headers* error_headers = nullptr;
  // Set when the handler runs on the connection's I/O thread
  // (http::Handler::TryHandleInline): a handler that would have to read the
  // drives sets *needs_worker and returns OK having written nothing, to be
  // run again on a worker.
  bool* needs_worker = nullptr;
};

// Writes a response whose body is in memory.
common::Status Reply(RequestContext& ctx, int status, http::Headers headers = {},
                     std::string body = "");
// Writes an XML response (200 unless given), with any extra headers.
common::Status ReplyXml(RequestContext& ctx, std::string xml, int status = 200,
                        http::Headers headers = {});

// A query parameter's decoded value; "" when absent.
std::string QueryParam(const http::QueryParams& query, std::string_view name);

// max-keys of a listing: default and ceiling 1000. ParseEndpoint has already
// rejected values that are not non-negative integers.
int MaxKeysParam(const http::QueryParams& query);

// Reads a small XML request body, failing past max_bytes, and checks it
// against the request's Content-MD5 when it has one (CheckContentMd5).
common::Result<std::string> ReadXmlBody(RequestContext& ctx, size_t max_bytes = 4 << 20);

// kInvalidDigest for a Content-MD5 header that is not a base64 MD5,
// kBadDigest when it does not match body; OK without the header. S3 checks
// the header on every request that sends one, configuration bodies included.
common::Status CheckContentMd5(const RequestContext& ctx, std::string_view body);

// Owner fields S3 reports for a user: a stable 64-hex id and the name.
std::string OwnerId(std::string_view user);

}  // namespace strata::s3
