#include "meta/copy_meta.h"

#include <algorithm>
#include <array>
#include <memory>
#include <set>
#include <utility>

#include "meta/internal/raw_tables.h"
#include "meta/migrations/migrations.h"
#include "meta/open_meta_store.h"

namespace strata::meta {
namespace {

using common::Code;
using common::Error;
using common::Status;
using internal::RawTables;

constexpr std::string_view kMigrationsTable = "schema_migrations";

// Dependency order: buckets before the objects and uploads that name them,
// uploads before their parts, users before their keys, memberships and
// tokens, groups before their members. chunks and policies are named by no
// foreign key (a manifest names chunks in JSON; attachments may name built-in
// policies, which have no row), nor is audit_log (its rows name users and
// buckets as text, and outlive them). deployment goes along so the drives,
// whose markers hold its id (storage/drive/drive_format.h), accept the
// target.
constexpr std::array<std::string_view, 15> kCopiedTables = {
    "buckets",           "objects",         "object_versions", "chunks",
    "multipart_uploads", "multipart_parts", "users",           "groups",
    "group_members",     "access_keys",     "policies",        "policy_attachments",
    "refresh_tokens",    "audit_log",       "deployment"};

// The migrations a database records, in version order; empty when it has no
// schema_migrations table (Strata never opened it).
common::Result<std::vector<AppliedMigration>> ReadApplied(RawTables& db) {
  STRATA_ASSIGN_OR_RETURN(std::vector<std::string> columns, db.Columns(kMigrationsTable));
  std::vector<AppliedMigration> applied;
  if (columns.empty()) return applied;
  STRATA_RETURN_IF_ERROR(db.Scan(
      kMigrationsTable, {"version", "name", "applied_at_ms"},
      [&](const internal::SqlRow& row) -> Status {
        if (row[0].kind != internal::SqlValue::Kind::kInt ||
            row[1].kind != internal::SqlValue::Kind::kText) {
          return Error(Code::kCorruption, db.description() + ": unreadable schema_migrations row");
        }
        applied.push_back(
            {.version = row[0].integer,
             .name = row[1].bytes,
             .applied_at_ms = row[2].kind == internal::SqlValue::Kind::kInt ? row[2].integer : 0});
        return Status::Ok();
      }));
  std::sort(
      applied.begin(), applied.end(),
      [](const AppliedMigration& a, const AppliedMigration& b) { return a.version < b.version; });
  return applied;
}

// The status of `db`, read in one snapshot (the caller's transaction).
common::Result<MetaStatus> ReadStatus(RawTables& db) {
  MetaStatus status;
  status.description = db.description();
  status.latest_version = LatestSchemaVersion();
  STRATA_ASSIGN_OR_RETURN(status.applied, ReadApplied(db));
  std::set<int64_t> done;
  for (const AppliedMigration& m : status.applied) {
    status.schema_version = std::max(status.schema_version, m.version);
    done.insert(m.version);
  }
  for (const Migration& m : Migrations()) {
    if (!done.contains(m.version)) {
      status.pending.push_back({.version = m.version, .name = std::string(m.name)});
    }
  }
  STRATA_ASSIGN_OR_RETURN(std::vector<std::string> tables, db.ListTables());
  for (const std::string& table : tables) {
    if (table == kMigrationsTable) continue;
    STRATA_ASSIGN_OR_RETURN(uint64_t rows, db.Count(table));
    status.tables.push_back({.table = table, .rows = rows});
  }
  return status;
}

std::string Versions(const std::vector<AppliedMigration>& applied) {
  std::string text;
  for (const AppliedMigration& m : applied) {
    text += (text.empty() ? "" : ", ") + std::to_string(m.version) + " " + m.name;
  }
  return text.empty() ? "none" : text;
}

// Both databases must hold exactly the copied tables (plus
// schema_migrations), with the same columns: a table this build does not know
// would silently stay behind.
Status CheckTables(RawTables& from, RawTables& to) {
  std::set<std::string> expected(kCopiedTables.begin(), kCopiedTables.end());
  expected.emplace(kMigrationsTable);
  for (RawTables* db : {&from, &to}) {
    STRATA_ASSIGN_OR_RETURN(std::vector<std::string> tables, db->ListTables());
    const std::set<std::string> found(tables.begin(), tables.end());
    for (const std::string& table : found) {
      if (!expected.contains(table)) {
        return Error(Code::kInvalidArgument, db->description() + " has a table '" + table +
                                                 "' this build does not know how to copy");
      }
    }
    for (const std::string& table : expected) {
      if (!found.contains(table)) {
        return Error(Code::kInvalidArgument, db->description() + " has no table '" + table + "'");
      }
    }
  }
  return Status::Ok();
}

}  // namespace

std::span<const std::string_view> CopiedTables() { return kCopiedTables; }

common::Result<MetaStatus> ReadMetaStatus(std::string_view url) {
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<RawTables> db,
                          internal::OpenRawTables(url, {.read_only = true}));
  STRATA_RETURN_IF_ERROR(db->Begin(RawTables::Mode::kRead));
  STRATA_ASSIGN_OR_RETURN(MetaStatus status, ReadStatus(*db));
  db->Rollback();  // read-only: nothing to commit
  return status;
}

