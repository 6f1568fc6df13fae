// RawTables: row-level access to a metadata database's tables, below the
// MetaStore interface, for the maintenance commands that must see every row
// exactly as stored (`strata admin meta status` and `copy`, meta/copy_meta.h):
// schema_migrations, refresh tokens and chunk reference counts are not
// readable through MetaStore/IdentityStore, and a copy must be one target
// transaction. Private to meta/.
//
// Values are the four kinds Strata's schema uses (BIGINT, TEXT, BYTEA, and
// NULL), read and written without conversion: TEXT and BYTEA bytes travel as
// they are (binary format on PostgreSQL, BLOB/TEXT binds on SQLite).
//
// Not thread-safe: one RawTables is one connection, used by one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"

namespace strata::meta::internal {

struct SqlValue {
  enum class Kind { kNull, kInt, kText, kBytes };
  Kind kind = Kind::kNull;
  int64_t integer = 0;  // kInt
  std::string bytes;    // kText, kBytes

  bool operator==(const SqlValue&) const = default;
};
using SqlRow = std::vector<SqlValue>;

class RawTables {
 public:
  virtual ~RawTables() = default;

  // "sqlite:/path" or "postgres://user@host:port/db" (never a password).
  virtual const std::string& description() const = 0;

  // Names of the database's own tables (not the engine's catalog), sorted.
  virtual common::Result<std::vector<std::string>> ListTables() = 0;
  // A table's column names in declaration order; empty when no such table.
  virtual common::Result<std::vector<std::string>> Columns(std::string_view table) = 0;

  // Transactions. kRead: one consistent snapshot, read-only (SQLite
  // BEGIN DEFERRED, PostgreSQL REPEATABLE READ READ ONLY). kWrite: the
  // writer's transaction (SQLite BEGIN IMMEDIATE, PostgreSQL SERIALIZABLE).
  // Rollback() is a no-op outside a transaction; the destructor rolls back
  // an open one.
  enum class Mode { kRead, kWrite };
  virtual common::Status Begin(Mode mode) = 0;
  virtual common::Status Commit() = 0;
  virtual void Rollback() = 0;

  virtual common::Result<uint64_t> Count(std::string_view table) = 0;
  // Calls `row` for every row of `table` (the named columns, in that order),
  // in no particular row order, streaming (never the whole table in memory).
  // Stops at, and returns, the first non-OK status `row` returns.
  virtual common::Status Scan(std::string_view table, const std::vector<std::string>& columns,
                              const std::function<common::Status(const SqlRow&)>& row) = 0;
  // INSERTs one row; `values` in the order of `columns`. The statement is
  // prepared once per (table, columns) and reused.
  virtual common::Status Insert(std::string_view table, const std::vector<std::string>& columns,
                                const SqlRow& values) = 0;
};

struct RawTablesOptions {
  // Open a SQLite file read-only (status, a copy's source); it must exist.
  // Without it a missing file is created. PostgreSQL ignores this.
  bool read_only = true;
};

// Connects to the database a metadata URL names (sqlite:PATH, postgres://...,
// postgresql://...), without running migrations. kInvalidArgument for an
// unknown scheme or a missing SQLite file opened read-only; kUnavailable when
// PostgreSQL cannot be reached.
common::Result<std::unique_ptr<RawTables>> OpenRawTables(std::string_view url,
                                                         const RawTablesOptions& options);

// The SQLite and PostgreSQL implementations (raw_tables_sqlite.cc,
// raw_tables_postgres.cc); OpenRawTables picks one by the URL.
common::Result<std::unique_ptr<RawTables>> OpenSqliteRawTables(const std::string& path,
                                                               bool read_only);
common::Result<std::unique_ptr<RawTables>> OpenPostgresRawTables(std::string_view conninfo);

// `name` is a plain SQL identifier ([a-z_][a-z0-9_]*): table and column
// names are spliced into statements, so anything else is refused.
bool IsPlainIdentifier(std::string_view name);

}  // namespace strata::meta::internal
