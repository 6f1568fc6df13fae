#include "meta/internal/migration_history.h"

#include <algorithm>

namespace strata::meta::internal {

using common::Code;
using common::Error;

common::Result<std::set<int64_t>> CheckMigrationHistory(
    const std::vector<RecordedMigration>& recorded, std::span<const Migration> known) {
  const int64_t latest = known.empty() ? 0 : known.back().version;
  std::set<int64_t> versions;
  for (const RecordedMigration& row : recorded) {
    if (row.version > latest) {
      return Error(Code::kInvalidArgument,
                   "metadata database schema version " + std::to_string(row.version) + " (" +
                       row.name + ") is newer than this Strata build supports (" +
                       std::to_string(latest) +
                       "); run a newer Strata or restore a matching database");
    }
    const auto it = std::find_if(known.begin(), known.end(),
                                 [&](const Migration& m) { return m.version == row.version; });
    if (it == known.end() || it->name != row.name) {
      return Error(Code::kCorruption, "metadata database records migration " +
                                          std::to_string(row.version) + " '" + row.name +
                                          "', which this build does not have");
    }
    versions.insert(row.version);
  }
  return versions;
}

common::Result<std::set<int64_t>> CheckMigrationHistory(
    const std::vector<RecordedMigration>& recorded) {
  return CheckMigrationHistory(recorded, Migrations());
}

common::Status MigrationFailed(const Migration& migration, const common::Status& failure) {
  return Error(failure.code(), "migration " + std::to_string(migration.version) + " " +
                                   std::string(migration.name) + ": " + failure.message());
}

}  // namespace strata::meta::internal