common::Result<MetaStatus> MigrateMeta(std::string_view url) {
  { STRATA_ASSIGN_OR_RETURN(OpenedMetaStore opened, OpenMetaStore(url, nullptr)); }
  return ReadMetaStatus(url);
}

common::Result<CopyReport> CopyMeta(std::string_view from_url, std::string_view to_url,
                                    const std::function<void(const TableRows&)>& progress) {
  // The source first, read-only: a wrong --from changes nothing anywhere.
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<RawTables> from,
                          internal::OpenRawTables(from_url, {.read_only = true}));
  STRATA_RETURN_IF_ERROR(from->Begin(RawTables::Mode::kRead));
  STRATA_ASSIGN_OR_RETURN(std::vector<AppliedMigration> from_applied, ReadApplied(*from));
  const int64_t from_version = from_applied.empty() ? 0 : from_applied.back().version;
  if (from_version != LatestSchemaVersion()) {
    return Error(Code::kInvalidArgument,
                 from->description() + " is at schema version " + std::to_string(from_version) +
                     ", this build's is " + std::to_string(LatestSchemaVersion()) +
                     (from_version < LatestSchemaVersion()
                          ? ": run strata admin meta migrate on it first"
                          : ": copy it with the Strata version that wrote it"));
  }

  // The target as a server opens it: created, migrated, checked (collation,
  // encoding). Closed again before the copy's own connection starts.
  { STRATA_ASSIGN_OR_RETURN(OpenedMetaStore opened, OpenMetaStore(to_url, nullptr)); }
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<RawTables> to,
                          internal::OpenRawTables(to_url, {.read_only = false}));
  STRATA_RETURN_IF_ERROR(to->Begin(RawTables::Mode::kWrite));
  STRATA_ASSIGN_OR_RETURN(std::vector<AppliedMigration> to_applied, ReadApplied(*to));
  auto same_history = [&] {
    if (from_applied.size() != to_applied.size()) return false;
    for (size_t i = 0; i < from_applied.size(); ++i) {
      if (from_applied[i].version != to_applied[i].version ||
          from_applied[i].name != to_applied[i].name) {
        return false;
      }
    }
    return true;
  };
  if (!same_history()) {
    return Error(Code::kInvalidArgument, "the two databases record different migrations (" +
                                             from->description() + ": " + Versions(from_applied) +
                                             "; " + to->description() + ": " +
                                             Versions(to_applied) + ")");
  }
  STRATA_RETURN_IF_ERROR(CheckTables(*from, *to));
  // Inside the target transaction: a server that started on the target
  // meanwhile makes this fail (or the commit conflict), never mix.
  for (std::string_view table : kCopiedTables) {
    STRATA_ASSIGN_OR_RETURN(uint64_t rows, to->Count(table));
    if (rows != 0) {
      return Error(Code::kInvalidArgument,
                   to->description() + " is not empty (" + std::string(table) + " has " +
                       std::to_string(rows) +
                       " rows): copy into a new, empty database, before any server uses it");
    }
  }

  CopyReport report{.from = from->description(), .to = to->description(), .tables = {}};
  for (std::string_view table : kCopiedTables) {
    STRATA_ASSIGN_OR_RETURN(std::vector<std::string> columns, from->Columns(table));
    STRATA_ASSIGN_OR_RETURN(std::vector<std::string> target_columns, to->Columns(table));
    std::vector<std::string> a = columns, b = target_columns;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    if (a != b) {
      return Error(Code::kInvalidArgument,
                   "table " + std::string(table) + " has different columns in the two databases");
    }
    uint64_t copied = 0;
    STRATA_RETURN_IF_ERROR(from->Scan(table, columns, [&](const internal::SqlRow& row) -> Status {
      ++copied;
      return to->Insert(table, columns, row);
    }));
    // Verified before the commit: a mismatch rolls everything back.
    STRATA_ASSIGN_OR_RETURN(uint64_t source_rows, from->Count(table));
    STRATA_ASSIGN_OR_RETURN(uint64_t target_rows, to->Count(table));
    if (source_rows != copied || target_rows != copied) {
      return Error(Code::kInternal, "table " + std::string(table) + ": read " +
                                        std::to_string(copied) + " rows of " +
                                        std::to_string(source_rows) + ", target holds " +
                                        std::to_string(target_rows) + "; nothing was committed");
    }
    report.tables.push_back({.table = std::string(table), .rows = copied});
    if (progress) progress(report.tables.back());
  }
  STRATA_RETURN_IF_ERROR(to->Commit());
  from->Rollback();

  // And once more from a fresh snapshot, after the commit.
  STRATA_RETURN_IF_ERROR(to->Begin(RawTables::Mode::kRead));
  for (const TableRows& copied : report.tables) {
    STRATA_ASSIGN_OR_RETURN(uint64_t rows, to->Count(copied.table));
    if (rows != copied.rows) {
      return Error(Code::kInternal, to->description() + ": table " + copied.table + " holds " +
                                        std::to_string(rows) + " rows after the commit, " +
                                        std::to_string(copied.rows) + " were copied");
    }
  }
  to->Rollback();
  return report;
}

}  // namespace strata::meta
