// The decode path of ErasureChunkStore: serves a byte range of a chunk
// straight from the data shards' covering blocks, and by Reed-Solomon
// reconstruction from any K verified shards when a data shard is missing or
// corrupt. Private to storage/chunk_store.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/result.h"
#include "storage/chunk_store/internal/shard_files.h"
#include "storage/erasure/codec.h"

namespace strata::storage::chunk_internal {

// What a read found, for the store's counters and degraded-read callback.
struct ReadOutcome {
  bool rebuilt = false;    // data shards were reconstructed from parity
  int corrupt_shards = 0;  // shards found present but bad
  // A shard the read could not use is on a drive in service, so healing can
  // write it back. False when every such shard is on an offline drive (a
  // dead disk): healing then can only fail, and the drive's return or
  // replacement is what brings the chunk back to full strength.
  bool repairable = false;
};

// Fills out with chunk bytes [offset, offset + out.size()). Every byte was
// verified: read from blocks that passed their checksums, or rebuilt from K
// shard slices that did (the checksums are seeded with the shard header,
// which names the chunk's hash and the shard's index, so a verified slice
// is the right shard's bytes). A rebuild decodes only the range's slice of
// the missing data shards; the chunk's SHA-256 is left to the healer.
// Errors, when fewer than K shards are usable:
//   kUnavailable  some shards are absent (drive offline, file missing) and
//                 with them back K might be reached.
//   kCorruption   too many shards are present but bad.
// outcome is filled in on success and on failure.
// REQUIRES: offset + out.size() <= files.chunk().size; codec matches files.
common::Status ReadChunkRange(const ChunkShardFiles& files, const ErasureCodec& codec,
                              uint64_t offset, std::span<uint8_t> out, ReadOutcome& outcome);

// Rebuilds every missing (nullopt) shard in place from the present ones and
// checks that the data shards hold the chunk whose SHA-256 files names.
// kUnavailable below K present shards; kCorruption on a hash mismatch.
// REQUIRES: shards.size() == K + M; present shards verified and of
// files.shard_size() bytes.
common::Status RebuildChunk(const ChunkShardFiles& files, const ErasureCodec& codec,
                            std::vector<std::optional<std::vector<uint8_t>>>& shards);

}  // namespace strata::storage::chunk_internal
