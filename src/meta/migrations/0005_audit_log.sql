-- The audit trail (meta/audit_store.h, ARCHITECTURE.md section 8): one row
-- per audited request, appended in batches by obs::AuditTrail's writer and
-- deleted by age (retention); never updated. Same shared SQL subset as 0001.
-- The id is made by the writer (random text), never by a sequence, so no hot
-- counter sits on the request path.

CREATE TABLE audit_log (
  id TEXT NOT NULL PRIMARY KEY,
  -- When the request finished, Unix ms (set by Strata, never a default).
  time_ms BIGINT NOT NULL,
  request_id TEXT NOT NULL DEFAULT '',
  -- The client's address.
  source TEXT NOT NULL DEFAULT '',
  -- Who: '' for anonymous callers; for an authentication failure, the name
  -- or key the caller claimed.
  user_name TEXT NOT NULL DEFAULT '',
  access_key TEXT NOT NULL DEFAULT '',
  -- "s3:PutObject", "admin:CreateUser", ...
  action TEXT NOT NULL,
  bucket TEXT NOT NULL DEFAULT '',
  -- The object key or admin resource; '' for none.
  resource TEXT NOT NULL DEFAULT '',
  http_status BIGINT NOT NULL,
  -- '' on success.
  error_code TEXT NOT NULL DEFAULT ''
);

-- QueryAudit reads newest first (time_ms, then id, descending) with at most
-- one equality filter that has an index of its own; each index ends in
-- (time_ms, id), so the rows come out of the index already in that order and
-- a LIMIT stops the scan early. The first also serves the unfiltered query,
-- since/until alone, and DeleteAuditBefore (retention).
CREATE INDEX audit_log_by_time ON audit_log (time_ms, id);
CREATE INDEX audit_log_by_user ON audit_log (user_name, time_ms, id);
CREATE INDEX audit_log_by_bucket ON audit_log (bucket, time_ms, id);
-- An exact action is an equality on this one. A prefix ("s3:*") is a range
-- on it (whose rows are then sorted), unless the planner prefers walking
-- audit_log_by_time and filtering, which a prefix matching most rows favours.
CREATE INDEX audit_log_by_action ON audit_log (action, time_ms, id);
