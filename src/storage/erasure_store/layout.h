// Where an erasure-coded object's shard files live on the drives
// (docs/storage-format.md, section 3):
//   <drive>/shards/<id[0:2]>/<id>/<chunk>.<shard>   committed shard files
//   <drive>/tmp/<id>.<chunk>.<shard>                 shards being written
// Shard i of chunk c lives on drive (h + i) % n, with h = ShardPlacementHash(id,
// c) and n the number of drives, so consecutive chunks rotate data and parity
// over every drive. Placement is recomputed on read, so the drive list (count
// and order) is part of the stored format: changing it makes old objects
// unreadable until a rebalance (not implemented) moves their shards.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>

namespace strata::storage {

inline constexpr std::string_view kShardsDirName = "shards";
inline constexpr std::string_view kTempDirName = "tmp";

// <drive>/shards/<id[0:2]>/<id>: every shard of the object on that drive.
// REQUIRES: id.size() >= 2.
std::filesystem::path ObjectShardDir(const std::filesystem::path& drive, std::string_view id);
// <drive>/shards/<id[0:2]>/<id>/<chunk>.<shard>
std::filesystem::path ShardFilePath(const std::filesystem::path& drive, std::string_view id,
                                    uint64_t chunk, int shard);
// <drive>/tmp/<id>.<chunk>.<shard>: unique because the id is random.
std::filesystem::path ShardTempPath(const std::filesystem::path& drive, std::string_view id,
                                    uint64_t chunk, int shard);

// FNV-1a 64 over the id's characters followed by the chunk index as 8
// little-endian bytes. Stored-format: never change it.
uint64_t ShardPlacementHash(std::string_view id, uint64_t chunk);
// Index of the drive that holds shard `shard` of chunk `chunk`.
// REQUIRES: drive_count > 0.
size_t ShardDrive(std::string_view id, uint64_t chunk, int shard, size_t drive_count);

}  // namespace strata::storage
