#include "meta/sqlite/internal/migrator.h"

#include <algorithm>
#include <set>
#include <string>

#include "common/clock.h"
#include "meta/migrations/migrations.h"

namespace strata::meta::sqlite::internal {
namespace {

using common::Code;
using common::Error;

constexpr std::string_view kSelectApplied =
    "SELECT version, name FROM schema_migrations ORDER BY version";
constexpr std::string_view kSelectOne = "SELECT name FROM schema_migrations WHERE version = ?1";
constexpr std::string_view kInsertApplied =
    "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?1, ?2, ?3)";

// Checks what the database has recorded against this build's history, and
// returns the versions it has applied.
common::Result<std::set<int64_t>> CheckHistory(Connection& connection) {
  std::set<int64_t> versions;
  STRATA_ASSIGN_OR_RETURN(Statement applied, connection.Prepare(kSelectApplied));
  const auto known = Migrations();
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool row, applied.Step());
    if (!row) break;
    const int64_t version = applied.ColumnInt(0);
    const std::string_view name = applied.ColumnText(1);
    if (version > LatestSchemaVersion()) {
      return Error(Code::kInvalidArgument,
                   "metadata database schema version " + std::to_string(version) + " (" +
                       std::string(name) + ") is newer than this Strata build supports (" +
                       std::to_string(LatestSchemaVersion()) +
                       "); run a newer Strata or restore a matching database");
    }
    const auto it = std::find_if(known.begin(), known.end(),
                                 [&](const Migration& m) { return m.version == version; });
    if (it == known.end() || it->name != name) {
      return Error(Code::kCorruption, "metadata database records migration " +
                                          std::to_string(version) + " '" + std::string(name) +
                                          "', which this build does not have");
    }
    versions.insert(version);
  }
  return versions;
}

common::Status ApplyOne(Connection& connection, const Migration& migration) {
  Transaction txn(connection);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  {
    // Another process may have applied it since we looked.
    STRATA_ASSIGN_OR_RETURN(Statement one, connection.Prepare(kSelectOne));
    one.Bind(1, migration.version);
    STRATA_ASSIGN_OR_RETURN(bool applied, one.Step());
    if (applied) return common::Status::Ok();  // txn rolls back: nothing was done
  }
  common::Status status = connection.Exec(migration.sql);
  if (!status.ok()) {
    return Error(status.code(), "migration " + std::to_string(migration.version) + " " +
                                    std::string(migration.name) + ": " + status.message());
  }
  {
    STRATA_ASSIGN_OR_RETURN(Statement insert, connection.Prepare(kInsertApplied));
    insert.Bind(1, migration.version);
    insert.Bind(2, migration.name);
    insert.Bind(3, common::SystemClock().NowMillis());
    STRATA_RETURN_IF_ERROR(insert.Run());
  }
  return txn.Commit();
}

}  // namespace

common::Status ApplyMigrations(Connection& connection) {
  STRATA_RETURN_IF_ERROR(connection.Exec(kCreateSchemaMigrationsSql));
  STRATA_ASSIGN_OR_RETURN(std::set<int64_t> applied, CheckHistory(connection));
  bool changed = false;
  for (const Migration& migration : Migrations()) {
    if (applied.contains(migration.version)) continue;
    STRATA_RETURN_IF_ERROR(ApplyOne(connection, migration));
    changed = true;
  }
  if (!changed) return common::Status::Ok();
  // A newer process may have migrated past us while we worked; checking again
  // keeps the promise that we never run on a newer schema.
  return CheckHistory(connection).status();
}

}  // namespace strata::meta::sqlite::internal
