// The chunks table as the writers of manifests (object and part rows) see
// it: reference counting inside the caller's write transaction (meta_store.h,
// PutObject and PutPart). The same rules, step for step, as
// meta/sqlite/internal/chunk_refs.h. Private to meta/postgres.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"
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

// kInvalidArgument when a written chunk has a negative shard count or a size
// above INT64_MAX (what the chunks table's columns hold).
common::Status CheckWrittenChunks(const std::vector<ChunkInfo>& written_chunks);

struct AddedReferences {
  // Written chunks whose hash already had a row at another location.
  std::vector<ChunkInfo> unused_chunks;
  // Whether any entry of the manifest was changed.
  bool rewritten = false;
};

// Adds one reference per entry of `manifest`: inserts rows for written chunks
// that have none, rewrites entries naming a written copy whose hash already
// has a row elsewhere to that row (updating `manifest` in place), and checks
// that every other entry's chunk still has its row at the same location.
// kUnavailable when a deduplicated chunk's row is gone or has moved,
// kInvalidArgument when an entry disagrees with its chunk. Rows may have
// changed by then: the caller must roll back.
// REQUIRES: inside a write transaction on `connection`.
common::Result<AddedReferences> AddReferences(Connection& connection, Manifest& manifest,
                                              const std::vector<ChunkInfo>& written_chunks,
                                              int64_t now_ms);

// Removes one reference per entry of `manifest`; a count reaching 0 sets
// zero_since_ms to now_ms. Entries whose row is gone (or elsewhere) are
// skipped and a count stops at 0, so a damaged record can still go.
// REQUIRES: inside a write transaction on `connection`.
common::Status DropReferences(Connection& connection, const Manifest& manifest, int64_t now_ms);

}  // namespace strata::meta::postgres::internal
