#include "meta/postgres/internal/migrator.h"

#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "meta/internal/migration_history.h"
#include "meta/migrations/migrations.h"

namespace strata::meta::postgres::internal {
namespace {

using common::Code;
using common::Error;

constexpr std::string_view kSelectApplied =
    "SELECT version, name FROM schema_migrations ORDER BY version";
constexpr std::string_view kSelectOne = "SELECT name FROM schema_migrations WHERE version = $1";
constexpr std::string_view kInsertApplied =
    "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES ($1, $2, $3)";
// Byte order puts 'B' (0x42) before 'a' (0x61), '-' before '.', '~' (0x7E)
// before any non-ASCII character; every linguistic collation disagrees with
// at least the first.
constexpr std::string_view kOrderProbe =
    "SELECT CASE WHEN 'B' < 'a' AND 'a-b' < 'a.b' AND 'Z' < '_' AND '~' < 'é'"
    " THEN 'bytes' ELSE 'locale' END";
constexpr std::string_view kDatabaseCollation =
    "SELECT datcollate FROM pg_database WHERE datname = current_database()";

std::string CreateAdvice() {
  return "create the database with CREATE DATABASE <name> TEMPLATE template0 ENCODING 'UTF8'"
         " LC_COLLATE 'C' LC_CTYPE 'C' (see docs/metadata-postgres.md)";
}

// The versions the database records, checked against this build's history.
common::Result<std::set<int64_t>> CheckHistory(Connection& connection) {
  STRATA_ASSIGN_OR_RETURN(Rows applied, connection.Query(kSelectApplied));
  std::vector<meta::internal::RecordedMigration> recorded;
  recorded.reserve(applied.size());
  for (int row = 0; row < applied.size(); ++row) {
    recorded.push_back(
        {.version = applied.Int(row, 0), .name = std::string(applied.Bytes(row, 1))});
  }
  return meta::internal::CheckMigrationHistory(recorded);
}

}  // namespace

common::Status CheckDatabase(Connection& connection) {
  const std::string_view encoding = connection.ServerParameter("server_encoding");
  if (encoding != "UTF8") {
    return Error(Code::kInvalidArgument, "PostgreSQL database encoding is '" +
                                             std::string(encoding) + "', not UTF8; " +
                                             CreateAdvice());
  }
  // CockroachDB compares strings byte-wise and has no LC_COLLATE of its own
  // (its pg_database shows a compatibility value), so only the probe below
  // applies there.
  STRATA_ASSIGN_OR_RETURN(std::string version, connection.QueryText("SELECT version()"));
  if (version.find("CockroachDB") == std::string::npos) {
    STRATA_ASSIGN_OR_RETURN(std::string collation, connection.QueryText(kDatabaseCollation));
    if (collation != "C" && collation != "POSIX") {
      return Error(Code::kInvalidArgument,
                   "PostgreSQL database sorts text by LC_COLLATE '" + collation +
                       "'; Strata lists keys in byte order and needs 'C': " + CreateAdvice());
    }
  }
  STRATA_ASSIGN_OR_RETURN(std::string order, connection.QueryText(kOrderProbe));
  if (order != "bytes") {
    return Error(Code::kInvalidArgument,
                 "PostgreSQL database does not compare text byte by byte (an ICU or other "
                 "default collation?); " +
                     CreateAdvice());
  }
  return common::Status::Ok();
}

common::Status ApplyMigrations(Runner& runner) {
  // Two nodes creating the table at once can collide in the catalog (23505 on
  // pg_type's name index): retried like any conflict.
  STRATA_RETURN_IF_ERROR(runner.Run(
      TxnMode::kWrite,
      [](Connection& connection) { return connection.Script(kCreateSchemaMigrationsSql); },
      /*retry_duplicate_objects=*/true));
  STRATA_ASSIGN_OR_RETURN(std::set<int64_t> applied, runner.Run(TxnMode::kSnapshot, CheckHistory));
  bool changed = false;
  for (const Migration& migration : Migrations()) {
    if (applied.contains(migration.version)) continue;
    changed = true;
    auto recorded = [&](Connection& connection) -> common::Result<bool> {
      STRATA_ASSIGN_OR_RETURN(Rows one,
                              connection.Query(kSelectOne, Params().Int(migration.version)));
      return !one.empty();
    };
    common::Status status = runner.Run(
        TxnMode::kWrite,
        [&](Connection& connection) -> common::Status {
          // Another node may have applied it since we looked (or since this
          // attempt's previous try collided with it).
          STRATA_ASSIGN_OR_RETURN(bool done, recorded(connection));
          if (done) return common::Status::Ok();
          // DDL first, then the row: CockroachDB refuses a schema change
          // after a write in the same transaction.
          common::Status applied_sql = connection.Script(migration.sql);
          if (!applied_sql.ok()) return meta::internal::MigrationFailed(migration, applied_sql);
          return connection
              .Execute(kInsertApplied, Params()
                                           .Int(migration.version)
                                           .Text(migration.name)
                                           .Int(common::SystemClock().NowMillis()))
              .status();
        },
        /*retry_duplicate_objects=*/true);
    if (status.ok()) continue;
    // A node that applied the migration while this one waited on its locks
    // leaves a schema this migration's SQL may fail on in any way (a column
    // already dropped: 42703). Once that node's row is there, the failure is
    // moot.
    STRATA_ASSIGN_OR_RETURN(bool done, runner.Run(TxnMode::kStatement, recorded));
    if (!done) return status;
  }
  if (!changed) return common::Status::Ok();
  // A newer node may have migrated past us meanwhile; checking again keeps
  // the promise that we never run on a newer schema.
  return runner.Run(TxnMode::kSnapshot, CheckHistory).status();
}

}  // namespace strata::meta::postgres::internal
