#include "storage/erasure_store/chunk_reader.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "common/hash.h"
#include "storage/erasure_store/layout.h"
#include "storage/shard/shard_reader.h"

namespace strata::storage {
namespace {

// Opens shard `shard` of `chunk` and checks that its header is the one this
// manifest expects, so a shard of another chunk (a misplaced or stale file)
// is never served.
common::Result<ShardReader> OpenShard(const std::vector<std::filesystem::path>& drives,
                                      const ErasureManifest& manifest, uint64_t chunk, int shard,
                                      size_t shard_size) {
  const auto& drive = drives[ShardDrive(manifest.id, chunk, shard, drives.size())];
  STRATA_ASSIGN_OR_RETURN(ShardReader reader,
                          ShardReader::Open(ShardFilePath(drive, manifest.id, chunk, shard)));
  const ShardHeader& header = reader.header();
  if (header.shard_index != shard || header.data_shards != manifest.data_shards ||
      header.parity_shards != manifest.parity_shards ||
      header.chunk_size != manifest.ChunkBytes(chunk) || header.payload_size != shard_size) {
    return common::Error(common::Code::kCorruption,
                         "shard header does not match the object: " + reader.path().string());
  }
  return reader;
}

}  // namespace

common::Status ChunkReader::ReadChunkRange(uint64_t chunk, uint64_t offset,
                                           std::span<uint8_t> out) const {
  if (out.empty()) return common::Status::Ok();
  // Any failure of the fast path (absent shard, bad block, bad header) is a
  // reason to rebuild, not to fail: the other shards decide.
  if (ReadDirect(chunk, offset, out).ok()) return common::Status::Ok();
  return ReadReconstructed(chunk, offset, out);
}

common::Status ChunkReader::ReadDirect(uint64_t chunk, uint64_t offset,
                                       std::span<uint8_t> out) const {
  const size_t shard_size = codec_.ShardSize(manifest_.ChunkBytes(chunk));
  // Chunk byte x is byte x % S of data shard x / S (the codec lays the chunk
  // out verbatim over the data shards).
  uint64_t done = 0;
  while (done < out.size()) {
    const uint64_t x = offset + done;
    const int shard = static_cast<int>(x / shard_size);
    const uint64_t in_shard = x % shard_size;
    const uint64_t n = std::min<uint64_t>(out.size() - done, shard_size - in_shard);
    STRATA_ASSIGN_OR_RETURN(ShardReader reader,
                            OpenShard(drives_, manifest_, chunk, shard, shard_size));
    STRATA_RETURN_IF_ERROR(reader.ReadRange(in_shard, out.subspan(done, n)));
    done += n;
  }
  return common::Status::Ok();
}

common::Status ChunkReader::ReadReconstructed(uint64_t chunk, uint64_t offset,
                                              std::span<uint8_t> out) const {
  const int k = manifest_.data_shards;
  const int total = k + manifest_.parity_shards;
  const uint64_t chunk_bytes = manifest_.ChunkBytes(chunk);
  const size_t shard_size = codec_.ShardSize(chunk_bytes);
  std::vector<std::optional<std::vector<uint8_t>>> shards(total);
  std::optional<ChunkHash> hash;
  int present = 0;
  int absent = 0;
  std::string errors;
  // Data shards first: when only parity is lost nothing needs rebuilding.
  for (int i = 0; i < total && present < k; ++i) {
    common::Status status = [&]() -> common::Status {
      STRATA_ASSIGN_OR_RETURN(ShardReader reader,
                              OpenShard(drives_, manifest_, chunk, i, shard_size));
      if (hash && reader.header().chunk_hash != *hash) {
        return common::Error(common::Code::kCorruption,
                             "shard names another chunk hash: " + reader.path().string());
      }
      std::vector<uint8_t> data(shard_size);
      STRATA_RETURN_IF_ERROR(reader.ReadRange(0, data));  // verifies every block
      hash = reader.header().chunk_hash;
      shards[i] = std::move(data);
      return common::Status::Ok();
    }();
    if (status.ok()) {
      ++present;
    } else {
      absent += status.code() == common::Code::kUnavailable;
      if (!errors.empty()) errors += "; ";
      errors += status.ToString();
    }
  }
  if (present < k) {
    // Shards that are merely absent may come back with their drive.
    const auto code =
        present + absent >= k ? common::Code::kUnavailable : common::Code::kCorruption;
    return common::Error(code, "chunk " + std::to_string(chunk) + " of object " + manifest_.id +
                                   ": only " + std::to_string(present) + " of " +
                                   std::to_string(total) + " shards usable, need " +
                                   std::to_string(k) + " (" + errors + ")");
  }
  STRATA_RETURN_IF_ERROR(codec_.Reconstruct(shards));
  // End-to-end check: the block checksums caught bad bytes on disk; the chunk
  // hash also catches a wrong decode or a consistent-but-wrong shard set.
  std::string whole(chunk_bytes, '\0');
  for (uint64_t done = 0; done < chunk_bytes;) {
    const size_t shard = static_cast<size_t>(done / shard_size);
    const uint64_t n = std::min<uint64_t>(chunk_bytes - done, shard_size);
    std::memcpy(whole.data() + done, shards[shard]->data(), n);
    done += n;
  }
  const std::string sha = common::Sha256(whole);
  if (!hash || std::memcmp(sha.data(), hash->data(), hash->size()) != 0) {
    return common::Error(common::Code::kCorruption, "chunk " + std::to_string(chunk) +
                                                        " of object " + manifest_.id +
                                                        " does not match its hash after rebuild");
  }
  reconstructions_.fetch_add(1, std::memory_order_relaxed);
  std::memcpy(out.data(), whole.data() + offset, out.size());
  return common::Status::Ok();
}

}  // namespace strata::storage
