#include "meta/sqlite/internal/migrator.h"

#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "meta/internal/migration_history.h"
#include "meta/migrations/migrations.h"

namespace strata::meta::sqlite::internal {
namespace {

constexpr std::string_view kSelectApplied =
    "SELECT version, name FROM schema_migrations ORDER BY version";
constexpr std::string_view kSelectOne = "SELECT name FROM schema_migrations WHERE version = ?1";
constexpr std::string_view kInsertApplied =
    "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?1, ?2, ?3)";

// Checks what the database has recorded against this build's history, and
// returns the versions it has applied.
common::Result<std::set<int64_t>> CheckHistory(Connection& connection) {
  std::vector<meta::internal::RecordedMigration> recorded;
  STRATA_ASSIGN_OR_RETURN(Statement applied, connection.Prepare(kSelectApplied));
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool row, applied.Step());
    if (!row) break;
    recorded.push_back(
        {.version = applied.ColumnInt(0), .name = std::string(applied.ColumnText(1))});
  }
  return meta::internal::CheckMigrationHistory(recorded);
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
  if (!status.ok()) return meta::internal::MigrationFailed(migration, status);
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
