#include "s3/handlers/list_handlers.h"

#include <algorithm>

#include "common/hex.h"
#include "s3/xml/list_objects.h"

namespace strata::s3 {
namespace {

using common::Code;
using common::Error;

// Continuation tokens are opaque to clients: the last entry of the previous
// page, base64-encoded behind a version tag so the format can change.
constexpr std::string_view kTokenTag = "1:";

std::string EncodeToken(std::string_view last_entry) {
  return common::Base64Encode(std::string(kTokenTag) + std::string(last_entry));
}

common::Result<std::string> DecodeToken(std::string_view token) {
  auto decoded = common::Base64Decode(token);
  if (!decoded || !decoded->starts_with(kTokenTag)) {
    return Error(Code::kInvalidArgument, "The continuation token provided is incorrect");
  }
  return decoded->substr(kTokenTag.size());
}

meta::ListQuery BaseQuery(const http::QueryParams& params) {
  meta::ListQuery query;
  query.prefix = QueryParam(params, "prefix");
  query.delimiter = QueryParam(params, "delimiter");
  query.max_keys = MaxKeysParam(params);
  return query;
}

std::vector<xml::ObjectSummary> Summaries(const meta::ListPage& page, bool with_owner,
                                          const std::string& user) {
  std::vector<xml::ObjectSummary> out;
  out.reserve(page.objects.size());
  for (const auto& o : page.objects) {
    xml::ObjectSummary entry;
    entry.key = o.key;
    entry.last_modified_ms = o.last_modified_ms;
    entry.etag = o.etag;
    entry.size = o.size;
    entry.storage_class = o.storage_class;
    if (with_owner) entry.owner = xml::Owner{OwnerId(user), user};
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace

common::Status HandleListObjects(RequestContext& ctx, Services& services,
                                 const op::ListObjects& op) {
  meta::ListQuery query = BaseQuery(ctx.query);
  query.start_after = QueryParam(ctx.query, "marker");
  STRATA_ASSIGN_OR_RETURN(meta::ListPage page, services.objects.List(op.bucket, query));
  xml::ListBucketResult result;
  result.name = op.bucket;
  result.prefix = query.prefix;
  result.marker = query.start_after;
  result.delimiter = query.delimiter;
  result.max_keys = query.max_keys;
  result.is_truncated = page.truncated;
  result.url_encoding = QueryParam(ctx.query, "encoding-type") == "url";
  result.contents = Summaries(page, /*with_owner=*/true, ctx.user);
  result.common_prefixes = std::move(page.common_prefixes);
  if (page.truncated) result.next_marker = page.last_entry;
  return ReplyXml(ctx, xml::WriteListBucketResult(result));
}

common::Status HandleListObjectsV2(RequestContext& ctx, Services& services,
                                   const op::ListObjectsV2& op) {
  meta::ListQuery query = BaseQuery(ctx.query);
  std::string start_after = QueryParam(ctx.query, "start-after");
  const std::string* token = http::FindParam(ctx.query, "continuation-token");
  if (token) {
    STRATA_ASSIGN_OR_RETURN(query.start_after, DecodeToken(*token));
    // A token from a page that began after start-after never points before it.
    query.start_after = std::max(query.start_after, start_after);
  } else {
    query.start_after = start_after;
  }
  STRATA_ASSIGN_OR_RETURN(meta::ListPage page, services.objects.List(op.bucket, query));
  xml::ListBucketResultV2 result;
  result.name = op.bucket;
  result.prefix = query.prefix;
  result.start_after = start_after;
  if (token) result.continuation_token = *token;
  result.delimiter = query.delimiter;
  result.max_keys = query.max_keys;
  result.is_truncated = page.truncated;
  result.url_encoding = QueryParam(ctx.query, "encoding-type") == "url";
  result.fetch_owner = http::EqualsIgnoreCase(QueryParam(ctx.query, "fetch-owner"), "true");
  result.contents = Summaries(page, result.fetch_owner, ctx.user);
  result.common_prefixes = std::move(page.common_prefixes);
  if (page.truncated) result.next_continuation_token = EncodeToken(page.last_entry);
  return ReplyXml(ctx, xml::WriteListBucketResultV2(result));
}

}  // namespace strata::s3
