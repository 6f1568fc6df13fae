// ChunkShardFiles: the K + M shard files of one chunk location across the
// drives: which drive holds each shard, and opening, reading and durably
// writing one of them, all through the drives' Drive objects. It is also
// where failures are told apart for DriveHealth: a shard file that does not
// exist is just missing, any other I/O failure takes its drive offline.
// Private to storage/chunk_store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "common/result.h"
#include "meta/meta_store.h"
#include "storage/chunk_store/drive_health.h"
#include "storage/drive/drive.h"
#include "storage/erasure/codec.h"
#include "storage/shard/shard_format.h"
#include "storage/shard/shard_reader.h"

namespace strata::storage::chunk_internal {

// A shard's verified payload and the block size it was written with.
struct ShardPayload {
  std::vector<uint8_t> bytes;
  uint32_t block_size = kDefaultShardBlockSize;
};

class ChunkShardFiles {
 public:
  // Checks chunk (hash: 64 lower-case hex; location: 32 lower-case hex; K and
  // M equal to the codec's; size 1 .. kMaxChunkSize) and binds it to drives,
  // whose health is tracked by health (one entry per drive, same order).
  // kInvalidArgument when chunk is malformed. drives (the span's elements
  // and the Drives) and health must outlive the returned object; codec is
  // only consulted here. REQUIRES: drives.size() == health.size() > 0.
  static common::Result<ChunkShardFiles> Create(std::span<Drive* const> drives, DriveHealth& health,
                                                const meta::ChunkInfo& chunk,
                                                const ErasureCodec& codec);

  const meta::ChunkInfo& chunk() const { return chunk_; }
  int data_shards() const { return chunk_.data_shards; }
  int total_shards() const { return chunk_.data_shards + chunk_.parity_shards; }
  // Bytes of every shard's payload (the codec's ShardSize of the chunk).
  size_t shard_size() const { return shard_size_; }
  const ChunkHash& raw_hash() const { return raw_hash_; }

  // Drive index of shard `shard`.
  size_t DriveOf(int shard) const;
  // Whether shard `shard`'s drive is in service (not offline after an I/O
  // failure): only then can a shard be written there.
  bool DriveOnline(int shard) const;

  // The header shard `shard` of this chunk carries (block_size aside).
  ShardHeader ExpectedHeader(int shard, uint32_t block_size) const;

  // Opens shard `shard` and checks that its header names this chunk (index,
  // K, M, sizes, SHA-256), so a stale or misplaced file is never served.
  //   kUnavailable  absent: drive offline, file missing, or an I/O error
  //                 (which also takes the drive offline).
  //   kCorruption   the header is bad or describes another shard.
  common::Result<ShardReader> Open(int shard) const;

  // reader.ReadRange for shard `shard`, taking the drive offline on an I/O
  // error. Same errors as ShardReader::ReadRange.
  common::Status ReadRange(const ShardReader& reader, int shard, uint64_t offset,
                           std::span<uint8_t> out) const;

  // Open plus a read of the whole payload, which verifies every block.
  // Same errors as Open and ReadRange.
  common::Result<ShardPayload> ReadWhole(int shard) const;

  // Writes payload as shard `shard` through the durable recipe (temporary
  // file in <drive>/tmp/, fdatasync, rename, directory fsync), replacing any
  // existing file. Recreates the drive's tmp/ and the location's directories
  // when they are gone (a drive folder deleted or swapped for an empty one).
  // kUnavailable when the drive is offline or on I/O error (which takes the
  // drive offline). REQUIRES: payload.size() == shard_size().
  common::Status Write(int shard, uint32_t block_size, std::span<const uint8_t> payload) const;

  // Thread-safety: const methods may run concurrently, also on one shard
  // for reads; concurrent writes of one shard collide on the temporary name
  // and one of them fails.

 private:
  ChunkShardFiles(std::span<Drive* const> drives, DriveHealth& health, meta::ChunkInfo chunk,
                  size_t shard_size, uint64_t placement_hash, const ChunkHash& raw_hash)
      : drives_(drives),
        health_(&health),
        chunk_(std::move(chunk)),
        shard_size_(shard_size),
        placement_hash_(placement_hash),
        raw_hash_(raw_hash) {}

  // Records an I/O failure of status against the drive of `shard`.
  void NoteFailure(int shard, const common::Status& status) const;
  common::Status WriteDurably(int shard, uint32_t block_size,
                              std::span<const uint8_t> payload) const;

  std::span<Drive* const> drives_;
  DriveHealth* health_;
  meta::ChunkInfo chunk_;
  size_t shard_size_;
  uint64_t placement_hash_;
  ChunkHash raw_hash_;
};

}  // namespace strata::storage::chunk_internal
