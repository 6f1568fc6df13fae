#include "meta/postgres/internal/chunk_refs.h"

#include <string>
#include <utility>

namespace strata::meta::postgres::internal {
namespace {

constexpr std::string_view kSelectChunk =
    "SELECT " STRATA_PG_CHUNK_COLUMNS ", refcount, zero_since_ms FROM chunks WHERE hash = $1";
constexpr std::string_view kInsertChunk =
    "INSERT INTO chunks (hash, location, data_shards, parity_shards, size, refcount,"
    " zero_since_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)";
constexpr std::string_view kAddRefs = "UPDATE chunks SET refcount = refcount + $2 WHERE hash = $1";
// Both CASEs read the old refcount (SET expressions see the row as it was).
constexpr std::string_view kDropRefs =
    "UPDATE chunks SET refcount = CASE WHEN refcount > $3 THEN refcount - $3 ELSE 0 END,"
    " zero_since_ms = CASE WHEN refcount > $3 THEN zero_since_ms ELSE $4 END"
    " WHERE hash = $1 AND location = $2";

// meta::internal::ChunkTable on `connection`'s transaction. `connection`
// must outlive it.
class PostgresChunkTable final : public meta::internal::ChunkTable {
 public:
  explicit PostgresChunkTable(Connection& connection) : connection_(connection) {}

  common::Result<std::optional<ChunkInfo>> Find(std::string_view hash) override {
    STRATA_ASSIGN_OR_RETURN(std::optional<ChunkRow> row, SelectChunk(connection_, hash));
    if (!row) return std::optional<ChunkInfo>();
    return std::optional<ChunkInfo>(std::move(row->info));
  }

  common::Status Insert(const ChunkInfo& chunk, int64_t refcount, int64_t now_ms) override {
    return connection_
        .Execute(kInsertChunk, Params()
                                   .Text(chunk.hash)
                                   .Text(chunk.location)
                                   .Int(chunk.data_shards)
                                   .Int(chunk.parity_shards)
                                   .Int(static_cast<int64_t>(chunk.size))  // checked: it fits
                                   .Int(refcount)
                                   .Int(now_ms))
        .status();
  }

  common::Status Add(std::string_view hash, int64_t count) override {
    return connection_.Execute(kAddRefs, Params().Text(hash).Int(count)).status();
  }

  common::Status Drop(const meta::internal::ChunkDrop& drop, int64_t now_ms) override {
    return connection_
        .Execute(kDropRefs,
                 Params().Text(drop.hash).Text(drop.location).Int(drop.count).Int(now_ms))
        .status();
  }

 private:
  Connection& connection_;
};

}  // namespace

ChunkInfo ReadChunkInfo(const Rows& rows, int row) {
  return ChunkInfo{.hash = std::string(rows.Bytes(row, 0)),
                   .location = std::string(rows.Bytes(row, 1)),
                   .data_shards = static_cast<int>(rows.Int(row, 2)),
                   .parity_shards = static_cast<int>(rows.Int(row, 3)),
                   .size = static_cast<uint64_t>(rows.Int(row, 4))};  // CHECK (size >= 0)
}

common::Result<std::optional<ChunkRow>> SelectChunk(Connection& connection, std::string_view hash) {
  STRATA_ASSIGN_OR_RETURN(Rows rows, connection.Query(kSelectChunk, Params().Text(hash)));
  if (rows.empty()) return std::optional<ChunkRow>();
  ChunkRow chunk;
  chunk.info = ReadChunkInfo(rows, 0);
  chunk.refcount = rows.Int(0, 5);
  chunk.zero_since_ms = rows.Int(0, 6);
  return std::optional<ChunkRow>(std::move(chunk));
}

common::Result<meta::internal::ReplacedReferences> ReplaceReferences(
    Connection& connection, const Manifest& manifest, std::string manifest_json,
    const Manifest* replaced, const std::vector<ChunkInfo>& written_chunks, int64_t now_ms) {
  PostgresChunkTable table(connection);
  return meta::internal::ReplaceReferences(table, manifest, std::move(manifest_json), replaced,
                                           written_chunks, now_ms);
}

common::Status DropReferences(Connection& connection, const Manifest& manifest, int64_t now_ms) {
  PostgresChunkTable table(connection);
  return meta::internal::DropReferences(table, manifest, now_ms);
}

}  // namespace strata::meta::postgres::internal
