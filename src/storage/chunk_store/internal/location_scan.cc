#include "storage/chunk_store/internal/location_scan.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "storage/chunk_store/layout.h"

namespace strata::storage::chunk_internal {
namespace {

namespace fs = std::filesystem;

bool IsPrefixName(const std::string& name) {
  return name.size() == 2 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Modification time in Unix milliseconds; nullopt when the entry vanished.
std::optional<int64_t> MtimeMillis(Drive& drive, const fs::path& name) {
  common::Result<FileInfo> info = drive.Stat(name);
  if (!info.ok() || info->type == FileType::kMissing) return std::nullopt;
  return info->modified_ms;
}

// Newest mtime of dir and the entries directly inside it. Entries that
// vanish meanwhile (a concurrent Delete) are skipped.
int64_t NewestMtime(Drive& drive, const fs::path& dir) {
  int64_t newest = MtimeMillis(drive, dir).value_or(0);
  common::Result<std::vector<std::string>> names = drive.ListDir(dir);
  if (!names.ok()) return newest;
  for (const std::string& name : *names) {
    newest = std::max(newest, MtimeMillis(drive, dir / name).value_or(0));
  }
  return newest;
}

// The names of the directory entries of dir that pass keep. A missing dir
// has no entries (a drive folder deleted before the store recreated it).
common::Status ListNames(Drive& drive, const fs::path& dir, bool (*keep)(const std::string&),
                         std::set<std::string>& names) {
  STRATA_ASSIGN_OR_RETURN(std::vector<std::string> all, drive.ListDir(dir));
  for (std::string& name : all) {
    if (keep(name)) names.insert(std::move(name));
  }
  return common::Status::Ok();
}

}  // namespace

common::Status ScanLocations(std::span<Drive* const> drives, DriveHealth& health,
                             const std::function<void(const StoredLocation&)>& visit) {
  common::Status first_error;
  std::vector<bool> usable(health.size());
  auto fail = [&](size_t drive, common::Status status) {
    health.RecordFailure(drive, status);
    usable[drive] = false;
    if (first_error.ok()) first_error = std::move(status);
  };
  std::set<std::string> prefixes;
  for (size_t d = 0; d < health.size(); ++d) {
    usable[d] = health.IsOnline(d);
    if (!usable[d]) {
      if (first_error.ok()) {
        first_error = common::Error(common::Code::kUnavailable,
                                    "drive " + health.path(d).string() + " is offline");
      }
      continue;
    }
    common::Status status = ListNames(*drives[d], fs::path(kChunksDirName), IsPrefixName, prefixes);
    if (!status.ok()) fail(d, std::move(status));
  }
  for (const std::string& prefix : prefixes) {
    std::map<std::string, int64_t> locations;
    for (size_t d = 0; d < health.size(); ++d) {
      if (!usable[d]) continue;
      const fs::path prefix_dir = fs::path(kChunksDirName) / prefix;
      std::set<std::string> names;
      common::Status status = ListNames(
          *drives[d], prefix_dir,
          [](const std::string& name) { return IsValidChunkLocation(name); }, names);
      if (!status.ok()) {
        fail(d, std::move(status));
        continue;
      }
      for (const std::string& name : names) {
        if (name.compare(0, 2, prefix) != 0) continue;  // misplaced: not ours
        int64_t& modified = locations.try_emplace(name, 0).first->second;
        modified = std::max(modified, NewestMtime(*drives[d], prefix_dir / name));
      }
    }
    for (const auto& [location, modified_ms] : locations) visit({location, modified_ms});
  }
  return first_error;
}

}  // namespace strata::storage::chunk_internal
