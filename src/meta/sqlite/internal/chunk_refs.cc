#include "meta/sqlite/internal/chunk_refs.h"

#include <string>
#include <utility>

namespace strata::meta::sqlite::internal {
namespace {

constexpr std::string_view kSelectChunk =
    "SELECT hash, location, data_shards, parity_shards, size, refcount, zero_since_ms"
    " FROM chunks WHERE hash = ?1";
constexpr std::string_view kInsertChunk =
    "INSERT INTO chunks (hash, location, data_shards, parity_shards, size, refcount,"
    " zero_since_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr std::string_view kAddRefs = "UPDATE chunks SET refcount = refcount + ?2 WHERE hash = ?1";
// Both CASEs read the old refcount (SET expressions see the row as it was).
constexpr std::string_view kDropRefs =
    "UPDATE chunks SET refcount = CASE WHEN refcount > ?3 THEN refcount - ?3 ELSE 0 END,"
    " zero_since_ms = CASE WHEN refcount > ?3 THEN zero_since_ms ELSE ?4 END"
    " WHERE hash = ?1 AND location = ?2";

// meta::internal::ChunkTable on `connection`'s transaction. `connection`
// must outlive it.
class SqliteChunkTable final : public meta::internal::ChunkTable {
 public:
  explicit SqliteChunkTable(Connection& connection) : connection_(connection) {}

  common::Result<std::optional<ChunkInfo>> Find(std::string_view hash) override {
    STRATA_ASSIGN_OR_RETURN(std::optional<ChunkRow> row, SelectChunk(connection_, hash));
    if (!row) return std::optional<ChunkInfo>();
    return std::optional<ChunkInfo>(std::move(row->info));
  }

  common::Status Insert(const ChunkInfo& chunk, int64_t refcount, int64_t now_ms) override {
    STRATA_ASSIGN_OR_RETURN(Statement insert, connection_.Prepare(kInsertChunk));
    insert.Bind(1, chunk.hash);
    insert.Bind(2, chunk.location);
    insert.Bind(3, int64_t{chunk.data_shards});
    insert.Bind(4, int64_t{chunk.parity_shards});
    insert.Bind(5, static_cast<int64_t>(chunk.size));  // CheckWrittenChunks: it fits
    insert.Bind(6, refcount);
    insert.Bind(7, now_ms);
    return insert.Run();
  }

  common::Status Add(std::string_view hash, int64_t count) override {
    STRATA_ASSIGN_OR_RETURN(Statement add, connection_.Prepare(kAddRefs));
    add.Bind(1, hash);
    add.Bind(2, count);
    return add.Run();
  }

  common::Status Drop(const meta::internal::ChunkDrop& drop, int64_t now_ms) override {
    STRATA_ASSIGN_OR_RETURN(Statement statement, connection_.Prepare(kDropRefs));
    statement.Bind(1, drop.hash);
    statement.Bind(2, drop.location);
    statement.Bind(3, drop.count);
    statement.Bind(4, now_ms);
    return statement.Run();
  }

 private:
  Connection& connection_;
};

}  // namespace

ChunkInfo ReadChunkInfo(const Statement& row) {
  return ChunkInfo{.hash = std::string(row.ColumnText(0)),
                   .location = std::string(row.ColumnText(1)),
                   .data_shards = static_cast<int>(row.ColumnInt(2)),
                   .parity_shards = static_cast<int>(row.ColumnInt(3)),
                   .size = static_cast<uint64_t>(row.ColumnInt(4))};  // CHECK (size >= 0)
}

common::Result<std::optional<ChunkRow>> SelectChunk(Connection& connection, std::string_view hash) {
  STRATA_ASSIGN_OR_RETURN(Statement select, connection.Prepare(kSelectChunk));
  select.Bind(1, hash);
  STRATA_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return std::optional<ChunkRow>();
  ChunkRow row;
  row.info = ReadChunkInfo(select);
  row.refcount = select.ColumnInt(5);
  row.zero_since_ms = select.ColumnInt(6);
  return std::optional<ChunkRow>(std::move(row));
}

common::Result<meta::internal::ReplacedReferences> ReplaceReferences(
    Connection& connection, const Manifest& manifest, std::string manifest_json,
    const Manifest* replaced, const std::vector<ChunkInfo>& written_chunks, int64_t now_ms) {
  SqliteChunkTable table(connection);
  return meta::internal::ReplaceReferences(table, manifest, std::move(manifest_json), replaced,
                                           written_chunks, now_ms);
}

common::Status DropReferences(Connection& connection, const Manifest& manifest, int64_t now_ms) {
  SqliteChunkTable table(connection);
  return meta::internal::DropReferences(table, manifest, now_ms);
}

}  // namespace strata::meta::sqlite::internal
