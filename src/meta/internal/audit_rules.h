// The AuditStore rules that do not depend on a database (audit_store.h):
// what a record must hold, what a query may ask, and the SQL both backends
// run against audit_log (migration 0005), built once so the column order and
// the filters cannot drift apart between SQLite and PostgreSQL. Pure
// functions: no I/O, thread-safe. Private to meta/.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"
#include "meta/audit_store.h"

namespace strata::meta::internal {

// AuditQuery::limit is 1 .. kMaxAuditQueryLimit.
inline constexpr int kMaxAuditQueryLimit = 10000;

// AppendAudit's rules for every record (kInvalidArgument naming the record
// and the rule, checked before anything is written): a non-empty id and
// action, and text fields that are valid UTF-8 without NUL bytes. PostgreSQL's
// TEXT cannot hold anything else, and SQLite refuses the same so that a
// record is accepted or refused alike on every backend.
common::Status CheckAuditRecords(std::span<const AuditRecord> records);

// QueryAudit's rules (kInvalidArgument naming the rule): limit in
// 1 .. kMaxAuditQueryLimit, and user, bucket and action filters that are
// valid UTF-8 without NUL bytes (no stored row could match anything else).
common::Status CheckAuditQuery(const AuditQuery& query);

// AuditQuery::action as the SELECT compares it.
struct ActionFilter {
  enum class Kind {
    kAny,     // "" or "*": no condition
    kExact,   // action = text
    kPrefix,  // text <= action < below ("s3:*": text "s3:")
  };
  Kind kind = Kind::kAny;
  std::string text;
  // kPrefix: the least string above every string that starts with `text`
  // (PrefixSuccessor), nullopt for no upper bound. A backend whose TEXT
  // cannot hold this bound may replace it by the least storable string at or
  // above it (or drop it when there is none): for stored actions the
  // comparison is the same.
  std::optional<std::string> below;
};

// Only a trailing '*' makes a prefix; '%', '_' and any other '*' are literal
// characters (the SELECT compares ranges, never LIKE patterns).
ActionFilter ParseActionFilter(std::string_view action);

// A statement parameter: BIGINT or TEXT.
using AuditParam = std::variant<int64_t, std::string>;

// audit_log's columns in the order every statement below binds and reads
// them (AuditRecord's field order).
inline constexpr int kAuditColumnCount = 11;

// One SQL statement and its parameters, numbered from 1 in order. `marker`
// is the parameter prefix: '?' for SQLite (?NNN), '$' for PostgreSQL ($NNN).
struct AuditSql {
  std::string sql;
  std::vector<AuditParam> params;
};

// INSERT of `records` in one statement. A record whose id is already stored
// (by an earlier append, or earlier in the same batch) is skipped: ON
// CONFLICT (id) DO NOTHING, so a batch retried after a commit of unknown
// outcome is not stored twice. REQUIRES: records is not empty;
// CheckAuditRecords passed.
AuditSql AuditInsert(std::span<const AuditRecord> records, char marker);

// The SELECT of `query`'s rows, newest first (time_ms, then id, descending),
// reading kAuditColumnCount columns in AuditRecord's field order; `action`
// is ParseActionFilter(query.action), possibly with its bound adjusted.
// REQUIRES: CheckAuditQuery(query) passed.
AuditSql AuditSelect(const AuditQuery& query, const ActionFilter& action, char marker);

// DELETE of the rows with time_ms < before_ms.
AuditSql AuditDeleteBefore(int64_t before_ms, char marker);

}  // namespace strata::meta::internal
