#include "s3/handlers/cors_handlers.h"

#include <spdlog/spdlog.h>

#include "s3/cors.h"
#include "s3/xml/cors.h"

namespace strata::s3 {
namespace {

using common::Code;
using common::Error;

// AWS's limit on a CORS configuration document.
constexpr size_t kMaxCorsBytes = 64 * 1024;

}  // namespace

common::Status HandleGetBucketCors(RequestContext& ctx, Services& services,
                                   const op::GetBucketCors& op) {
  STRATA_ASSIGN_OR_RETURN(std::string stored, services.buckets.GetCors(op.bucket));
  STRATA_ASSIGN_OR_RETURN(CorsConfiguration config, DecodeCorsJson(stored));
  return ReplyXml(ctx, xml::WriteCorsConfiguration(config));
}

common::Status HandlePutBucketCors(RequestContext& ctx, Services& services,
                                   const op::PutBucketCors& op) {
  // Existence first, as for a policy: NoSuchBucket whatever the document.
  STRATA_RETURN_IF_ERROR(services.buckets.Get(op.bucket).status());
  STRATA_ASSIGN_OR_RETURN(std::string body, ReadXmlBody(ctx, kMaxCorsBytes));
  STRATA_ASSIGN_OR_RETURN(CorsConfiguration config, xml::ParseCorsConfiguration(body));
  STRATA_RETURN_IF_ERROR(services.buckets.PutCors(op.bucket, EncodeCorsJson(config)));
  return Reply(ctx, 200);
}

common::Status HandleDeleteBucketCors(RequestContext& ctx, Services& services,
                                      const op::DeleteBucketCors& op) {
  STRATA_RETURN_IF_ERROR(services.buckets.DeleteCors(op.bucket));
  return Reply(ctx, 204);
}

common::Status HandleCorsPreflight(const http::Request& request, http::ResponseWriter& response,
                                   service::BucketService& buckets, const op::CorsPreflight& op) {
  // The headers first: no I/O for a request that cannot be a preflight.
  STRATA_ASSIGN_OR_RETURN(PreflightRequest preflight, ParsePreflightRequest(request.headers));
  STRATA_ASSIGN_OR_RETURN(meta::Bucket bucket, buckets.Get(op.bucket));
  if (bucket.cors.empty()) {
    return Error(Code::kAccessForbidden, "CORSResponse: CORS is not enabled for this bucket.");
  }
  STRATA_ASSIGN_OR_RETURN(CorsConfiguration config, DecodeCorsJson(bucket.cors));
  const CorsRule* rule = MatchPreflight(config, preflight);
  if (rule == nullptr) {
    // AWS's wording, its "evalution" typo included.
    return Error(Code::kAccessForbidden,
                 "CORSResponse: This CORS request is not allowed. This is usually because the "
                 "evalution of Origin, request method / Access-Control-Request-Method or "
                 "Access-Control-Request-Headers are not whitelisted by the resource's CORS "
                 "spec.");
  }
  return http::WriteResponse(response, {200, PreflightHeaders(*rule, preflight), ""});
}

http::Headers CorsHeadersFor(const http::Request& request, service::BucketService& buckets,
                             std::string_view bucket) {
  const std::string* origin = request.headers.Find("origin");
  if (origin == nullptr || bucket.empty()) return {};
  common::Result<meta::Bucket> found = buckets.Get(bucket);
  if (!found.ok() || found->cors.empty()) return {};
  common::Result<CorsConfiguration> config = DecodeCorsJson(found->cors);
  if (!config.ok()) {
    spdlog::warn("bucket {}: {}", bucket, config.status().ToString());
    return {};
  }
  const CorsRule* rule = MatchRequest(*config, *origin, request.method);
  if (rule == nullptr) return {};
  return ResponseCorsHeaders(*rule, *origin);
}

common::Status CorsHeaderWriter::WriteHead(int status, const http::Headers& headers,
                                           uint64_t content_length) {
  if (extra_ == nullptr || extra_->size() == 0) {
    return next_.WriteHead(status, headers, content_length);
  }
  http::Headers merged = headers;
  for (const auto& [name, value] : extra_->entries()) merged.Set(name, value);
  return next_.WriteHead(status, merged, content_length);
}

}  // namespace strata::s3
