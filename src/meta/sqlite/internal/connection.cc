#include "meta/sqlite/internal/connection.h"

#include <mutex>
#include <string>
#include <utility>

namespace strata::meta::sqlite::internal {

using common::Code;
using common::Error;

common::Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string message(what);
  message += ": ";
  // sqlite3_errmsg describes the most recent failure on `db`, which is the
  // one being reported; without a handle only the code's text is known.
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error(Code::kUnavailable, std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Error(Code::kCorruption, std::move(message));
    default:
      return Error(Code::kInternal, std::move(message));
  }
}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  // The return value repeats the last Step() error, already reported.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      bind_status_(std::move(other.bind_status_)) {}

void Statement::Bind(int index, std::string_view text) {
  int rc =
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_status_.ok()) bind_status_ = SqliteError(db_, rc, "bind");
}

void Statement::Bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_status_.ok()) bind_status_ = SqliteError(db_, rc, "bind");
}

void Statement::BindBlob(int index, std::string_view bytes) {
  // A null pointer would bind NULL; an empty body is a zero-length BLOB.
  static constexpr char kEmpty = 0;
  const char* data = bytes.empty() ? &kEmpty : bytes.data();
  int rc = sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_status_.ok()) bind_status_ = SqliteError(db_, rc, "bind");
}

void Statement::BindNull(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_status_.ok()) bind_status_ = SqliteError(db_, rc, "bind");
}

common::Result<bool> Statement::Step() {
  if (!bind_status_.ok()) return bind_status_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_, rc, "step");
}

common::Status Statement::Run() {
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return common::Status::Ok();
  }
}

void Statement::Reset() { sqlite3_reset(stmt_); }

std::string_view Statement::ColumnText(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  // Length after the text call, as SQLite requires; keys may hold NUL bytes.
  return {text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::string_view Statement::ColumnBlob(int column) const {
  const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  if (data == nullptr) return {};  // NULL or zero-length
  return {data, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

int64_t Statement::ColumnInt(int column) const { return sqlite3_column_int64(stmt_, column); }

namespace {

// SQLite counts its allocations behind one process-wide mutex unless told not
// to, and every query allocates: with many request threads reading at once
// that mutex was a visible share of a small GET's context switches. It can
// only be set before SQLite initialises (the first open); a later call fails
// harmlessly, so a process that opened SQLite elsewhere first keeps the count.
void TurnOffMemoryStatistics() {
  static std::once_flag once;
  std::call_once(once, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

common::Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                             const ConnectionOptions& options) {
  TurnOffMemoryStatistics();
  sqlite3* db = nullptr;
  // NOMUTEX: each Connection is used by one thread at a time (the store's
  // write mutex or read pool guarantees it), so SQLite's own locking is waste.
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Connection> connection(new Connection(db));  // closes db even on failure
  if (rc != SQLITE_OK) return SqliteError(db, rc, "open " + path);
  sqlite3_extended_result_codes(db, 1);

  rc = sqlite3_busy_timeout(db, options.busy_timeout_ms);
  if (rc != SQLITE_OK) return SqliteError(db, rc, "busy_timeout");

  // WAL: readers see the last commit while a writer works, and a commit
  // appends to one file. The mode is stored in the database, but asking on
  // every connection is cheap and confirms it took effect.
  STRATA_ASSIGN_OR_RETURN(Statement wal, connection->Prepare("PRAGMA journal_mode=WAL"));
  STRATA_ASSIGN_OR_RETURN(bool row, wal.Step());
  if (!row || wal.ColumnText(0) != "wal") {
    return Error(Code::kInternal, "cannot put " + path + " in WAL mode (got '" +
                                      std::string(row ? wal.ColumnText(0) : "") + "')");
  }
  // synchronous=FULL: in WAL mode, fsync the log at every commit, so a
  // committed PutObject survives power loss (NORMAL could lose the last ones).
  // foreign_keys: objects.bucket must name a bucket; SQLite checks it only
  // when asked, per connection.
  STRATA_RETURN_IF_ERROR(connection->Exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON"));
  if (options.query_only) STRATA_RETURN_IF_ERROR(connection->Exec("PRAGMA query_only=ON"));
  return connection;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  // Statements are finalized above, so close cannot be refused as busy.
  sqlite3_close(db_);
}

common::Status Connection::Exec(std::string_view sql) {
  std::string text(sql);  // sqlite3_exec needs a NUL-terminated string
  char* error = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  sqlite3_free(error);  // the same text as sqlite3_errmsg, used below
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "exec");
  return common::Status::Ok();
}

common::Status Connection::RunCached(std::string_view sql) {
  STRATA_ASSIGN_OR_RETURN(Statement statement, Prepare(sql));
  return statement.Run();
}

common::Result<Statement> Connection::Prepare(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare");
    it = statements_.emplace(std::string(sql), stmt).first;
  }
  return Statement(db_, it->second);
}

Transaction::~Transaction() {
  if (!active_) return;
  // Nothing to report to: the caller is already returning an error. If even
  // ROLLBACK fails, SQLite rolls back when the next statement needs the lock.
  (void)connection_.RunCached("ROLLBACK");
}

common::Status Transaction::Begin(Mode mode) {
  STRATA_RETURN_IF_ERROR(
      connection_.RunCached(mode == Mode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED"));
  active_ = true;
  return common::Status::Ok();
}

common::Status Transaction::Commit() {
  STRATA_RETURN_IF_ERROR(connection_.RunCached("COMMIT"));
  active_ = false;
  return common::Status::Ok();
}

}  // namespace strata::meta::sqlite::internal
