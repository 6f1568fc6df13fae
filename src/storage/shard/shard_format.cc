#include "storage/shard/shard_format.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace strata::storage {

namespace {

// Field offsets of format version 1 (docs/storage-format.md).
constexpr size_t kMagicOffset = 0;
constexpr size_t kVersionOffset = 8;
constexpr size_t kShardIndexOffset = 10;
constexpr size_t kDataShardsOffset = 12;
constexpr size_t kParityShardsOffset = 14;
constexpr size_t kBlockSizeOffset = 16;
constexpr size_t kReservedOffset = 20;
constexpr size_t kChunkSizeOffset = 24;
constexpr size_t kPayloadSizeOffset = 32;
constexpr size_t kChunkHashOffset = 40;
constexpr size_t kHeaderChecksumOffset = 72;
static_assert(kChunkHashOffset + sizeof(ChunkHash) == kHeaderChecksumOffset);
static_assert(kHeaderChecksumOffset + 8 == kShardHeaderSize);
static_assert(kShardMagic.size() == 8);

// Byte-at-a-time so the format is little-endian whatever the host is.
uint64_t LoadLE(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}
void StoreLE(uint8_t* p, size_t n, uint64_t v) {
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

uint64_t ChecksumOfHeaderBytes(const uint8_t* bytes) {
  return XXH3_64bits(bytes, kHeaderChecksumOffset);
}

// Empty when the fields are consistent, else what is wrong.
std::string FindHeaderProblem(const ShardHeader& h) {
  const int total = int{h.data_shards} + int{h.parity_shards};
  if (h.data_shards < 1 || total > kMaxShardCount) {
    return "erasure layout " + std::to_string(h.data_shards) + "+" +
           std::to_string(h.parity_shards) + " out of range";
  }
  if (h.shard_index >= total) {
    return "shard index " + std::to_string(h.shard_index) + " >= K+M " + std::to_string(total);
  }
  if (h.block_size < 1 || h.block_size > kMaxShardBlockSize) {
    return "block size " + std::to_string(h.block_size) + " out of range";
  }
  if (h.payload_size > kMaxShardPayloadSize) {
    return "payload size " + std::to_string(h.payload_size) + " out of range";
  }
  // Cannot overflow: payload_size <= 2^40 and K <= 255.
  if (h.chunk_size > h.payload_size * h.data_shards) {
    return "chunk size " + std::to_string(h.chunk_size) + " exceeds K * payload size";
  }
  return "";
}

}  // namespace

uint64_t LoadLittleEndian64(const uint8_t* p) { return LoadLE(p, 8); }
void StoreLittleEndian64(uint8_t* p, uint64_t value) { StoreLE(p, 8, value); }

common::Status ValidateShardHeader(const ShardHeader& header) {
  std::string problem = FindHeaderProblem(header);
  if (problem.empty()) return common::Status::Ok();
  return common::Error(common::Code::kInvalidArgument, "shard header: " + problem);
}

std::array<uint8_t, kShardHeaderSize> EncodeShardHeader(const ShardHeader& h) {
  std::array<uint8_t, kShardHeaderSize> out{};
  std::memcpy(&out[kMagicOffset], kShardMagic.data(), kShardMagic.size());
  StoreLE(&out[kVersionOffset], 2, kShardFormatVersion);
  StoreLE(&out[kShardIndexOffset], 2, h.shard_index);
  StoreLE(&out[kDataShardsOffset], 2, h.data_shards);
  StoreLE(&out[kParityShardsOffset], 2, h.parity_shards);
  StoreLE(&out[kBlockSizeOffset], 4, h.block_size);
  StoreLE(&out[kReservedOffset], 4, 0);
  StoreLE(&out[kChunkSizeOffset], 8, h.chunk_size);
  StoreLE(&out[kPayloadSizeOffset], 8, h.payload_size);
  std::copy(h.chunk_hash.begin(), h.chunk_hash.end(), &out[kChunkHashOffset]);
  StoreLE(&out[kHeaderChecksumOffset], 8, ChecksumOfHeaderBytes(out.data()));
  return out;
}

common::Result<ShardHeader> DecodeShardHeader(std::span<const uint8_t> bytes) {
  auto corrupt = [](std::string message) {
    return common::Error(common::Code::kCorruption, "shard header: " + std::move(message));
  };
  if (bytes.size() < kShardHeaderSize) {
    return corrupt("truncated: " + std::to_string(bytes.size()) + " of " +
                   std::to_string(kShardHeaderSize) + " bytes");
  }
  const uint8_t* p = bytes.data();
  if (std::memcmp(p + kMagicOffset, kShardMagic.data(), kShardMagic.size()) != 0) {
    return corrupt("bad magic (not a Strata shard file)");
  }
  const uint64_t version = LoadLE(p + kVersionOffset, 2);
  if (version != kShardFormatVersion) {
    return corrupt("unsupported format version " + std::to_string(version) + " (this build reads " +
                   std::to_string(kShardFormatVersion) + ")");
  }
  const uint64_t stored = LoadLE(p + kHeaderChecksumOffset, 8);
  const uint64_t computed = ChecksumOfHeaderBytes(p);
  if (stored != computed) return corrupt("header checksum mismatch");
  if (LoadLE(p + kReservedOffset, 4) != 0) return corrupt("reserved field is not zero");

  ShardHeader h;
  h.shard_index = static_cast<uint16_t>(LoadLE(p + kShardIndexOffset, 2));
  h.data_shards = static_cast<uint16_t>(LoadLE(p + kDataShardsOffset, 2));
  h.parity_shards = static_cast<uint16_t>(LoadLE(p + kParityShardsOffset, 2));
  h.block_size = static_cast<uint32_t>(LoadLE(p + kBlockSizeOffset, 4));
  h.chunk_size = LoadLE(p + kChunkSizeOffset, 8);
  h.payload_size = LoadLE(p + kPayloadSizeOffset, 8);
  std::copy_n(p + kChunkHashOffset, h.chunk_hash.size(), h.chunk_hash.begin());
  std::string problem = FindHeaderProblem(h);
  if (!problem.empty()) return corrupt(problem);
  return h;
}

uint64_t ShardHeaderChecksum(const ShardHeader& header) {
  return LoadLE(&EncodeShardHeader(header)[kHeaderChecksumOffset], 8);
}

uint64_t ShardBlockCount(const ShardHeader& header) {
  return (header.payload_size + header.block_size - 1) / header.block_size;
}

uint64_t ShardFileSize(const ShardHeader& header) {
  return kShardHeaderSize + header.payload_size + ShardBlockCount(header) * kShardBlockChecksumSize;
}

uint64_t ShardBlockOffset(const ShardHeader& header, uint64_t block) {
  return kShardHeaderSize + block * (uint64_t{header.block_size} + kShardBlockChecksumSize);
}

uint64_t ShardBlockLength(const ShardHeader& header, uint64_t block) {
  return std::min<uint64_t>(header.block_size, header.payload_size - block * header.block_size);
}

uint64_t ShardBlockChecksum(uint64_t header_checksum, uint64_t block,
                            std::span<const uint8_t> data) {
  return XXH3_64bits_withSeed(data.data(), data.size(), header_checksum ^ block);
}

}  // namespace strata::storage
