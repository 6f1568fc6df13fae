// ErasureManifest: the data_ref an ErasureObjectStore hands out and the
// metadata row stores. It is self-describing: it names the object's shard
// files and carries everything needed to read them back (K, M, chunk size,
// object size), so a store opened with other options still reads old objects.
//
// Text form (docs/storage-format.md, section 3):
//   ec1;<id>;<K>;<M>;<chunk_size>;<object_size>;<chunk_count>
// Fixed-size chunking makes every chunk chunk_size bytes except the last, so
// per-chunk sizes are derived, not stored. chunk_count is redundant
// (ceil(object_size / chunk_size)) and is checked on parse as a guard against
// a truncated or hand-edited reference.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace strata::storage {

inline constexpr std::string_view kErasureManifestPrefix = "ec1";

struct ErasureManifest {
  std::string id;  // 32 lower-case hex characters: the object-write id
  int data_shards = 0;
  int parity_shards = 0;
  uint64_t chunk_size = 0;  // bytes in every chunk but the last
  uint64_t object_size = 0;

  bool operator==(const ErasureManifest&) const = default;

  // ceil(object_size / chunk_size); 0 for an empty object.
  uint64_t ChunkCount() const;
  // Bytes in chunk `chunk`. REQUIRES: chunk < ChunkCount().
  uint64_t ChunkBytes(uint64_t chunk) const;
};

// The text form above. REQUIRES: the fields pass ParseErasureManifest's checks.
std::string EncodeErasureManifest(const ErasureManifest& manifest);

// Parses the text form strictly: exactly seven ';'-separated fields, prefix
// "ec1", a 32-character lower-case hex id, decimal numbers without sign or
// leading zeros, 1 <= K, 0 <= M, K + M <= 255, 1 <= chunk_size <=
// kMaxChunkSize, and chunk_count equal to ceil(object_size / chunk_size).
// Anything else is kCorruption: a bad reference means the metadata row is
// damaged, not that the caller erred.
common::Result<ErasureManifest> ParseErasureManifest(std::string_view data_ref);

}  // namespace strata::storage
