#include "storage/chunk_store/internal/chunk_decode.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

#include "common/hash.h"

namespace strata::storage::chunk_internal {
namespace {

// The fast path: only the data shards and blocks covering the range. Chunk
// byte x is byte x % S of data shard x / S (the codec lays the chunk out
// verbatim over the data shards).
common::Status ReadDirect(const ChunkShardFiles& files, uint64_t offset, std::span<uint8_t> out) {
  const uint64_t shard_size = files.shard_size();
  uint64_t done = 0;
  while (done < out.size()) {
    const uint64_t x = offset + done;
    const int shard = static_cast<int>(x / shard_size);
    const uint64_t in_shard = x % shard_size;
    const uint64_t n = std::min<uint64_t>(out.size() - done, shard_size - in_shard);
    STRATA_ASSIGN_OR_RETURN(ShardReader reader, files.Open(shard));
    STRATA_RETURN_IF_ERROR(files.ReadRange(reader, shard, in_shard, out.subspan(done, n)));
    done += n;
  }
  return common::Status::Ok();
}

// Reads whole shards (data first, then parity) until K verify, rebuilds the
// missing data shards and copies the range out.
common::Status ReadReconstructed(const ChunkShardFiles& files, const ErasureCodec& codec,
                                 uint64_t offset, std::span<uint8_t> out, ReadOutcome& outcome) {
  const int k = files.data_shards();
  const int total = files.total_shards();
  std::vector<std::optional<std::vector<uint8_t>>> shards(static_cast<size_t>(total));
  int present = 0;
  int absent = 0;
  std::string errors;
  // Data shards first: when they all verify nothing needs decoding, and
  // their identity rows make the inversion cheap otherwise. Every data shard
  // is visited (K present needs at least K visits), so the corrupt shard
  // that failed the fast path is always found and counted here.
  for (int i = 0; i < total && present < k; ++i) {
    common::Result<ShardPayload> payload = files.ReadWhole(i);
    if (payload.ok()) {
      shards[static_cast<size_t>(i)] = std::move(payload->bytes);
      ++present;
      continue;
    }
    if (payload.status().code() == common::Code::kCorruption) {
      ++outcome.corrupt_shards;
    } else {
      ++absent;
    }
    if (!errors.empty()) errors += "; ";
    errors += payload.status().ToString();
  }
  if (present < k) {
    // Shards that are merely absent may come back with their drive.
    const auto code =
        present + absent >= k ? common::Code::kUnavailable : common::Code::kCorruption;
    return common::Error(code, "chunk " + files.chunk().hash + " at " + files.chunk().location +
                                   ": only " + std::to_string(present) + " of " +
                                   std::to_string(total) + " shards usable, need " +
                                   std::to_string(k) + " (" + errors + ")");
  }
  const bool data_complete = std::all_of(shards.begin(), shards.begin() + k,
                                         [](const auto& shard) { return shard.has_value(); });
  if (!data_complete) {
    STRATA_RETURN_IF_ERROR(RebuildChunk(files, codec, shards));
    outcome.rebuilt = true;
  }
  const uint64_t shard_size = files.shard_size();
  for (uint64_t done = 0; done < out.size();) {
    const uint64_t x = offset + done;
    const size_t shard = static_cast<size_t>(x / shard_size);
    const uint64_t in_shard = x % shard_size;
    const uint64_t n = std::min<uint64_t>(out.size() - done, shard_size - in_shard);
    std::memcpy(out.data() + done, shards[shard]->data() + in_shard, n);
    done += n;
  }
  return common::Status::Ok();
}

}  // namespace

common::Status ReadChunkRange(const ChunkShardFiles& files, const ErasureCodec& codec,
                              uint64_t offset, std::span<uint8_t> out, ReadOutcome& outcome) {
  if (out.empty()) return common::Status::Ok();
  // Any failure of the fast path (absent shard, bad block, bad header) is a
  // reason to rebuild, not to fail: the other shards decide.
  if (ReadDirect(files, offset, out).ok()) return common::Status::Ok();
  return ReadReconstructed(files, codec, offset, out, outcome);
}

common::Status RebuildChunk(const ChunkShardFiles& files, const ErasureCodec& codec,
                            std::vector<std::optional<std::vector<uint8_t>>>& shards) {
  STRATA_RETURN_IF_ERROR(codec.Reconstruct(shards));
  // End-to-end check: block checksums caught bad bytes on disk; the chunk
  // hash also catches a wrong decode or a consistent-but-wrong shard set
  // (with exactly K shards present, corruption cannot be seen otherwise).
  common::Digest digest(common::Digest::Algorithm::kSha256);
  const uint64_t chunk_size = files.chunk().size;
  for (uint64_t done = 0; done < chunk_size;) {
    const auto& shard = *shards[static_cast<size_t>(done / files.shard_size())];
    const uint64_t n = std::min<uint64_t>(chunk_size - done, files.shard_size());
    digest.Update(std::string_view(reinterpret_cast<const char*>(shard.data()), n));
    done += n;
  }
  const std::string sha = digest.Finish();
  const ChunkHash& want = files.raw_hash();
  if (sha.size() != want.size() || std::memcmp(sha.data(), want.data(), want.size()) != 0) {
    return common::Error(common::Code::kCorruption, "chunk " + files.chunk().hash + " at " +
                                                        files.chunk().location +
                                                        " does not match its hash after rebuild");
  }
  return common::Status::Ok();
}

}  // namespace strata::storage::chunk_internal
