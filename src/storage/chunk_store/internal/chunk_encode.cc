#include "storage/chunk_store/internal/chunk_encode.h"

#include <algorithm>
#include <cstring>
#include <future>
#include <memory>
#include <string>

namespace strata::storage::chunk_internal {

common::Result<std::vector<common::Status>> WriteChunkShards(const ChunkShardFiles& files,
                                                             const ErasureCodec& codec,
                                                             std::span<const uint8_t> data,
                                                             uint32_t block_size) {
  // Data shards are read in place from the chunk; only a shard that runs
  // past its end is copied (zero-padded). Parity is written by ISA-L over
  // uninitialized memory: no zero-fill, no copy of the chunk.
  const int k = codec.data_shards();
  const int m = codec.parity_shards();
  const size_t shard_bytes = codec.ShardSize(data.size());
  std::vector<const uint8_t*> data_ptrs(static_cast<size_t>(k));
  std::vector<uint8_t> padded;
  size_t first_padded = static_cast<size_t>(k);
  for (size_t i = 0; i < static_cast<size_t>(k); ++i) {
    if ((i + 1) * shard_bytes <= data.size()) {
      data_ptrs[i] = data.data() + i * shard_bytes;
    } else if (first_padded == static_cast<size_t>(k)) {
      first_padded = i;
    }
  }
  if (first_padded < static_cast<size_t>(k)) {
    padded.assign((static_cast<size_t>(k) - first_padded) * shard_bytes, 0);
    const size_t begin = first_padded * shard_bytes;
    if (begin < data.size()) std::memcpy(padded.data(), data.data() + begin, data.size() - begin);
    for (size_t i = first_padded; i < static_cast<size_t>(k); ++i) {
      data_ptrs[i] = padded.data() + (i - first_padded) * shard_bytes;
    }
  }
  std::unique_ptr<uint8_t[]> parity_bytes(new uint8_t[static_cast<size_t>(m) * shard_bytes + 1]);
  std::vector<uint8_t*> parity_ptrs(static_cast<size_t>(m));
  for (size_t i = 0; i < static_cast<size_t>(m); ++i) {
    parity_ptrs[i] = parity_bytes.get() + i * shard_bytes;
  }
  STRATA_RETURN_IF_ERROR(codec.EncodeParity(data_ptrs, parity_ptrs, shard_bytes));
  const int total = files.total_shards();
  auto write_shard = [&](int i) {
    const uint8_t* p =
        i < k ? data_ptrs[static_cast<size_t>(i)] : parity_ptrs[static_cast<size_t>(i - k)];
    return files.Write(i, block_size, std::span<const uint8_t>(p, shard_bytes));
  };
  // The shards go to their drives at the same time, so a chunk costs one
  // fdatasync wave, not K + M in a row. async|deferred: libstdc++ runs each
  // on its own thread, and falls back to running it at get() (never
  // throwing) when no thread can be started.
  std::vector<std::future<common::Status>> pending;
  pending.reserve(static_cast<size_t>(total));
  for (int i = 1; i < total; ++i) {
    pending.push_back(std::async(std::launch::async | std::launch::deferred, write_shard, i));
  }
  std::vector<common::Status> results(static_cast<size_t>(total));
  results[0] = write_shard(0);
  for (int i = 1; i < total; ++i) results[static_cast<size_t>(i)] = pending[i - 1].get();
  return results;
}

common::Status ReduceQuorum(const std::vector<common::Status>& results, int quorum,
                            std::string_view what) {
  const int ok = static_cast<int>(
      std::count_if(results.begin(), results.end(), [](const auto& s) { return s.ok(); }));
  if (ok >= quorum) return common::Status::Ok();
  std::string errors;
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].ok()) continue;
    if (!errors.empty()) errors += "; ";
    errors += "shard " + std::to_string(i) + ": " + results[i].ToString();
  }
  return common::Error(common::Code::kUnavailable,
                       std::string(what) + ": only " + std::to_string(ok) + " of " +
                           std::to_string(results.size()) + " shards durable, write quorum is " +
                           std::to_string(quorum) + " (" + errors + ")");
}

}  // namespace strata::storage::chunk_internal
