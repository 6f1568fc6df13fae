// Thin RAII layer over one sqlite3 connection: statement cache, typed binds,
// transactions, and SQLite result codes turned into Status. Private to
// meta/sqlite.
#pragma once

#include <sqlite3.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.h"
#include "common/status.h"
#include "common/string_hash.h"

namespace strata::meta::sqlite::internal {

// Status for SQLite result code `rc` on `db` (may be null): BUSY and LOCKED
// become kUnavailable, CORRUPT and NOTADB kCorruption, anything else
// kInternal. The message names `what` and SQLite's own message.
common::Status SqliteError(sqlite3* db, int rc, std::string_view what);

// A SQL LIMIT for a size_t count (clamped to INT64_MAX).
inline int64_t SqlLimit(size_t limit) {
  return static_cast<int64_t>(
      std::min<size_t>(limit, static_cast<size_t>(std::numeric_limits<int64_t>::max())));
}

// One use of a cached prepared statement. Binds copy their arguments
// (SQLITE_TRANSIENT), so callers need not keep them alive. The destructor
// resets the statement and clears its bindings, ready for the next user.
// Move-only. Not thread-safe; lives no longer than its Connection.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based ("?1"). A bind failure is reported by the next
  // Step().
  void Bind(int index, std::string_view text);
  void Bind(int index, int64_t value);
  // Binds `bytes` as a BLOB (zero-length when empty, not NULL).
  void BindBlob(int index, std::string_view bytes);
  void BindNull(int index);

  // Runs one step: true when a row is ready to read, false when done.
  common::Result<bool> Step();
  // Steps until done, ignoring rows (INSERT, UPDATE, DELETE).
  common::Status Run();
  // Rewinds to run again; bindings are kept until rebound.
  void Reset();

  // Column accessors for the current row; column 0 is the first.
  std::string_view ColumnText(int column) const;  // valid until the next Step/Reset
  int64_t ColumnInt(int column) const;
  // A BLOB column's bytes ("" for NULL); valid until the next Step/Reset.
  std::string_view ColumnBlob(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  common::Status bind_status_;
};

struct ConnectionOptions {
  int busy_timeout_ms = 5000;
  // Refuses writes on this connection (PRAGMA query_only): pooled readers.
  bool query_only = false;
};

// One open database connection with its prepared-statement cache. Used by one
// thread at a time (opened SQLITE_OPEN_NOMUTEX: the owner provides the
// locking).
class Connection {
 public:
  // Opens (creating if missing) the database file at `path` and applies the
  // connection PRAGMAs: journal_mode=WAL, synchronous=FULL, foreign_keys=ON,
  // busy_timeout. kInternal/kUnavailable/kCorruption on failure.
  static common::Result<std::unique_ptr<Connection>> Open(const std::string& path,
                                                          const ConnectionOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more ';'-separated statements that return no rows we need.
  common::Status Exec(std::string_view sql);
  // Runs one statement through the statement cache: for the few statements
  // run on every request (BEGIN, COMMIT, SAVEPOINT), which Exec would parse
  // each time (about 5 % of a small GET's CPU).
  common::Status RunCached(std::string_view sql);
  // The cached prepared form of `sql`, prepared on first use. At most one
  // Statement per distinct sql may be alive at a time.
  common::Result<Statement> Prepare(std::string_view sql);

  // Rows changed by the last INSERT, UPDATE or DELETE run on this connection.
  int64_t Changes() const { return sqlite3_changes64(db_); }

  sqlite3* raw() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  // Found by string_view: no std::string is built per lookup.
  std::unordered_map<std::string, sqlite3_stmt*, common::StringHash, std::equal_to<>> statements_;
};

// A transaction on a Connection, rolled back on destruction unless committed,
// so every early return undoes partial work.
class Transaction {
 public:
  enum class Mode {
    // BEGIN DEFERRED: a read snapshot taken at the first read.
    kRead,
    // BEGIN IMMEDIATE: takes the write lock up front, so a read-then-write
    // (conditional PUT) cannot be invalidated by another writer in between.
    kWrite,
  };
  explicit Transaction(Connection& connection) : connection_(connection) {}
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  common::Status Begin(Mode mode);
  common::Status Commit();

 private:
  Connection& connection_;
  bool active_ = false;
};

}  // namespace strata::meta::sqlite::internal
