// `strata admin meta`: maintenance of a metadata database, run directly
// against the database (not through a server's admin API), so it needs the
// database's URL and credentials, not a login (meta/copy_meta.h,
// docs/metadata-postgres.md):
//
//   strata admin meta status  [--meta URL]       schema version, migrations, rows per table
//   strata admin meta migrate [--meta URL]       apply pending migrations, then status
//   strata admin meta copy --from URL --to URL   copy everything into a new, empty database
//
// --meta defaults to $STRATA_META. URLs are sqlite:PATH or postgres://...;
// output is readable text, or JSON with `strata admin --json meta ...`.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace strata::app {

enum class AdminMetaCommand { kNone, kStatus, kMigrate, kCopy };

struct AdminMetaFlags {
  AdminMetaCommand command = AdminMetaCommand::kNone;
  std::string meta;  // status, migrate
  std::string from;  // copy
  std::string to;    // copy
};

// Registers `meta` and its subcommands on `admin` (the `strata admin`
// subcommand). flags must outlive admin's parsing. After parsing,
// flags.command says whether a meta command was chosen.
void AddAdminMetaFlags(CLI::App& admin, AdminMetaFlags& flags);

// Runs the parsed command; prints to stdout (JSON when `json`), errors to
// stderr as "strata admin meta: <message>". Returns 0 on success, 1 when it
// failed (unreachable database, refused copy, ...).
int RunAdminMetaCommand(const AdminMetaFlags& flags, bool json);

}  // namespace strata::app
