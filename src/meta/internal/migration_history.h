// What a database's schema_migrations table says, checked against this
// build's migration history (meta/migrations/migrations.h) before a backend
// applies what is missing. Pure functions: no I/O, thread-safe. Private to
// meta/.
#pragma once

#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "meta/migrations/migrations.h"

namespace strata::meta::internal {

// One schema_migrations row.
struct RecordedMigration {
  int64_t version = 0;
  std::string name;
};

// The versions `recorded` holds, when every one of them is a migration of
// `known` (ascending by version, as Migrations() is) with the same name.
// Fails, at the first row that breaks a rule, with:
//   kInvalidArgument when a version is newer than the last of `known` (the
//     database was written by a newer Strata: refusing beats corrupting);
//   kCorruption when a version is unknown or its name differs (the histories
//     diverged).
common::Result<std::set<int64_t>> CheckMigrationHistory(
    const std::vector<RecordedMigration>& recorded, std::span<const Migration> known);

// CheckMigrationHistory against this build's Migrations().
common::Result<std::set<int64_t>> CheckMigrationHistory(
    const std::vector<RecordedMigration>& recorded);

// `failure` (the error running migration.sql returned) with its code, the
// message naming the migration.
common::Status MigrationFailed(const Migration& migration, const common::Status& failure);

}  // namespace strata::meta::internal
