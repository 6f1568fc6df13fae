// Brings a PostgreSQL database to this build's schema, and checks that it can
// hold Strata's data at all. Private to meta/postgres.
#pragma once

#include "common/status.h"
#include "meta/postgres/internal/connection.h"
#include "meta/postgres/internal/runner.h"

namespace strata::meta::postgres::internal {

// Checks what the schema cannot: the database stores text as UTF-8 and
// compares it byte by byte (listing order is S3's byte order), i.e. its
// LC_COLLATE is "C" or "POSIX" and text really sorts that way (a probe, which
// also catches an ICU default collation). kInvalidArgument, saying how to
// create a suitable database, otherwise.
// REQUIRES: `connection` is not inside a transaction.
common::Status CheckDatabase(Connection& connection);

// Applies every migration from meta/migrations/ that schema_migrations does
// not record, in version order, each in its own SERIALIZABLE transaction that
// runs the migration's SQL and then inserts its schema_migrations row. Safe
// when several Strata nodes start together, without advisory locks: of two
// transactions applying one migration, the second fails (its DDL or its
// schema_migrations row collides with the first's, or serialization fails),
// is rolled back and retried, and the retry finds the version recorded and
// does nothing.
//
// Fails, changing nothing, with kInvalidArgument when the database records a
// version newer than this build knows, kCorruption when a recorded version's
// name differs from this build's, or the failing statement's error.
common::Status ApplyMigrations(Runner& runner);

}  // namespace strata::meta::postgres::internal
