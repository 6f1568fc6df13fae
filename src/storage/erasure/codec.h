// ErasureCodec: systematic Reed-Solomon over GF(2^8) with ISA-L. A chunk is
// cut into K equal data shards (the chunk's bytes verbatim, zero-padded at the
// end) plus M parity shards; any K of the K+M shards rebuild all the others.
//
// The generator matrix is ISA-L's Cauchy matrix (gf_gen_cauchy1_matrix): an
// identity block on top of a Cauchy block. Every square sub-matrix of a Cauchy
// matrix is invertible, so every choice of K surviving shards decodes, for
// every K and M. The Vandermonde-derived gf_gen_rs_matrix does not promise
// that for all (K, M). The matrix is part of the stored format: changing it
// makes existing parity undecodable (docs/storage-format.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/result.h"

namespace strata::storage {

class ErasureCodec {
 public:
  // Shard sizes are rounded up to a multiple of this many bytes, so ISA-L's
  // SIMD kernels (32- and 64-byte lanes) never fall back to their scalar tail
  // loop. Costs at most (kShardAlignment - 1) bytes per shard; a 4 MiB chunk
  // with K = 4 pays nothing.
  static constexpr size_t kShardAlignment = 64;
  // Bound from the Cauchy construction: its row and column labels must be
  // distinct elements of GF(2^8).
  static constexpr int kMaxTotalShards = 255;

  // Builds the generator matrix and the encode tables once.
  // kInvalidArgument unless 1 <= data_shards, 0 <= parity_shards and
  // data_shards + parity_shards <= kMaxTotalShards.
  static common::Result<ErasureCodec> Create(int data_shards, int parity_shards);

  int data_shards() const { return k_; }
  int parity_shards() const { return m_; }
  int total_shards() const { return k_ + m_; }

  // Bytes in every shard of a chunk of chunk_bytes bytes:
  // ceil(chunk_bytes / K) rounded up to a multiple of kShardAlignment.
  // 0 for an empty chunk. The chunk's true length must be stored beside the
  // shards (the shard header does) to strip the padding on read.
  size_t ShardSize(size_t chunk_bytes) const;

  // Fills shards with K + M shards of ShardSize(chunk.size()) bytes each:
  // shards[0..K) hold the chunk in order, zero-padded at the end;
  // shards[K..K+M) hold the parity. Existing vectors are reused (their
  // capacity is kept), so a caller that encodes chunk after chunk allocates
  // once. kInvalidArgument when a shard would exceed INT_MAX bytes (ISA-L
  // takes an int length); chunks are MiBs, so this is a guard, not a limit.
  common::Status Encode(std::span<const uint8_t> chunk,
                        std::vector<std::vector<uint8_t>>& shards) const;

  // Writes the M parity shards of shard_bytes each from the K data shards,
  // all caller-owned (no copy, no zero-fill). REQUIRES: data.size() == K,
  // parity.size() == M.
  common::Status EncodeParity(std::span<const uint8_t* const> data,
                              std::span<uint8_t* const> parity, size_t shard_bytes) const;

  // Rebuilds every missing shard (nullopt) in place from the present ones;
  // present shards are not modified. The caller must already have verified
  // the present shards (block checksums): with exactly K present, corruption
  // cannot be detected here and silently propagates into the rebuilt shards.
  // Errors:
  //   kInvalidArgument  shards.size() != K + M, present shards differ in
  //                     size, or a shard exceeds INT_MAX bytes.
  //   kUnavailable      fewer than K shards present: the chunk cannot be
  //                     rebuilt from what is at hand (more may come back when
  //                     an offline drive returns, hence not kCorruption).
  // Cost: one K x K matrix inversion per call (decode tables are computed per
  // call, not cached: for K <= 16 this is microseconds against a pass over
  // megabytes of shard data) plus one ISA-L pass producing all missing shards.
  common::Status Reconstruct(std::vector<std::optional<std::vector<uint8_t>>>& shards) const;

  // Rebuilds the shards listed in `wanted` into `outputs` (same order) from
  // the first K present entries of `shards` (K + M pointers, nullptr =
  // absent). Every buffer holds `length` bytes taken from the same position
  // of each shard: Reed-Solomon codes each byte position on its own, so a
  // slice of the present shards rebuilds the same slice of the missing ones
  // (a range read decodes only its range). Nothing is zero-filled or copied;
  // outputs may be uninitialised. Same verification caveat as Reconstruct.
  // Errors: kInvalidArgument (shards.size() != K + M, outputs.size() !=
  // wanted.size(), a wanted index out of range or present, length over
  // INT_MAX); kUnavailable (fewer than K present).
  common::Status ReconstructSlices(std::span<const uint8_t* const> shards,
                                   std::span<const int> wanted, std::span<uint8_t* const> outputs,
                                   size_t length) const;

  // Thread-safety: an ErasureCodec is immutable after Create; const methods
  // may be called concurrently. Movable and copyable.

 private:
  ErasureCodec(int k, int m, std::vector<uint8_t> matrix, std::vector<uint8_t> encode_tables)
      : k_(k), m_(m), matrix_(std::move(matrix)), encode_tables_(std::move(encode_tables)) {}

  int k_;
  int m_;
  // (K + M) x K generator, row-major; rows [0, K) are the identity.
  std::vector<uint8_t> matrix_;
  // ec_init_tables expansion of the M parity rows (32 * K * M bytes).
  std::vector<uint8_t> encode_tables_;
};

}  // namespace strata::storage
