// Schema migrations: the one ordered history of the metadata schema, shared by
// every MetaStore implementation (SQLite now, PostgreSQL later).
//
// Each migration is a file src/meta/migrations/NNNN_name.sql, compiled in as
// data by CMake. A migration is never edited once released: a change to the
// schema is a new file with the next number.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace strata::meta {

struct Migration {
  int64_t version;        // NNNN from the file name; 1, 2, 3, ... without gaps
  std::string_view name;  // the rest of the file name, without ".sql"
  // One or more statements in the SQL subset SQLite and PostgreSQL share,
  // separated by ';'. Runs inside one transaction.
  std::string_view sql;
};

// All migrations in ascending version order. The views point at static
// storage and stay valid for the life of the program.
std::span<const Migration> Migrations();

// The version of the last migration this build knows: a database whose
// schema_migrations holds a larger version was written by a newer Strata.
int64_t LatestSchemaVersion();

// Creates the table that records applied migrations. Runs outside the
// numbered history (it must exist before the history can be read), and is
// idempotent. Same SQL subset as the migrations.
inline constexpr std::string_view kCreateSchemaMigrationsSql =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version BIGINT NOT NULL PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at_ms BIGINT NOT NULL)";

}  // namespace strata::meta
