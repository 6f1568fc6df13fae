#include "app/readiness.h"

#include <algorithm>

namespace strata::app {

size_t DrivesNeededForWrites(size_t drive_count, int shards_per_chunk, int write_quorum) {
  const size_t shards = static_cast<size_t>(shards_per_chunk);
  const size_t spare = shards - static_cast<size_t>(write_quorum);  // shards a write may lose
  // Shards per drive for one chunk, most loaded first: shards % n drives hold
  // one more than the rest (all zero beyond the chunk's K + M drives).
  size_t lost = 0;
  size_t offline_allowed = 0;
  for (size_t d = 0; d < drive_count; ++d) {
    const size_t load = shards / drive_count + (d < shards % drive_count ? 1 : 0);
    if (lost + load > spare) break;
    lost += load;
    ++offline_allowed;
  }
  return drive_count - offline_allowed;
}

Readiness CheckReadiness(meta::MetaStore& meta, const std::vector<storage::DriveStatus>& drives,
                         size_t drives_needed) {
  // One index lookup proves the store answers, on every backend: no row has
  // an empty location. Not GetStorageStats, which sums whole tables (a probe
  // every few seconds must stay cheap), and not a read the Redis cache could
  // answer while the database is down.
  if (auto answered = meta.ChunkLocationExists(""); !answered.ok()) {
    return {false, "metadata store: " + answered.status().ToString()};
  }
  const size_t online = static_cast<size_t>(
      std::count_if(drives.begin(), drives.end(), [](const auto& d) { return d.online; }));
  if (online < drives_needed) {
    return {false, std::to_string(online) + " of " + std::to_string(drives.size()) +
                       " drives online; writes need " + std::to_string(drives_needed)};
  }
  return {true, ""};
}

}  // namespace strata::app
