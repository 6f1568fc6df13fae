#include "storage/chunk_store/layout.h"

#include <algorithm>
#include <string>

namespace strata::storage {
namespace {

bool IsLowerHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

int HexValue(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

}  // namespace

bool IsValidChunkLocation(std::string_view location) {
  return location.size() == kChunkLocationLength && IsLowerHex(location);
}

bool IsValidChunkHash(std::string_view hash) {
  return hash.size() == kChunkHashLength && IsLowerHex(hash);
}

std::filesystem::path ChunkPrefixDir(std::string_view location) {
  return std::filesystem::path(kChunksDirName) / std::string(location.substr(0, 2));
}

std::filesystem::path ChunkLocationDir(std::string_view location) {
  return ChunkPrefixDir(location) / std::string(location);
}

std::filesystem::path ChunkShardPath(std::string_view location, int shard) {
  return ChunkLocationDir(location) / std::to_string(shard);
}

std::filesystem::path ChunkShardTempPath(std::string_view location, int shard) {
  return std::filesystem::path(kChunkTempDirName) /
         (std::string(location) + "." + std::to_string(shard));
}

std::filesystem::path ChunkPrefixDir(const std::filesystem::path& drive,
                                     std::string_view location) {
  return drive / ChunkPrefixDir(location);
}

std::filesystem::path ChunkLocationDir(const std::filesystem::path& drive,
                                       std::string_view location) {
  return drive / ChunkLocationDir(location);
}

std::filesystem::path ChunkShardPath(const std::filesystem::path& drive, std::string_view location,
                                     int shard) {
  return drive / ChunkShardPath(location, shard);
}

std::filesystem::path ChunkShardTempPath(const std::filesystem::path& drive,
                                         std::string_view location, int shard) {
  return drive / ChunkShardTempPath(location, shard);
}

std::optional<uint64_t> ChunkPlacementHash(std::string_view hash) {
  if (!IsValidChunkHash(hash)) return std::nullopt;
  // 16 hex digits, most significant first: the first 8 digest bytes read
  // big-endian.
  uint64_t h = 0;
  for (char c : hash.substr(0, 16)) h = (h << 4) | static_cast<uint64_t>(HexValue(c));
  return h;
}

size_t ChunkShardDrive(uint64_t placement_hash, int shard, size_t drive_count) {
  const uint64_t n = drive_count;
  return static_cast<size_t>((placement_hash % n + static_cast<uint64_t>(shard) % n) % n);
}

}  // namespace strata::storage
