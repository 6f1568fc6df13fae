// Maintenance of metadata databases, below the MetaStore interface: what
// `strata admin meta status|migrate|copy` run (app/admin_meta_command.h,
// docs/metadata-postgres.md "Moving from SQLite to PostgreSQL").
//
// They work on the database a metadata URL names (sqlite:PATH,
// postgres://...), not through a running server, and read rows as stored:
// schema_migrations, refresh tokens and chunk reference counts are not
// visible through MetaStore/IdentityStore, and a copy has to be one
// transaction on the target, which a sequence of MetaStore calls is not.
//
// None of them is meant to run concurrently with a Strata server writing to
// the same database (the copy's source may be read while a server runs: it
// is read in one snapshot, but what the server writes afterwards is not
// copied). Each call opens its own connections; thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace strata::meta {

struct AppliedMigration {
  int64_t version = 0;
  std::string name;
  int64_t applied_at_ms = 0;
};

struct TableRows {
  std::string table;
  uint64_t rows = 0;
};

struct MetaStatus {
  // "sqlite:/path" or "postgres://user@host:port/db": never the password.
  std::string description;
  // The highest applied migration; 0 for a database Strata never opened.
  int64_t schema_version = 0;
  // The last migration this build knows (LatestSchemaVersion()).
  int64_t latest_version = 0;
  std::vector<AppliedMigration> applied;  // version order
  // Migrations this build would apply at the next open (version, name;
  // applied_at_ms 0).
  std::vector<AppliedMigration> pending;
  // Every table of the database but schema_migrations, by name.
  std::vector<TableRows> tables;
};

// Reads the status of the database `url` names without changing anything (a
// SQLite file is opened read-only and must exist; a PostgreSQL database with
// no Strata schema yet reports version 0, no tables and every migration
// pending). kInvalidArgument for a bad URL or a missing file; kUnavailable
// when PostgreSQL cannot be reached.
common::Result<MetaStatus> ReadMetaStatus(std::string_view url);

// Applies pending migrations exactly as a server start does (OpenMetaStore:
// each once, in its own transaction; safe while other nodes start), then
// returns the status. Creates a missing SQLite file (its folder must exist).
// The errors of OpenMetaStore and ReadMetaStatus.
common::Result<MetaStatus> MigrateMeta(std::string_view url);

// The tables CopyMeta copies, in the order it copies them: each after the
// tables its foreign keys name. schema_migrations is not among them: the
// target records its own migrations when it is created.
std::span<const std::string_view> CopiedTables();

struct CopyReport {
  std::string from;  // descriptions, as MetaStatus::description
  std::string to;
  std::vector<TableRows> tables;  // rows copied, in CopiedTables() order
};

// Copies every row of every table from the database `from_url` names to the
// one `to_url` names (typically sqlite:PATH to postgres://...; any pair of
// backends works), as stored: object rows with their manifests and inline
// bodies, chunk rows with their reference counts and GC clocks, uploads and
// parts, users with password hashes, sealed access-key secrets (the target
// needs the same master key to open them), groups, policies, attachments,
// refresh tokens, bucket policies and the audit trail.
//
// Steps: the target is opened as a server would open it (created and
// migrated; a PostgreSQL database is checked for the C collation and UTF8),
// then everything is copied in ONE target transaction, from one snapshot of
// the source, table by table in CopiedTables() order, and each table's row
// count in the target is checked against the source inside that transaction
// before it commits. A failure anywhere leaves the target as it was (empty
// tables).
//
// Refuses, changing nothing:
//   * kInvalidArgument when the target holds any row (it must be a new,
//     empty database), when the source's schema is not this build's latest
//     (run MigrateMeta on it first), when the two databases record different
//     migrations or tables, or when a table this build does not know exists
//     (it would not be copied);
//   * the errors of OpenMetaStore / ReadMetaStatus for either URL;
//   * kInvalidArgument when a value cannot be stored in the target (e.g. a
//     SQLite row with text that is not UTF-8, which PostgreSQL refuses);
//   * kUnavailable when PostgreSQL is unreachable or the target transaction
//     conflicted with another writer (run it again).
// `progress`, when set, is called after each table with the rows copied.
common::Result<CopyReport> CopyMeta(std::string_view from_url, std::string_view to_url,
                                    const std::function<void(const TableRows&)>& progress = {});

}  // namespace strata::meta
