#include "s3/handlers/object_headers.h"

#include "common/time_format.h"

namespace strata::s3 {
namespace {

constexpr std::string_view kUserMetaPrefix = "x-amz-meta-";

// Stored as sent and returned verbatim; names as S3 spells them on the way out.
constexpr std::pair<std::string_view, std::string_view> kStoredHeaders[] = {
    {"content-encoding", "Content-Encoding"},
    {"content-disposition", "Content-Disposition"},
    {"content-language", "Content-Language"},
    {"cache-control", "Cache-Control"},
    {"expires", "Expires"},
    {"x-amz-website-redirect-location", "x-amz-website-redirect-location"},
};

// response-* query parameters a GET may use to override a header.
constexpr std::pair<std::string_view, std::string_view> kResponseOverrides[] = {
    {"response-content-type", "Content-Type"},
    {"response-content-language", "Content-Language"},
    {"response-expires", "Expires"},
    {"response-cache-control", "Cache-Control"},
    {"response-content-disposition", "Content-Disposition"},
    {"response-content-encoding", "Content-Encoding"},
};

}  // namespace

common::Result<meta::WriteCondition> ReadWriteCondition(const http::Headers& headers) {
  meta::WriteCondition condition;
  const std::string* if_none_match = headers.Find("if-none-match");
  const std::string* if_match = headers.Find("if-match");
  if (if_none_match && if_match) {
    return common::Error(common::Code::kNotImplemented,
                         "A header you provided implies functionality that is not implemented");
  }
  if (if_none_match) {
    if (*if_none_match != "*") {
      return common::Error(common::Code::kNotImplemented,
                           "If-None-Match on a write only supports '*'");
    }
    condition.kind = meta::WriteCondition::Kind::kIfNoneMatchAny;
  } else if (if_match) {
    std::string_view etag = *if_match;
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
      etag = etag.substr(1, etag.size() - 2);
    }
    condition.kind = meta::WriteCondition::Kind::kIfMatch;
    condition.etag = std::string(etag);
  }
  return condition;
}

std::string QuoteEtag(std::string_view etag) { return "\"" + std::string(etag) + "\""; }

StoredHeaders ReadStoredHeaders(const http::Headers& headers) {
  StoredHeaders out;
  out.content_type = std::string(headers.Get("content-type"));
  for (const auto& [name, value] : headers.entries()) {
    if (name.starts_with(kUserMetaPrefix) && name.size() > kUserMetaPrefix.size()) {
      out.user_metadata.emplace_back(name.substr(kUserMetaPrefix.size()), value);
    }
  }
  for (const auto& [name, unused] : kStoredHeaders) {
    if (const std::string* value = headers.Find(name)) {
      // aws-chunked is transfer framing, not the object's encoding. Clients
      // send it in the same header or in a second Content-Encoding line.
      if (name == "content-encoding") {
        std::string kept;
        std::string joined = headers.GetJoined(name);
        std::string_view rest = joined;
        while (!rest.empty()) {
          size_t comma = rest.find(',');
          std::string_view item = rest.substr(0, comma);
          while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
          while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
          if (!item.empty() && item != "aws-chunked") {
            if (!kept.empty()) kept += ",";
            kept += item;
          }
          rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
        }
        if (!kept.empty()) out.system_metadata.emplace_back(name, kept);
        continue;
      }
      out.system_metadata.emplace_back(name, *value);
    }
  }
  return out;
}

void WriteObjectHeaders(const meta::ObjectRecord& object, const http::QueryParams& query,
                        http::Headers& out) {
  out.Set("ETag", QuoteEtag(object.etag));
  out.Set("Last-Modified", common::FormatHttpDate(object.last_modified_ms / 1000));
  out.Set("Content-Type", object.content_type);
  out.Set("Accept-Ranges", "bytes");
  for (const auto& [name, value] : object.system_metadata) {
    for (const auto& [stored, spelled] : kStoredHeaders) {
      if (name == stored) out.Set(spelled, value);
    }
  }
  for (const auto& [name, value] : object.user_metadata) {
    out.Add(std::string(kUserMetaPrefix) + name, value);
  }
  // The count only, as AWS answers: the tags are GetObjectTagging's.
  if (!object.tags.empty()) out.Set("x-amz-tagging-count", std::to_string(object.tags.size()));
  for (const auto& [param, header] : kResponseOverrides) {
    if (const std::string* value = http::FindParam(query, param)) out.Set(header, *value);
  }
}

service::ReadConditions ReadConditionHeaders(const http::Headers& headers,
                                             std::string_view prefix) {
  auto header = [&](std::string_view name) {
    return headers.Find(std::string(prefix) + std::string(name));
  };
  service::ReadConditions c;
  if (const std::string* v = header("if-match")) c.if_match = *v;
  if (const std::string* v = header("if-none-match")) c.if_none_match = *v;
  if (const std::string* v = header("if-modified-since")) {
    c.if_modified_since = common::ParseHttpDate(*v);
  }
  if (const std::string* v = header("if-unmodified-since")) {
    c.if_unmodified_since = common::ParseHttpDate(*v);
  }
  return c;
}

}  // namespace strata::s3
