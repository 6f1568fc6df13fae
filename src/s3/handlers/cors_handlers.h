// GetBucketCors, PutBucketCors, DeleteBucketCors; the CORS preflight
// (OPTIONS, answered without authentication); and the CORS headers of every
// other answer to a request that carries Origin. The rules themselves are
// s3/cors.h; this is where they are read and applied.
#pragma once

#include <string_view>

#include "http/headers.h"
#include "http/request.h"
#include "http/response_writer.h"
#include "s3/endpoint.h"
#include "s3/handlers/context.h"
#include "service/bucket_service.h"

namespace strata::s3 {

common::Status HandleGetBucketCors(RequestContext& ctx, Services& services,
                                   const op::GetBucketCors& op);
common::Status HandlePutBucketCors(RequestContext& ctx, Services& services,
                                   const op::PutBucketCors& op);
common::Status HandleDeleteBucketCors(RequestContext& ctx, Services& services,
                                      const op::DeleteBucketCors& op);

// Answers an OPTIONS preflight from the bucket's CORS configuration: 200 with
// the matching rule's headers (s3/cors.h, PreflightHeaders). Errors, as AWS
// answers them: kBadRequest without Origin or with a missing or unknown
// Access-Control-Request-Method; kNoSuchBucket; kAccessForbidden
// "CORSResponse: CORS is not enabled for this bucket." without a
// configuration, and "CORSResponse: This CORS request is not allowed. ..."
// when no rule allows the request. Never authenticates: browsers send no
// credentials with a preflight.
common::Status HandleCorsPreflight(const http::Request& request, http::ResponseWriter& response,
                                   service::BucketService& buckets, const op::CorsPreflight& op);

// The CORS headers for the answer to `request` (any status), when it carries
// an Origin header and a rule of `bucket`'s configuration allows its origin
// and method (s3/cors.h, ResponseCorsHeaders); empty otherwise. Without
// Origin nothing is read. With one, the bucket is read through `buckets`
// (MetaStore::GetBucket, which the Redis cache serves when configured);
// failures to read it (a missing bucket, an outage, a damaged configuration)
// give no headers, never an error.
http::Headers CorsHeadersFor(const http::Request& request, service::BucketService& buckets,
                             std::string_view bucket);

// A ResponseWriter that adds the headers `Use` was given (CorsHeadersFor's)
// to the response head, replacing any of the same name, before passing it on.
// With none it passes everything through unchanged. Not thread-safe: one per
// request. `next` must outlive it.
class CorsHeaderWriter : public http::ResponseWriter {
 public:
  explicit CorsHeaderWriter(http::ResponseWriter& next) : next_(next) {}

  // REQUIRES: `headers` outlives the writer (or the next Use).
  void Use(const http::Headers* headers) { extra_ = headers; }

  common::Status WriteHead(int status, const http::Headers& headers,
                           uint64_t content_length) override;
  common::Status WriteBody(std::span<const char> data) override { return next_.WriteBody(data); }
  bool head_written() const override { return next_.head_written(); }
  void CloseAfterResponse() override { next_.CloseAfterResponse(); }

 private:
  http::ResponseWriter& next_;
  const http::Headers* extra_ = nullptr;
};

}  // namespace strata::s3
