// The encode path of ErasureChunkStore: erasure-code a chunk, write its
// K + M shards to their drives at the same time, and decide the outcome from
// every shard's result against the write quorum (STYLE.md rule 8). Private
// to storage/chunk_store.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/chunk_store/internal/shard_files.h"
#include "storage/erasure/codec.h"

namespace strata::storage::chunk_internal {

// Encodes data and writes shard i of files' chunk for every i, in parallel,
// each through ChunkShardFiles::Write. Returns one Status per shard, index =
// shard; a failed shard never stops the others. Fails as a whole only when
// encoding does (kInvalidArgument).
// REQUIRES: data.size() == files.chunk().size; codec matches files.
common::Result<std::vector<common::Status>> WriteChunkShards(const ChunkShardFiles& files,
                                                             const ErasureCodec& codec,
                                                             std::span<const uint8_t> data,
                                                             uint32_t block_size);

// OK when at least quorum results are OK; otherwise kUnavailable naming
// `what` and listing every failure.
common::Status ReduceQuorum(const std::vector<common::Status>& results, int quorum,
                            std::string_view what);

}  // namespace strata::storage::chunk_internal
