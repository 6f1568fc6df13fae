#include "storage/chunk_store/internal/chunk_heal.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "storage/chunk_store/internal/chunk_decode.h"

namespace strata::storage::chunk_internal {

common::Result<HealResult> HealChunk(const ChunkShardFiles& files, const ErasureCodec& codec) {
  const int k = files.data_shards();
  const int total = files.total_shards();
  HealResult result;
  std::vector<std::optional<std::vector<uint8_t>>> shards(static_cast<size_t>(total));
  std::vector<int> bad;  // shards to rewrite
  // Rebuilt shards copy the block size of the surviving ones, so a healed
  // file is byte-identical to the one that was lost.
  std::optional<uint32_t> block_size;
  std::string errors;
  for (int i = 0; i < total; ++i) {
    ++result.shards_checked;
    common::Result<ShardPayload> payload = files.ReadWhole(i);
    if (payload.ok()) {
      if (!block_size) block_size = payload->block_size;
      shards[static_cast<size_t>(i)] = std::move(payload->bytes);
      continue;
    }
    if (payload.status().code() == common::Code::kCorruption) {
      ++result.shards_corrupt;
    } else {
      ++result.shards_missing;
    }
    bad.push_back(i);
    if (!errors.empty()) errors += "; ";
    errors += payload.status().ToString();
  }
  const int good = total - static_cast<int>(bad.size());
  if (good < k) {
    const auto code =
        good + result.shards_missing >= k ? common::Code::kUnavailable : common::Code::kCorruption;
    return common::Error(code, "cannot heal chunk " + files.chunk().hash + " at " +
                                   files.chunk().location + ": only " + std::to_string(good) +
                                   " of " + std::to_string(total) + " shards good, need " +
                                   std::to_string(k) + " (" + errors + ")");
  }
  if (bad.empty()) return result;
  // Nowhere to write (every bad shard's drive is offline): a rebuild would
  // be thrown away.
  if (std::none_of(bad.begin(), bad.end(), [&](int i) { return files.DriveOnline(i); })) {
    return result;
  }
  STRATA_RETURN_IF_ERROR(RebuildChunk(files, codec, shards));
  // One shard after another: healing is background work, and a chunk rarely
  // has more than one bad shard.
  for (int i : bad) {
    if (files.Write(i, *block_size, *shards[static_cast<size_t>(i)]).ok()) ++result.shards_rebuilt;
  }
  return result;
}

}  // namespace strata::storage::chunk_internal
