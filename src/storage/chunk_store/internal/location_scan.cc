#include "storage/chunk_store/internal/location_scan.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "storage/chunk_store/layout.h"
#include "storage/drive/durable_file.h"

namespace strata::storage::chunk_internal {
namespace {

namespace fs = std::filesystem;

bool IsPrefixName(const std::string& name) {
  return name.size() == 2 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// lstat mtime in Unix milliseconds; nullopt when the entry vanished.
std::optional<int64_t> MtimeMillis(const fs::path& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return std::nullopt;
  return int64_t{st.st_mtim.tv_sec} * 1000 + st.st_mtim.tv_nsec / 1'000'000;
}

// Newest mtime of dir and the entries directly inside it. Entries that
// vanish meanwhile (a concurrent Delete) are skipped.
int64_t NewestMtime(const fs::path& dir) {
  int64_t newest = MtimeMillis(dir).value_or(0);
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    newest = std::max(newest, MtimeMillis(it->path()).value_or(0));
  }
  return newest;
}

// The names of the directory entries of dir that pass keep. A missing dir
// has no entries (a drive folder deleted before the store recreated it).
common::Status ListNames(const fs::path& dir, bool (*keep)(const std::string&),
                         std::set<std::string>& names) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec == std::errc::no_such_file_or_directory) return common::Status::Ok();
  for (fs::directory_iterator end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (keep(name)) names.insert(std::move(name));
  }
  if (ec) return IoError("list", dir, ec.value());
  return common::Status::Ok();
}

}  // namespace

common::Status ScanLocations(DriveHealth& health,
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
    common::Status status = ListNames(health.path(d) / kChunksDirName, IsPrefixName, prefixes);
    if (!status.ok()) fail(d, std::move(status));
  }
  for (const std::string& prefix : prefixes) {
    std::map<std::string, int64_t> locations;
    for (size_t d = 0; d < health.size(); ++d) {
      if (!usable[d]) continue;
      const fs::path prefix_dir = health.path(d) / kChunksDirName / prefix;
      std::set<std::string> names;
      common::Status status = ListNames(
          prefix_dir, [](const std::string& name) { return IsValidChunkLocation(name); }, names);
      if (!status.ok()) {
        fail(d, std::move(status));
        continue;
      }
      for (const std::string& name : names) {
        if (name.compare(0, 2, prefix) != 0) continue;  // misplaced: not ours
        int64_t& modified = locations.try_emplace(name, 0).first->second;
        modified = std::max(modified, NewestMtime(prefix_dir / name));
      }
    }
    for (const auto& [location, modified_ms] : locations) visit({location, modified_ms});
  }
  return first_error;
}

}  // namespace strata::storage::chunk_internal
