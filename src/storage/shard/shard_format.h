// The on-disk shard file, format version 1. One file holds one erasure shard
// of one chunk: a fixed 80-byte header, then the shard payload cut into
// blocks of block_size bytes (the last one may be short), each block followed
// by its 8-byte XXH3-64 checksum. docs/storage-format.md has the byte-by-byte
// layout; this header is its single implementation, shared by ShardWriter and
// ShardReader.
//
// Why this shape: the header lets the healer rebuild a chunk from its shard
// files alone (K, M, sizes and the chunk hash travel with the data); per-block
// checksums let a range read verify exactly the blocks it touches instead of
// the whole shard.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "common/result.h"

namespace strata::storage {

inline constexpr std::string_view kShardMagic = "STRSHARD";  // 8 bytes, no NUL
inline constexpr uint16_t kShardFormatVersion = 1;
inline constexpr size_t kShardHeaderSize = 80;
inline constexpr size_t kShardBlockChecksumSize = 8;
inline constexpr uint32_t kDefaultShardBlockSize = 64 * 1024;
// Bounds that keep a reader's per-block buffer and offset arithmetic sane even
// for a header that passes its checksum but was written by a buggy writer.
inline constexpr uint32_t kMaxShardBlockSize = 16 * 1024 * 1024;
inline constexpr uint64_t kMaxShardPayloadSize = uint64_t{1} << 40;
inline constexpr int kMaxShardCount = 255;  // K + M, as in ErasureCodec

using ChunkHash = std::array<uint8_t, 32>;  // raw SHA-256 of the whole chunk

// The header's fields. The format version is not a field: writers always
// write kShardFormatVersion and readers reject any other.
struct ShardHeader {
  uint16_t shard_index = 0;    // 0..K-1 data, K..K+M-1 parity
  uint16_t data_shards = 0;    // K
  uint16_t parity_shards = 0;  // M
  uint32_t block_size = kDefaultShardBlockSize;
  uint64_t chunk_size = 0;    // the original chunk's length, before padding
  uint64_t payload_size = 0;  // bytes of shard data in this file
  ChunkHash chunk_hash{};

  bool operator==(const ShardHeader&) const = default;
};

// kInvalidArgument unless: 1 <= K, K + M <= kMaxShardCount,
// shard_index < K + M, 1 <= block_size <= kMaxShardBlockSize,
// payload_size <= kMaxShardPayloadSize and chunk_size <= K * payload_size
// (the K data shards can hold the chunk).
common::Status ValidateShardHeader(const ShardHeader& header);

// The 80 header bytes, little-endian, checksum included.
// REQUIRES: ValidateShardHeader(header).ok().
std::array<uint8_t, kShardHeaderSize> EncodeShardHeader(const ShardHeader& header);

// Parses and checks header bytes (at least kShardHeaderSize; extra bytes are
// ignored). kCorruption, with a message naming the problem, for: too few
// bytes, wrong magic, unsupported version, header checksum mismatch, non-zero
// reserved field, or fields ValidateShardHeader rejects. Checks run in that
// order, so a file from a newer format reports its version rather than a
// checksum mismatch.
common::Result<ShardHeader> DecodeShardHeader(std::span<const uint8_t> bytes);

// The XXH3-64 stored at header offset 72. Block checksums are seeded with it
// (see ShardBlockChecksum). REQUIRES: a valid header.
uint64_t ShardHeaderChecksum(const ShardHeader& header);

// Layout arithmetic. All REQUIRE a valid header; block < ShardBlockCount().
uint64_t ShardBlockCount(const ShardHeader& header);  // ceil(payload / block)
uint64_t ShardFileSize(const ShardHeader& header);    // header + payload + checksums
// File offset of the first payload byte of `block`.
uint64_t ShardBlockOffset(const ShardHeader& header, uint64_t block);
// Payload bytes in `block`: block_size, except possibly the last.
uint64_t ShardBlockLength(const ShardHeader& header, uint64_t block);

// XXH3-64 of one block's payload bytes, seeded with
// (header_checksum XOR block). The seed binds each block to its position and
// to its file: a block written at the wrong offset, or copied from another
// shard file (even one with identical bytes, such as zero padding), fails
// verification.
uint64_t ShardBlockChecksum(uint64_t header_checksum, uint64_t block,
                            std::span<const uint8_t> data);

// Little-endian u64 at p (the on-disk byte order of every field).
uint64_t LoadLittleEndian64(const uint8_t* p);
void StoreLittleEndian64(uint8_t* p, uint64_t value);

}  // namespace strata::storage
