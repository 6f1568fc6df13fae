#include "meta/internal/audit_rules.h"

#include <array>
#include <cstddef>
#include <string>
#include <utility>

#include "meta/list_walker.h"
#include "meta/metadata_json.h"

namespace strata::meta::internal {
namespace {

using common::Code;
using common::Error;

constexpr std::string_view kColumns =
    "id, time_ms, request_id, source, user_name, access_key, action, bucket, resource, "
    "http_status, error_code";

bool IsStorable(std::string_view text) {
  return text.find('\0') == std::string_view::npos && IsValidUtf8(text);
}

// Appends `text`, then a placeholder for `value` as the next parameter
// ("?3"), so the numbers always follow the order of the text.
void Add(AuditSql& out, std::string_view text, char marker, AuditParam value) {
  out.params.push_back(std::move(value));
  out.sql += text;
  out.sql += marker;
  out.sql += std::to_string(out.params.size());
}

}  // namespace

common::Status CheckAuditRecords(std::span<const AuditRecord> records) {
  for (size_t i = 0; i < records.size(); ++i) {
    const AuditRecord& record = records[i];
    // Named by its place in the batch: the id itself may be the bad field.
    auto invalid = [&](std::string_view rule) {
      return Error(Code::kInvalidArgument,
                   "audit record " + std::to_string(i) + " of the batch: " + std::string(rule));
    };
    if (record.id.empty()) return invalid("empty id");
    if (record.action.empty()) return invalid("empty action");
    const std::array<std::pair<std::string_view, const std::string*>, 9> texts = {{
        {"id", &record.id},
        {"request_id", &record.request_id},
        {"source", &record.source},
        {"user", &record.user},
        {"access_key", &record.access_key},
        {"action", &record.action},
        {"bucket", &record.bucket},
        {"resource", &record.resource},
        {"error_code", &record.error_code},
    }};
    for (const auto& [name, text] : texts) {
      if (!IsStorable(*text)) {
        return invalid(std::string(name) + " is not UTF-8 text without NUL bytes");
      }
    }
  }
  return common::Status::Ok();
}

common::Status CheckAuditQuery(const AuditQuery& query) {
  if (query.limit < 1 || query.limit > kMaxAuditQueryLimit) {
    return Error(Code::kInvalidArgument, "audit query limit must be 1.." +
                                             std::to_string(kMaxAuditQueryLimit) + ", not " +
                                             std::to_string(query.limit));
  }
  for (const std::string* filter : {&query.user, &query.bucket, &query.action}) {
    if (!IsStorable(*filter)) {
      return Error(Code::kInvalidArgument,
                   "audit query filters must be UTF-8 text without NUL bytes");
    }
  }
  return common::Status::Ok();
}

ActionFilter ParseActionFilter(std::string_view action) {
  if (action.empty() || action == "*") return {};
  if (!action.ends_with('*')) {
    return {.kind = ActionFilter::Kind::kExact, .text = std::string(action), .below = {}};
  }
  action.remove_suffix(1);
  return {.kind = ActionFilter::Kind::kPrefix,
          .text = std::string(action),
          .below = PrefixSuccessor(action)};
}

AuditSql AuditInsert(std::span<const AuditRecord> records, char marker) {
  AuditSql out;
  out.params.reserve(records.size() * kAuditColumnCount);
  out.sql = "INSERT INTO audit_log (" + std::string(kColumns) + ") VALUES ";
  for (size_t i = 0; i < records.size(); ++i) {
    const AuditRecord& r = records[i];
    Add(out, i == 0 ? "(" : ", (", marker, r.id);
    Add(out, ", ", marker, r.time_ms);
    Add(out, ", ", marker, r.request_id);
    Add(out, ", ", marker, r.source);
    Add(out, ", ", marker, r.user);
    Add(out, ", ", marker, r.access_key);
    Add(out, ", ", marker, r.action);
    Add(out, ", ", marker, r.bucket);
    Add(out, ", ", marker, r.resource);
    Add(out, ", ", marker, int64_t{r.http_status});
    Add(out, ", ", marker, r.error_code);
    out.sql += ")";
  }
  out.sql += " ON CONFLICT (id) DO NOTHING";
  return out;
}

AuditSql AuditSelect(const AuditQuery& query, const ActionFilter& action, char marker) {
  AuditSql out;
  out.sql = "SELECT " + std::string(kColumns) + " FROM audit_log";
  Add(out, " WHERE time_ms >= ", marker, query.since_ms);
  Add(out, " AND time_ms < ", marker, query.until_ms);
  if (!query.user.empty()) Add(out, " AND user_name = ", marker, query.user);
  if (!query.bucket.empty()) Add(out, " AND bucket = ", marker, query.bucket);
  switch (action.kind) {
    case ActionFilter::Kind::kAny:
      break;
    case ActionFilter::Kind::kExact:
      Add(out, " AND action = ", marker, action.text);
      break;
    case ActionFilter::Kind::kPrefix:
      // A range, not LIKE: SQLite's LIKE ignores ASCII case, and both
      // engines treat '%' and '_' in a pattern as wildcards. Both compare
      // TEXT byte by byte (PostgreSQL under the C collation the store
      // requires), so the range holds exactly the actions with the prefix.
      Add(out, " AND action >= ", marker, action.text);
      if (action.below) Add(out, " AND action < ", marker, *action.below);
      break;
  }
  if (query.failures_only) out.sql += " AND error_code <> ''";
  Add(out, " ORDER BY time_ms DESC, id DESC LIMIT ", marker, int64_t{query.limit});
  return out;
}

AuditSql AuditDeleteBefore(int64_t before_ms, char marker) {
  AuditSql out;
  Add(out, "DELETE FROM audit_log WHERE time_ms < ", marker, before_ms);
  return out;
}

}  // namespace strata::meta::internal
