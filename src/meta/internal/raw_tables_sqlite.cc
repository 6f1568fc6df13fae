// RawTables on a SQLite file, through the sqlite3 C API directly (the store's
// own connection layer is private to meta/sqlite).
#include <sqlite3.h>

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "meta/internal/raw_tables.h"

namespace strata::meta::internal {
namespace {

using common::Code;
using common::Error;
using common::Status;

Status SqliteStatus(sqlite3* db, int rc, std::string_view what) {
  std::string message =
      std::string(what) + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error(Code::kUnavailable, std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Error(Code::kCorruption, std::move(message));
    case SQLITE_CANTOPEN:
      return Error(Code::kInvalidArgument, std::move(message));
    default:
      return Error(Code::kInternal, std::move(message));
  }
}

struct StatementDeleter {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

class SqliteRawTables final : public RawTables {
 public:
  SqliteRawTables(sqlite3* db, std::string description)
      : db_(db), description_(std::move(description)) {}
  ~SqliteRawTables() override {
    Rollback();
    inserts_.clear();  // statements before the connection
    sqlite3_close_v2(db_);
  }

  const std::string& description() const override { return description_; }

  common::Result<std::vector<std::string>> ListTables() override {
    std::vector<std::string> tables;
    STRATA_RETURN_IF_ERROR(
        Query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
              "ESCAPE '\\' ORDER BY name",
              [&](sqlite3_stmt* stmt) {
                tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
              }));
    return tables;
  }

  common::Result<std::vector<std::string>> Columns(std::string_view table) override {
    if (!IsPlainIdentifier(table)) return BadName(table);
    std::vector<std::string> columns;
    STRATA_RETURN_IF_ERROR(
        Query("SELECT name FROM pragma_table_info('" + std::string(table) + "') ORDER BY cid",
              [&](sqlite3_stmt* stmt) {
                columns.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
              }));
    return columns;
  }

