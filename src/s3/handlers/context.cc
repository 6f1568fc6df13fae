#include "s3/handlers/context.h"

#include <algorithm>
#include <charconv>

#include "common/hash.h"
#include "service/content_md5.h"

namespace strata::s3 {

common::Status Reply(RequestContext& ctx, int status, http::Headers headers, std::string body) {
  http::Response response{status, std::move(headers), std::move(body)};
  return http::WriteResponse(ctx.response, response);
}

common::Status ReplyXml(RequestContext& ctx, std::string xml, int status, http::Headers headers) {
  headers.Set("Content-Type", "application/xml");
  return Reply(ctx, status, std::move(headers), std::move(xml));
}

std::string QueryParam(const http::QueryParams& query, std::string_view name) {
  const std::string* v = http::FindParam(query, name);
  return v ? *v : "";
}

common::Result<std::string> ReadXmlBody(RequestContext& ctx, size_t max_bytes) {
  auto body = common::ReadAll(ctx.body, max_bytes);
  if (!body.ok() && body.status().code() == common::Code::kEntityTooLarge) {
    return common::Error(common::Code::kMalformedXml, "The XML you provided was too large");
  }
  STRATA_RETURN_IF_ERROR(body.status());
  STRATA_RETURN_IF_ERROR(CheckContentMd5(ctx, *body));
  return body;
}

common::Status CheckContentMd5(const RequestContext& ctx, std::string_view body) {
  const std::string* header = ctx.request.headers.Find("content-md5");
  if (header == nullptr) return common::Status::Ok();
  STRATA_ASSIGN_OR_RETURN(std::string expected, service::DecodeContentMd5(*header));
  return service::MatchContentMd5(expected, common::Md5(body));
}

int MaxKeysParam(const http::QueryParams& query) {
  constexpr int64_t kMaxKeysLimit = 1000;
  const std::string* v = http::FindParam(query, "max-keys");
  if (!v) return kMaxKeysLimit;
  int64_t n = kMaxKeysLimit;
  std::from_chars(v->data(), v->data() + v->size(), n);
  return static_cast<int>(std::clamp<int64_t>(n, 0, kMaxKeysLimit));
}

std::string OwnerId(std::string_view user) { return common::Sha256Hex(user); }

}  // namespace strata::s3
