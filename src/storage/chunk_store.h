// ChunkStore: where chunk contents live on the drives. A chunk is written once
// per location (a fresh random id per write, meta::ChunkInfo::location) and
// becomes part of an object only when a MetaStore commit names it, so a write
// that never commits leaves files the orphan scan removes after the grace
// period (ARCHITECTURE.md section 4). Reference counting, dedup decisions and
// GC policy live above this interface (storage/dedup, storage/gc); this layer
// only stores, reads, verifies and repairs shard sets.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "meta/meta_store.h"

namespace strata::storage {

// What one Heal call found and did.
struct HealResult {
  int shards_checked = 0;
  int shards_missing = 0;  // absent (file or drive gone)
  int shards_corrupt = 0;  // present but failing a checksum or the header check
  int shards_rebuilt = 0;  // rewritten from the others
  bool operator==(const HealResult&) const = default;
};

// One shard set found on the drives, for the orphan scan.
struct StoredLocation {
  std::string location;
  int64_t modified_ms = 0;  // newest modification time of its files, Unix ms
};

class ChunkStore {
 public:
  virtual ~ChunkStore() = default;

  // Erasure-codes data (1 .. kMaxChunkSize bytes whose SHA-256 is hash, 64
  // hex) under a fresh location and makes its shards durable. Fails with
  // kUnavailable below the write quorum, and then leaves nothing behind.
  // Shards that could not be written (drive offline) are missing: the healer
  // rebuilds them. REQUIRES: hash is the SHA-256 of data (not recomputed
  // here; a wrong one would poison dedup). Thread-safe.
  virtual common::Result<meta::ChunkInfo> Write(std::string_view hash, std::string_view data) = 0;

  // Fills out with bytes [offset, offset + out.size()) of the chunk. Every
  // byte is verified (block checksums; after a rebuild from parity also the
  // chunk's SHA-256). A read that had to rebuild reports the chunk through
  // the degraded-read callback. kUnavailable when fewer than K shards are
  // present, kCorruption when too many are bad, kInvalidArgument when the
  // range is outside the chunk. Thread-safe.
  virtual common::Status ReadRange(const meta::ChunkInfo& chunk, uint64_t offset,
                                   std::span<uint8_t> out) = 0;

  // Removes every shard of the location on every drive; already gone is OK.
  // kUnavailable when a drive refuses (the others are still cleaned).
  virtual common::Status Delete(std::string_view location) = 0;

  // Verifies every shard of the chunk (all blocks) and rewrites the missing
  // or corrupt ones from the good ones, through the durable write recipe.
  // kUnavailable/kCorruption when fewer than K good shards remain (nothing is
  // rewritten then).
  virtual common::Result<HealResult> Heal(const meta::ChunkInfo& chunk) = 0;

  // Calls visit for every location that has at least one shard file on some
  // drive (each location once), in no particular order.
  virtual common::Status ForEachLocation(
      const std::function<void(const StoredLocation&)>& visit) = 0;

  // Called (from the reading or writing thread; keep it quick) with each
  // chunk a read had to rebuild from parity or a write stored short of some
  // shards (within the quorum), so the healer can queue it. Set once, before
  // any read or write.
  virtual void SetDegradedReadCallback(std::function<void(const meta::ChunkInfo&)> callback) = 0;
};

}  // namespace strata::storage