  Status Begin(Mode mode) override {
    STRATA_RETURN_IF_ERROR(Exec(mode == Mode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED"));
    in_transaction_ = true;
    // A DEFERRED transaction takes its snapshot at the first read: take it
    // now, so everything read afterwards is one state of the file.
    if (mode == Mode::kRead) {
      return Query("SELECT count(*) FROM sqlite_schema", [](sqlite3_stmt*) {});
    }
    return Status::Ok();
  }

  Status Commit() override {
    STRATA_RETURN_IF_ERROR(Exec("COMMIT"));
    in_transaction_ = false;
    return Status::Ok();
  }

  void Rollback() override {
    if (!in_transaction_) return;
    in_transaction_ = false;
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  common::Result<uint64_t> Count(std::string_view table) override {
    if (!IsPlainIdentifier(table)) return BadName(table);
    uint64_t count = 0;
    STRATA_RETURN_IF_ERROR(Query(
        "SELECT count(*) FROM " + std::string(table),
        [&](sqlite3_stmt* stmt) { count = static_cast<uint64_t>(sqlite3_column_int64(stmt, 0)); }));
    return count;
  }

  Status Scan(std::string_view table, const std::vector<std::string>& columns,
              const std::function<Status(const SqlRow&)>& row) override {
    STRATA_ASSIGN_OR_RETURN(std::string list, ColumnList(table, columns));
    Status status;
    SqlRow values(columns.size());
    STRATA_RETURN_IF_ERROR(
        Query("SELECT " + list + " FROM " + std::string(table), [&](sqlite3_stmt* stmt) {
          if (!status.ok()) return;
          for (size_t i = 0; i < columns.size(); ++i) values[i] = Read(stmt, static_cast<int>(i));
          status = row(values);
        }));
    return status;
  }

  Status Insert(std::string_view table, const std::vector<std::string>& columns,
                const SqlRow& values) override {
    if (values.size() != columns.size()) {
      return Error(Code::kInternal, "insert into " + std::string(table) + ": " +
                                        std::to_string(values.size()) + " values for " +
                                        std::to_string(columns.size()) + " columns");
    }
    STRATA_ASSIGN_OR_RETURN(std::string list, ColumnList(table, columns));
    StatementPtr& stmt = inserts_[std::string(table) + "(" + list + ")"];
    if (stmt == nullptr) {
      std::string placeholders;
      for (size_t i = 0; i < columns.size(); ++i) {
        placeholders += (i == 0 ? "?" : ", ?") + std::to_string(i + 1);
      }
      const std::string sql =
          "INSERT INTO " + std::string(table) + " (" + list + ") VALUES (" + placeholders + ")";
      sqlite3_stmt* raw = nullptr;
      const int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr);
      if (rc != SQLITE_OK) return SqliteStatus(db_, rc, "prepare " + sql);
      stmt.reset(raw);
    }
    sqlite3_reset(stmt.get());
    sqlite3_clear_bindings(stmt.get());
    for (size_t i = 0; i < values.size(); ++i) {
      const int index = static_cast<int>(i + 1);
      const SqlValue& v = values[i];
      int rc = SQLITE_OK;
      switch (v.kind) {
        case SqlValue::Kind::kNull:
          rc = sqlite3_bind_null(stmt.get(), index);
          break;
        case SqlValue::Kind::kInt:
          rc = sqlite3_bind_int64(stmt.get(), index, v.integer);
          break;
        case SqlValue::Kind::kText:
          rc = sqlite3_bind_text64(stmt.get(), index, v.bytes.data(), v.bytes.size(),
                                   SQLITE_TRANSIENT, SQLITE_UTF8);
          break;
        case SqlValue::Kind::kBytes: {
          // A null pointer would bind NULL; empty bytes are a zero-length BLOB.
          static constexpr char kEmpty = 0;
          rc = sqlite3_bind_blob64(stmt.get(), index, v.bytes.empty() ? &kEmpty : v.bytes.data(),
                                   v.bytes.size(), SQLITE_TRANSIENT);
          break;
        }
      }
      if (rc != SQLITE_OK) return SqliteStatus(db_, rc, "bind");
    }
    const int rc = sqlite3_step(stmt.get());
    if (rc != SQLITE_DONE) return SqliteStatus(db_, rc, "insert into " + std::string(table));
    return Status::Ok();
  }

 private:
  static Status BadName(std::string_view name) {
    return Error(Code::kInvalidArgument, "not a plain SQL name: '" + std::string(name) + "'");
  }

  static common::Result<std::string> ColumnList(std::string_view table,
                                                const std::vector<std::string>& columns) {
    if (!IsPlainIdentifier(table)) return BadName(table);
    if (columns.empty()) return Error(Code::kInvalidArgument, "no columns");
    std::string list;
    for (const std::string& column : columns) {
      if (!IsPlainIdentifier(column)) return BadName(column);
      // Quoted: "key" is a keyword in both engines.
      list += (list.empty() ? "\"" : ", \"") + column + "\"";
    }
    return list;
  }

  static SqlValue Read(sqlite3_stmt* stmt, int column) {
    SqlValue v;
    switch (sqlite3_column_type(stmt, column)) {
      case SQLITE_NULL:
        break;
      case SQLITE_INTEGER:
        v.kind = SqlValue::Kind::kInt;
        v.integer = sqlite3_column_int64(stmt, column);
        break;
      case SQLITE_BLOB: {
        v.kind = SqlValue::Kind::kBytes;
        const void* data = sqlite3_column_blob(stmt, column);
        const int size = sqlite3_column_bytes(stmt, column);
        if (data != nullptr) v.bytes.assign(static_cast<const char*>(data), size);
        break;
      }
      default: {
        // TEXT (and REAL, which Strata's schema never stores, as its text).
        v.kind = SqlValue::Kind::kText;
        const unsigned char* data = sqlite3_column_text(stmt, column);
        const int size = sqlite3_column_bytes(stmt, column);
        if (data != nullptr) v.bytes.assign(reinterpret_cast<const char*>(data), size);
        break;
      }
    }
    return v;
  }

  Status Exec(const char* sql) {
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return SqliteStatus(db_, rc, sql);
    return Status::Ok();
  }

  Status Query(const std::string& sql, const std::function<void(sqlite3_stmt*)>& each) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr);
    if (rc != SQLITE_OK) return SqliteStatus(db_, rc, "prepare " + sql);
    StatementPtr stmt(raw);
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) each(stmt.get());
    if (rc != SQLITE_DONE) return SqliteStatus(db_, rc, sql);
    return Status::Ok();
  }

  sqlite3* db_;
  const std::string description_;
  bool in_transaction_ = false;
  std::map<std::string, StatementPtr> inserts_;
};

}  // namespace

common::Result<std::unique_ptr<RawTables>> OpenSqliteRawTables(const std::string& path,
                                                               bool read_only) {
  sqlite3* db = nullptr;
  const int flags =
      (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
      SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status status = SqliteStatus(db, rc, "open " + path);
    sqlite3_close_v2(db);
    return status;
  }
  auto tables = std::make_unique<SqliteRawTables>(db, "sqlite:" + path);
  // As the store's connections: wait for another process's lock rather than
  // fail at once, and keep the foreign keys the schema declares.
  sqlite3_busy_timeout(db, 5000);
  if (sqlite3_exec(db, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return SqliteStatus(db, SQLITE_ERROR, "PRAGMA foreign_keys");
  }
  return std::unique_ptr<RawTables>(std::move(tables));
}

}  // namespace strata::meta::internal
