// Runs one store operation against the pool as a transaction, retrying it
// when that is safe (docs/metadata-postgres.md, "Retry rules"):
//   * a conflict (40001 serialization_failure, 40P01 deadlock_detected, and,
//     in write transactions, 23505 unique_violation; see connection.h) is
//     retried with jittered exponential backoff, at most max_attempts times in
//     all, then reported as kUnavailable;
//   * a lost connection is reset and the operation run again, at most
//     max_reconnects times, but only when the transaction cannot have
//     committed: the loss happened before COMMIT was sent, or the transaction
//     only read. A write whose COMMIT got no answer may or may not have
//     committed, so it fails with kUnavailable and is not repeated;
//   * anything else (a domain error the operation returned, a constraint it
//     broke) ends the operation at once; the transaction is rolled back.
// The operation's body therefore runs once per attempt and must not have
// effects outside the transaction except on its own outputs, which it must
// overwrite on each attempt. Private to meta/postgres.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

#include "common/result.h"
#include "common/status.h"
#include "meta/postgres/internal/connection.h"
#include "meta/postgres/internal/pool.h"

namespace strata::meta::postgres::internal {

enum class TxnMode {
  // No BEGIN: each statement is its own (autocommit) transaction. For an
  // operation that runs one read statement.
  kStatement,
  // BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY: every statement reads
  // one snapshot (a listing page, a check and the read it guards).
  kSnapshot,
  // BEGIN ISOLATION LEVEL SERIALIZABLE: the result is as if the write
  // transactions ran one at a time, so a check and the write it guards (a
  // conditional PUT, a refcount move) cannot be separated by another node.
  kWrite,
};

struct RetryPolicy {
  int max_attempts = 20;
  int max_reconnects = 2;
  std::chrono::milliseconds base_backoff{2};
  std::chrono::milliseconds max_backoff{100};
  // Test hook: called just before each COMMIT is sent (fault injection).
  std::function<void()> before_commit;
};

class Runner {
 public:
  // `pool` must outlive the runner.
  Runner(Pool& pool, RetryPolicy policy) : pool_(pool), policy_(std::move(policy)) {}

  // Runs `fn(Connection&)`, which returns a Status or a Result<T>, under the
  // rules above. With retry_duplicate_objects, "already exists" DDL errors
  // are retried as conflicts too (migrations only). Thread-safe.
  template <typename Fn>
  std::invoke_result_t<Fn&, Connection&> Run(TxnMode mode, Fn&& fn,
                                             bool retry_duplicate_objects = false);

  // Totals since construction, for tests and metrics.
  uint64_t conflict_retries() const { return conflict_retries_.load(); }
  uint64_t reconnects() const { return reconnects_.load(); }

 private:
  enum class Outcome { kDone, kRetryConflict, kRetryConnection };

  common::Status RunBody(TxnMode mode, const std::function<common::Status(Connection&)>& body,
                         bool retry_duplicate_objects);
  Outcome Attempt(Connection& connection, TxnMode mode,
                  const std::function<common::Status(Connection&)>& body,
                  bool retry_duplicate_objects, common::Status* status);
  void Backoff(int attempt) const;

  Pool& pool_;
  const RetryPolicy policy_;
  std::atomic<uint64_t> conflict_retries_ = 0;
  std::atomic<uint64_t> reconnects_ = 0;
};

template <typename T>
struct ResultValue;
template <typename T>
struct ResultValue<common::Result<T>> {
  using type = T;
};

template <typename Fn>
std::invoke_result_t<Fn&, Connection&> Runner::Run(TxnMode mode, Fn&& fn,
                                                   bool retry_duplicate_objects) {
  using R = std::invoke_result_t<Fn&, Connection&>;
  if constexpr (std::is_same_v<R, common::Status>) {
    return RunBody(mode, fn, retry_duplicate_objects);
  } else {
    std::optional<typename ResultValue<R>::type> out;
    common::Status status = RunBody(
        mode,
        [&](Connection& connection) -> common::Status {
          R result = fn(connection);
          if (!result.ok()) return result.status();
          out = std::move(result).value();
          return common::Status::Ok();
        },
        retry_duplicate_objects);
    if (!status.ok()) return status;
    return *std::move(out);
  }
}

}  // namespace strata::meta::postgres::internal
