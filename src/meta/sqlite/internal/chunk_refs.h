// The chunks table as the writers of manifests (object and part rows) see
// it: reference counting inside the caller's write transaction (meta_store.h,
// PutObject and PutPart). Private to meta/sqlite.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "meta/internal/chunk_table.h"
#include "meta/meta_store.h"
#include "meta/sqlite/internal/connection.h"

namespace strata::meta::sqlite::internal {

// A chunks row.
struct ChunkRow {
  ChunkInfo info;
  int64_t refcount = 0;
  int64_t zero_since_ms = 0;
};

// The ChunkInfo in columns 0..4 of `row`: hash, location, data_shards,
// parity_shards, size.
ChunkInfo ReadChunkInfo(const Statement& row);

// The row for `hash`, or nullopt. Any connection, in or out of a transaction.
common::Result<std::optional<ChunkRow>> SelectChunk(Connection& connection, std::string_view hash);

// meta::internal::ReplaceReferences and DropReferences (chunk_table.h) on
// `connection`'s chunks table.
// REQUIRES: inside a write transaction on `connection`.
common::Result<meta::internal::ReplacedReferences> ReplaceReferences(
    Connection& connection, const Manifest& manifest, std::string manifest_json,
    const Manifest* replaced, const std::vector<ChunkInfo>& written_chunks, int64_t now_ms);
common::Status DropReferences(Connection& connection, const Manifest& manifest, int64_t now_ms);

}  // namespace strata::meta::sqlite::internal
