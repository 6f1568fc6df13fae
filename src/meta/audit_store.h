// AuditStore: the audit trail's table, audit_log (ARCHITECTURE.md section 8, issue 7) —
// who did what to which resource, when, from where, and how it ended. Kept in
// the metadata database so one backup holds it with the rest; every MetaStore
// backend (SQLite, PostgreSQL) also implements this interface, and the
// contract suite (meta_store_contract_audit.cc) checks it on both. The
// decorators (CachedMetaStore, obs::TimedMetaStore) do not: the trail uses
// the backend's directly (OpenedMetaStore::audit).
//
// Rows are only appended (in batches, by obs::AuditTrail's writer thread)
// and removed by age (retention); nothing updates them. The store keeps the
// rows; what is recorded and when is obs::AuditTrail's business.
//
// Errors: kInvalidArgument for a malformed query or record; otherwise
// kUnavailable, kCorruption or kInternal as MetaStore's methods.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/status.h"

namespace strata::meta {

struct AuditRecord {
  // Unique, made by the writer (random text, never a sequence: no hot counter
  // on a write path); with time_ms, the row's order.
  std::string id;
  int64_t time_ms = 0;     // when the request finished (Unix ms)
  std::string request_id;  // the x-amz-request-id the client saw
  std::string source;      // the client's address ("127.0.0.1")
  // Who: the user name ("" for anonymous callers; the root user's name for
  // root) and the access key that signed ("" when none). For an
  // authentication failure, the name or key the caller claimed, unverified.
  std::string user;
  std::string access_key;
  // What: "s3:PutObject", "admin:CreateUser", "admin:Login", ... (the IAM
  // action or admin route name).
  std::string action;
  // Which resource: the bucket ("" for none) and the object key or the admin
  // resource (a user, group or policy name; "" for none).
  std::string bucket;
  std::string resource;
  // How it ended: the HTTP status and the error code ("" on success).
  int http_status = 0;
  std::string error_code;

  bool operator==(const AuditRecord&) const = default;
};

// Filters for QueryAudit; empty strings and the default bounds match all.
struct AuditQuery {
  int64_t since_ms = 0;                                    // time_ms >= since_ms
  int64_t until_ms = std::numeric_limits<int64_t>::max();  // time_ms < until_ms
  std::string user;                                        // exact
  std::string bucket;                                      // exact
  std::string action;  // exact ("s3:PutObject") or a prefix ending in '*' ("s3:*", "admin:*")
  bool failures_only = false;  // only rows with a non-empty error_code
  int limit = 100;             // 1..10000 (kInvalidArgument outside)
};

class AuditStore {
 public:
  virtual ~AuditStore() = default;

  // Appends the records in one transaction (all or none). An empty span is a
  // no-op. kInvalidArgument, storing nothing, when a record has an empty id or
  // action, or a text field that is not valid UTF-8 or holds a NUL byte
  // (PostgreSQL cannot store such text, and every backend refuses it alike):
  // the writer cleans client-supplied text (a claimed user name or key) first.
  // A record whose id is already stored is skipped, not an error, so a batch
  // retried after a commit of unknown outcome (kUnavailable) is not stored
  // twice.
  virtual common::Status AppendAudit(std::span<const AuditRecord> records) = 0;

  // The matching rows, newest first (time_ms descending, then id descending),
  // at most query.limit of them.
  virtual common::Result<std::vector<AuditRecord>> QueryAudit(const AuditQuery& query) = 0;

  // Removes every row with time_ms < before_ms; returns how many went.
  virtual common::Result<uint64_t> DeleteAuditBefore(int64_t before_ms) = 0;
};

}  // namespace strata::meta
