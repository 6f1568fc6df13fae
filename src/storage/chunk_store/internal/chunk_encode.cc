#include "storage/chunk_store/internal/chunk_encode.h"

#include <algorithm>
#include <future>
#include <string>

namespace strata::storage::chunk_internal {

common::Result<std::vector<common::Status>> WriteChunkShards(const ChunkShardFiles& files,
                                                             const ErasureCodec& codec,
                                                             std::span<const uint8_t> data,
                                                             uint32_t block_size) {
  std::vector<std::vector<uint8_t>> shards;
  STRATA_RETURN_IF_ERROR(codec.Encode(data, shards));
  const int total = files.total_shards();
  auto write_shard = [&](int i) { return files.Write(i, block_size, shards[i]); };
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
