// Where a ChunkStore's shard files live on the drives, and which drive holds
// which shard (docs/storage-format.md, section 3):
//   <drive>/chunks/<loc[0:2]>/<loc>/<shard>   committed shard files
//   <drive>/tmp/<loc>.<shard>                  shards being written
// <loc> is the chunk's location (meta::ChunkInfo::location: 32 lower-case
// hex characters, fresh per write) and <shard> the decimal shard index
// (0..K-1 data, K..K+M-1 parity).
//
// STORED FORMAT: the names above and the placement below are how existing
// shards are found again. Never change them in place; a new layout needs a new
// directory name (and a migration), not an edit here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>

namespace strata::storage {

inline constexpr std::string_view kChunksDirName = "chunks";
inline constexpr std::string_view kChunkTempDirName = "tmp";
inline constexpr size_t kChunkLocationLength = 32;  // hex characters
inline constexpr size_t kChunkHashLength = 64;      // hex characters of a SHA-256

// True for exactly kChunkLocationLength lower-case hex characters. Anything
// else could name a path outside the chunk directory, so callers reject it
// before touching the drives.
bool IsValidChunkLocation(std::string_view location);
// True for exactly kChunkHashLength lower-case hex characters.
bool IsValidChunkHash(std::string_view hash);

// Names inside the drive folder, as a Drive (storage/drive/drive.h) takes
// them. REQUIRES: IsValidChunkLocation(location).
//   chunks/<loc[0:2]>: the prefix directory (at most 256 per drive).
std::filesystem::path ChunkPrefixDir(std::string_view location);
//   chunks/<loc[0:2]>/<loc>: every shard of the location on that drive.
std::filesystem::path ChunkLocationDir(std::string_view location);
//   chunks/<loc[0:2]>/<loc>/<shard>
std::filesystem::path ChunkShardPath(std::string_view location, int shard);
//   tmp/<loc>.<shard>: unique per shard because the location is random.
std::filesystem::path ChunkShardTempPath(std::string_view location, int shard);

// The same names under a drive folder: <drive>/chunks/... and <drive>/tmp/...
std::filesystem::path ChunkPrefixDir(const std::filesystem::path& drive, std::string_view location);
std::filesystem::path ChunkLocationDir(const std::filesystem::path& drive,
                                       std::string_view location);
std::filesystem::path ChunkShardPath(const std::filesystem::path& drive, std::string_view location,
                                     int shard);
std::filesystem::path ChunkShardTempPath(const std::filesystem::path& drive,
                                         std::string_view location, int shard);

// The placement hash of a chunk: the first 8 bytes of its SHA-256 (the first
// 16 hex characters of hash), read big-endian. Placement hashes the content,
// not the location, so every copy of one content lands on the same drives.
// nullopt unless IsValidChunkHash(hash).
std::optional<uint64_t> ChunkPlacementHash(std::string_view hash);

// Index of the drive holding shard `shard`: (h + shard) mod drive_count, with
// the sum taken without 64-bit wrap-around, i.e.
// ((h mod drive_count) + shard) mod drive_count. Consecutive shards go to
// consecutive drives, so with drive_count >= K + M every shard of a chunk is
// on its own drive; with fewer drives they share round-robin.
// REQUIRES: drive_count > 0, shard >= 0.
size_t ChunkShardDrive(uint64_t placement_hash, int shard, size_t drive_count);

}  // namespace strata::storage
