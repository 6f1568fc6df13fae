#include "admin/audit_wire.h"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <optional>
#include <set>
#include <string>

#include "common/time_format.h"
#include "http/url.h"

namespace strata::admin {
namespace {

using common::Code;
using common::Error;

std::optional<int64_t> ParseNumber(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Unix milliseconds (digits only) or RFC 3339.
common::Result<int64_t> ParseTime(std::string_view name, std::string_view value) {
  const bool digits = value.find_first_not_of("0123456789") == std::string_view::npos;
  std::optional<int64_t> ms = digits ? ParseNumber(value) : common::ParseRfc3339Millis(value);
  if (!ms) {
    return Error(Code::kInvalidArgument,
                 std::string(name) +
                     " must be an RFC 3339 time (2026-12-01T06:00:00Z) or Unix milliseconds");
  }
  return *ms;
}

}  // namespace

common::Result<meta::AuditQuery> ParseAuditQuery(std::string_view query) {
  std::optional<http::QueryParams> params = http::ParseQuery(query);
  if (!params) return Error(Code::kInvalidArgument, "malformed percent-escape in the query");
  meta::AuditQuery out;
  out.limit = kDefaultAuditLimit;
  static constexpr std::string_view kNames[] = {"since",  "until",    "user", "bucket",
                                                "action", "failures", "limit"};
  std::set<std::string> seen;
  for (const auto& [name, value] : *params) {
    if (std::find(std::begin(kNames), std::end(kNames), name) == std::end(kNames)) {
      return Error(Code::kInvalidArgument, "unknown parameter " + name);
    }
    if (!seen.insert(name).second) {
      return Error(Code::kInvalidArgument, "the parameter " + name + " is repeated");
    }
    if (value.empty()) continue;
    if (name == "since") {
      STRATA_ASSIGN_OR_RETURN(out.since_ms, ParseTime(name, value));
    } else if (name == "until") {
      STRATA_ASSIGN_OR_RETURN(out.until_ms, ParseTime(name, value));
    } else if (name == "user") {
      out.user = value;
    } else if (name == "bucket") {
      out.bucket = value;
    } else if (name == "action") {
      const size_t star = value.find('*');
      if (star != std::string::npos && star != value.size() - 1) {
        return Error(Code::kInvalidArgument,
                     "action is an exact action or a prefix ending in '*' (s3:*)");
      }
      out.action = value;
    } else if (name == "failures") {
      if (value != "true" && value != "false") {
        return Error(Code::kInvalidArgument, "failures must be true or false");
      }
      out.failures_only = value == "true";
    } else if (name == "limit") {
      std::optional<int64_t> limit = ParseNumber(value);
      if (!limit || *limit < 1 || *limit > kMaxAuditLimit) {
        return Error(Code::kInvalidArgument,
                     "limit must be a number from 1 to " + std::to_string(kMaxAuditLimit));
      }
      out.limit = static_cast<int>(*limit);
    }
  }
  return out;
}

nlohmann::json AuditRecordJson(const meta::AuditRecord& r) {
  return {{"id", r.id},
          {"time", common::FormatIso8601Millis(r.time_ms)},
          {"time_ms", r.time_ms},
          {"request_id", r.request_id},
          {"source", r.source},
          {"user", r.user},
          {"access_key", r.access_key},
          {"action", r.action},
          {"bucket", r.bucket},
          {"resource", r.resource},
          {"status", r.http_status},
          {"error", r.error_code}};
}

}  // namespace strata::admin
