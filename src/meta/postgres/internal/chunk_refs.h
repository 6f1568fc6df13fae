// The chunks table as the writers of manifests (object and part rows) see
// it: reference counting inside the caller's write transaction (meta_store.h,
// PutObject and PutPart), run by meta/internal/chunk_table.h as in the SQLite
// store. Private to meta/postgres.
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
#include "meta/postgres/internal/connection.h"

namespace strata::meta::postgres::internal {

// The chunk columns every chunk query selects first, in this order.
#define STRATA_PG_CHUNK_COLUMNS "hash, location, data_shards, parity_shards, size"

// A chunks row.
struct ChunkRow {
  ChunkInfo info;
  int64_t refcount = 0;
  int64_t zero_since_ms = 0;
};

// The ChunkInfo in columns 0..4 (STRATA_PG_CHUNK_COLUMNS) of `row`.
ChunkInfo ReadChunkInfo(const Rows& rows, int row);

// The row for `hash`, or nullopt. Any connection, in or out of a transaction.
common::Result<std::optional<ChunkRow>> SelectChunk(Connection& connection, std::string_view hash);

// meta::internal::ReplaceReferences and DropReferences (chunk_table.h) on
// `connection`'s chunks table.
// REQUIRES: inside a write transaction on `connection`.
common::Result<meta::internal::ReplacedReferences> ReplaceReferences(
    Connection& connection, const Manifest& manifest, std::string manifest_json,
    const Manifest* replaced, const std::vector<ChunkInfo>& written_chunks, int64_t now_ms);
common::Status DropReferences(Connection& connection, const Manifest& manifest, int64_t now_ms);

}  // namespace strata::meta::postgres::internal
