#include "meta/postgres/internal/runner.h"

#include <algorithm>
#include <random>
#include <string>
#include <thread>

namespace strata::meta::postgres::internal {
namespace {

using common::Code;
using common::Error;

std::string_view BeginSql(TxnMode mode) {
  return mode == TxnMode::kWrite ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
                                 : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
}

}  // namespace

void Runner::Backoff(int attempt) const {
  // "Full jitter": a uniform wait up to an exponentially growing cap, so the
  // transactions that collided spread out instead of colliding again.
  thread_local std::minstd_rand random(std::random_device{}());
  const int64_t cap = std::min<int64_t>(policy_.max_backoff.count(), policy_.base_backoff.count()
                                                                         << std::min(attempt, 20));
  std::uniform_int_distribution<int64_t> wait(0, std::max<int64_t>(cap, 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(wait(random)));
}

Runner::Outcome Runner::Attempt(Connection& connection, TxnMode mode,
                                const std::function<common::Status(Connection&)>& body,
                                bool retry_duplicate_objects, common::Status* status) {
  connection.ClearFailure();
  if (mode != TxnMode::kStatement) {
    *status = connection.Script(BeginSql(mode));
    if (!status->ok()) {
      return connection.failure() == Failure::kConnectionLost ? Outcome::kRetryConnection
                                                              : Outcome::kDone;
    }
  }
  *status = body(connection);
  if (!status->ok()) {
    const Failure failure = connection.failure();
    // Nothing was committed: the server rolls back what the body did (and a
    // dead connection took its transaction with it).
    if (mode != TxnMode::kStatement && !connection.broken()) {
      (void)connection.Script("ROLLBACK");
    }
    switch (failure) {
      case Failure::kConflict:
        return Outcome::kRetryConflict;
      case Failure::kUniqueViolation:
        return mode == TxnMode::kWrite ? Outcome::kRetryConflict : Outcome::kDone;
      case Failure::kDuplicateObject:
        return retry_duplicate_objects ? Outcome::kRetryConflict : Outcome::kDone;
      case Failure::kConnectionLost:
        return Outcome::kRetryConnection;
      case Failure::kNone:  // the body's own (domain) error
      case Failure::kOther:
        return Outcome::kDone;
    }
    return Outcome::kDone;
  }
  if (mode == TxnMode::kStatement) return Outcome::kDone;
  if (policy_.before_commit) policy_.before_commit();
  *status = connection.Script("COMMIT");
  if (status->ok()) return Outcome::kDone;
  switch (connection.failure()) {
    case Failure::kConflict:
    case Failure::kUniqueViolation:
      // The server refused to commit and rolled back: safe to run again.
      return Outcome::kRetryConflict;
    case Failure::kConnectionLost:
      // A read-only transaction changed nothing either way. A write may have
      // committed before the connection died: running it again could apply it
      // twice, so the caller learns that the outcome is unknown.
      if (mode != TxnMode::kWrite) return Outcome::kRetryConnection;
      *status = Error(Code::kUnavailable,
                      "PostgreSQL connection lost during COMMIT; the change may or may not "
                      "have been applied: " +
                          status->message());
      return Outcome::kDone;
    default:
      return Outcome::kDone;
  }
}

common::Status Runner::RunBody(TxnMode mode, const std::function<common::Status(Connection&)>& body,
                               bool retry_duplicate_objects) {
  int attempts = 0;
  int reconnects = 0;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(Pool::Lease connection, pool_.Acquire());
    if (connection->broken()) {
      ++reconnects_;
      common::Status reset = connection->Reset();
      if (!reset.ok()) {
        if (++reconnects > policy_.max_reconnects) return reset;
        Backoff(reconnects);
        continue;
      }
    }
    ++attempts;
    common::Status status;
    switch (Attempt(*connection, mode, body, retry_duplicate_objects, &status)) {
      case Outcome::kDone:
        return status;
      case Outcome::kRetryConflict:
        if (attempts >= policy_.max_attempts) {
          return Error(Code::kUnavailable, "PostgreSQL transaction still conflicting after " +
                                               std::to_string(attempts) +
                                               " attempts: " + status.message());
        }
        ++conflict_retries_;
        Backoff(attempts);
        break;
      case Outcome::kRetryConnection:
        if (++reconnects > policy_.max_reconnects) {
          return Error(Code::kUnavailable, status.message());
        }
        // The lease goes back broken; the next Acquire resets it.
        break;
    }
  }
}

}  // namespace strata::meta::postgres::internal
