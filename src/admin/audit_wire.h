// The audit log endpoint's wire format (docs/admin-api.md "Audit log"): the
// query string of GET audit parsed into a meta::AuditQuery, and audit rows
// encoded as JSON. Pure functions; no I/O.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "common/result.h"
#include "meta/audit_store.h"

namespace strata::admin {

// The default and the largest `limit`.
inline constexpr int kDefaultAuditLimit = 100;
inline constexpr int kMaxAuditLimit = 10000;

// Parses GET audit's query string (still percent-encoded, without '?'):
//   since, until  an RFC 3339 time ("2026-12-01T06:00:00Z", with an offset
//                 or a fraction) or Unix milliseconds; rows with
//                 since <= time < until
//   user, bucket  exact matches
//   action        exact ("s3:PutObject") or a prefix ending in '*' ("s3:*")
//   failures      "true" (only rows with an error) or "false"
//   limit         1..kMaxAuditLimit, default kDefaultAuditLimit
// A parameter given with an empty value is as if absent. kInvalidArgument,
// naming the parameter, for an unknown or repeated parameter, a value that
// does not parse, a '*' anywhere but at the end of action, or a malformed
// %-escape.
common::Result<meta::AuditQuery> ParseAuditQuery(std::string_view query);

// One row: {"id", "time" (RFC 3339, milliseconds, UTC), "time_ms",
// "request_id", "source", "user", "access_key", "action", "bucket",
// "resource", "status", "error"}.
nlohmann::json AuditRecordJson(const meta::AuditRecord& record);

}  // namespace strata::admin
