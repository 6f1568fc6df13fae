// The heal path of ErasureChunkStore: verify every shard of a chunk in full
// and rewrite the missing or corrupt ones from K good ones. Private to
// storage/chunk_store.
#pragma once

#include "common/result.h"
#include "storage/chunk_store.h"
#include "storage/chunk_store/internal/shard_files.h"
#include "storage/erasure/codec.h"

namespace strata::storage::chunk_internal {

// Reads every shard of files' chunk whole (each block and the header checked
// against the chunk), rebuilds the missing and corrupt ones from the good
// ones, checks the rebuilt chunk against its SHA-256, and writes each
// rebuilt shard through the durable recipe. Shards on an offline drive count
// as missing and are not written; a failed write leaves that shard missing.
// So the chunk is whole again exactly when shards_rebuilt equals
// shards_missing + shards_corrupt.
// Errors (nothing is written then):
//   kUnavailable  fewer than K good shards, but enough absent ones that
//                 their drives coming back could make K.
//   kCorruption   fewer than K good shards otherwise, or the rebuilt chunk
//                 does not match its hash.
// REQUIRES: codec matches files.
common::Result<HealResult> HealChunk(const ChunkShardFiles& files, const ErasureCodec& codec);

}  // namespace strata::storage::chunk_internal
