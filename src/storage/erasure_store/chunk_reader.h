// ChunkReader: the decode path. Serves a byte range of one erasure-coded chunk
// from its shard files: normally straight from the K data shards (reading and
// verifying only the blocks the range touches), and by Reed-Solomon
// reconstruction from any K verified shards when a data shard is missing or
// corrupt.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "common/result.h"
#include "storage/erasure/codec.h"
#include "storage/erasure_store/manifest.h"

namespace strata::storage {

class ChunkReader {
 public:
  // drives and reconstructions must outlive the reader. codec must match the
  // manifest's K and M.
  ChunkReader(const std::vector<std::filesystem::path>& drives, const ErasureManifest& manifest,
              ErasureCodec codec, std::atomic<uint64_t>& reconstructions)
      : drives_(drives),
        manifest_(manifest),
        codec_(std::move(codec)),
        reconstructions_(reconstructions) {}

  // Fills out with bytes [offset, offset + out.size()) of chunk `chunk`.
  // Every byte returned was verified (block checksums; after a
  // reconstruction also the chunk's SHA-256). A rebuild adds one to the
  // reconstruction counter. Errors, when fewer than K shards are usable:
  //   kUnavailable  some shards are absent (drive gone, file missing) and
  //                 with them back K might be reached.
  //   kCorruption   too many shards are present but bad, or the rebuilt chunk
  //                 does not match its hash.
  // REQUIRES: chunk < manifest.ChunkCount(), the range lies inside the chunk.
  // Thread-safety: const; concurrent calls are safe.
  common::Status ReadChunkRange(uint64_t chunk, uint64_t offset, std::span<uint8_t> out) const;

 private:
  // The fast path: only the data shards and blocks covering the range.
  common::Status ReadDirect(uint64_t chunk, uint64_t offset, std::span<uint8_t> out) const;
  // Reads whole shards until K verify, rebuilds the data shards, checks the
  // chunk hash and copies the range out.
  common::Status ReadReconstructed(uint64_t chunk, uint64_t offset, std::span<uint8_t> out) const;

  const std::vector<std::filesystem::path>& drives_;
  ErasureManifest manifest_;
  ErasureCodec codec_;
  std::atomic<uint64_t>& reconstructions_;
};

}  // namespace strata::storage
