// AuditTrail: records who did what, to which resource, when, from where and
// with which result (issue 7, ARCHITECTURE.md section 8) for every mutation
// and every authentication or authorization failure, in the metadata store's
// audit table (meta/audit_store.h) and, when configured, a JSON-lines file.
//
// Record() only queues: the request path never waits on the database. One
// writer thread drains the queue in batches (up to kMaxBatch records, or
// whatever arrived within flush_interval) into one AppendAudit transaction,
// so a burst of small PUTs costs one commit per batch, not one per PUT. The
// queue is bounded; when it is full Record() waits (backpressure) rather than
// drop a record. A batch the store refuses is retried with backoff a few
// times, then counted as lost (strata_audit_records_lost_total) and logged;
// the file, written before the store, still has it.
//
// Stop() (and the destructor) drains the queue, writes what is left and joins
// the writer: graceful shutdown calls it after the HTTP server has drained.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "meta/audit_store.h"
#include "obs/metrics.h"

namespace strata::obs {

struct AuditOptions {
  // JSON-lines file appended to (created 0600 when missing); "" for none.
  // One object per line: {"time":"2026-12-01T06:07:43.123Z","id":...,
  // "request_id","source","user","access_key","action","bucket","resource",
  // "status","error"} — never a body, a password, a token or a secret.
  std::string file_path;
  std::chrono::milliseconds flush_interval{200};
  size_t max_queue = 10000;
  // Rows older than this are deleted (by the writer, about once an hour);
  // zero keeps them forever.
  std::chrono::hours retention{24 * 90};
};

// Which requests are audited: every request that may change state (any
// method but GET, HEAD and OPTIONS), whatever its result, and every request
// that failed authentication or authorization (401, 403, or one of the
// signature/credential error codes), whatever its method.
bool ShouldAudit(std::string_view method, int http_status, std::string_view error_code);

class AuditTrail {
 public:
  static constexpr size_t kMaxBatch = 512;

  // `store` and `metrics` (may be null) are not owned and must outlive the
  // trail. Fails when the file cannot be opened.
  static common::Result<std::unique_ptr<AuditTrail>> Open(meta::AuditStore& store,
                                                          const common::Clock& clock,
                                                          obs::Metrics* metrics,
                                                          AuditOptions options);
  ~AuditTrail();  // Stop()

  // Queues one record; fills id (random) and time_ms (the clock's now) when
  // they are empty/zero. Thread-safe; never fails.
  void Record(meta::AuditRecord record);

  // Waits until everything queued before the call is in the store and the
  // file (or given up on). For tests and shutdown.
  void Flush();

  // Flushes and stops the writer; later Record() calls are dropped and counted
  // as lost. Idempotent.
  void Stop();

 private:
  class Impl;
  explicit AuditTrail(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::obs
