#include "storage/erasure_store/layout.h"

#include <string>

namespace strata::storage {

std::filesystem::path ObjectShardDir(const std::filesystem::path& drive, std::string_view id) {
  return drive / kShardsDirName / std::string(id.substr(0, 2)) / std::string(id);
}

std::filesystem::path ShardFilePath(const std::filesystem::path& drive, std::string_view id,
                                    uint64_t chunk, int shard) {
  return ObjectShardDir(drive, id) / (std::to_string(chunk) + "." + std::to_string(shard));
}

std::filesystem::path ShardTempPath(const std::filesystem::path& drive, std::string_view id,
                                    uint64_t chunk, int shard) {
  return drive / kTempDirName /
         (std::string(id) + "." + std::to_string(chunk) + "." + std::to_string(shard));
}

uint64_t ShardPlacementHash(std::string_view id, uint64_t chunk) {
  constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
  constexpr uint64_t kFnvPrime = 0x100000001b3ULL;
  uint64_t hash = kFnvOffset;
  for (char c : id) {
    hash ^= static_cast<uint8_t>(c);
    hash *= kFnvPrime;
  }
  for (int i = 0; i < 8; ++i) {
    hash ^= (chunk >> (8 * i)) & 0xff;
    hash *= kFnvPrime;
  }
  return hash;
}

size_t ShardDrive(std::string_view id, uint64_t chunk, int shard, size_t drive_count) {
  return static_cast<size_t>(
      (ShardPlacementHash(id, chunk) % drive_count + static_cast<uint64_t>(shard)) % drive_count);
}

}  // namespace strata::storage
