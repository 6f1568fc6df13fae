// Brings a SQLite database's schema up to this build's migrations.
#pragma once

#include "common/status.h"
#include "meta/sqlite/internal/connection.h"

namespace strata::meta::sqlite::internal {

// Applies every migration from meta/migrations/ that `connection`'s database
// has not recorded in schema_migrations, in version order, each in its own
// BEGIN IMMEDIATE transaction together with its schema_migrations row, so a
// crash leaves each one applied fully or not at all. Safe against another
// process migrating the same file at the same moment: the check is repeated
// under the write lock.
//
// Fails, changing nothing, with:
//   kInvalidArgument when the database records a version newer than this
//     build knows (written by a newer Strata: refusing beats corrupting);
//   kCorruption when a recorded version's name differs from this build's
//     (the histories diverged).
// REQUIRES: `connection` is writable and not inside a transaction.
common::Status ApplyMigrations(Connection& connection);

}  // namespace strata::meta::sqlite::internal
