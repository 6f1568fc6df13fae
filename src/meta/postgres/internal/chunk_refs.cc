#include "meta/postgres/internal/chunk_refs.h"

#include <limits>
#include <map>
#include <string>
#include <utility>

namespace strata::meta::postgres::internal {
namespace {

using common::Code;
using common::Error;

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

// (hash, location): one stored copy of a chunk.
using CopyKey = std::pair<std::string, std::string>;

CopyKey KeyOf(const ChunkInfo& chunk) { return {chunk.hash, chunk.location}; }

// Manifest entries per copy they name.
std::map<CopyKey, int64_t> CountEntries(const Manifest& manifest) {
  std::map<CopyKey, int64_t> counts;
  for (const ManifestEntry& entry : manifest) ++counts[KeyOf(entry.chunk)];
  return counts;
}

common::Status AddCount(Connection& connection, std::string_view hash, int64_t count) {
  if (count == 0) return common::Status::Ok();
  return connection.Execute(kAddRefs, Params().Text(hash).Int(count)).status();
}

common::Status InsertChunk(Connection& connection, const ChunkInfo& chunk, int64_t refcount,
                           int64_t now_ms) {
  return connection
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

common::Status CheckWrittenChunks(const std::vector<ChunkInfo>& written_chunks) {
  constexpr auto kMaxSize = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  for (const ChunkInfo& chunk : written_chunks) {
    if (chunk.data_shards < 0 || chunk.parity_shards < 0 || chunk.size > kMaxSize) {
      return Error(Code::kInvalidArgument, "written chunk " + chunk.hash + " is malformed");
    }
  }
  return common::Status::Ok();
}

common::Result<AddedReferences> AddReferences(Connection& connection, Manifest& manifest,
                                              const std::vector<ChunkInfo>& written_chunks,
                                              int64_t now_ms) {
  const std::map<CopyKey, int64_t> counts = CountEntries(manifest);
  auto entries_naming = [&](const CopyKey& key) {
    auto it = counts.find(key);
    return it == counts.end() ? int64_t{0} : it->second;
  };
  // Per copy the manifest names: the chunk its entries must equal, and the
  // stored chunk they end up naming.
  struct Resolution {
    ChunkInfo expected;
    ChunkInfo stored;
  };
  std::map<CopyKey, Resolution> resolved;
  AddedReferences added;

  for (const ChunkInfo& written : written_chunks) {
    CopyKey key = KeyOf(written);
    if (resolved.contains(key)) continue;  // listed twice
    const int64_t count = entries_naming(key);
    // Read before the insert in this transaction: a concurrent writer of the
    // same content makes one of the two fail serialization (or collide on
    // the primary key, also retried), and the retry finds the other's row.
    STRATA_ASSIGN_OR_RETURN(std::optional<ChunkRow> row, SelectChunk(connection, written.hash));
    ChunkInfo stored = written;
    if (!row) {
      // Also for count 0 (written, then not used): the row lets GC find it.
      STRATA_RETURN_IF_ERROR(InsertChunk(connection, written, count, now_ms));
    } else {
      // Another write's copy holds the hash. Its row may be at count 0
      // awaiting GC: the reference added here, committed before GC's
      // conditional delete, keeps it (serializable: one of the two loses).
      STRATA_RETURN_IF_ERROR(AddCount(connection, written.hash, count));
      if (row->info.location != written.location) added.unused_chunks.push_back(written);
      stored = std::move(row->info);
    }
    resolved.emplace(std::move(key), Resolution{.expected = written, .stored = std::move(stored)});
  }

  for (const auto& [key, count] : counts) {
    if (resolved.contains(key)) continue;
    // Deduplicated: FindChunk saw this copy; GC may have removed it since,
    // after which another write may have stored the hash elsewhere.
    STRATA_ASSIGN_OR_RETURN(std::optional<ChunkRow> row, SelectChunk(connection, key.first));
    if (!row || row->info.location != key.second) {
      return Error(Code::kUnavailable, "chunk " + key.first + " at " + key.second +
                                           " was garbage-collected during the upload; retry");
    }
    STRATA_RETURN_IF_ERROR(AddCount(connection, key.first, count));
    resolved.emplace(key, Resolution{.expected = row->info, .stored = row->info});
  }

  for (size_t i = 0; i < manifest.size(); ++i) {
    ManifestEntry& entry = manifest[i];
    const Resolution& resolution = resolved.at(KeyOf(entry.chunk));
    if (entry.chunk != resolution.expected) {
      return Error(Code::kInvalidArgument, "manifest entry " + std::to_string(i) +
                                               " disagrees with chunk " + entry.chunk.hash +
                                               " as stored (shard counts or size)");
    }
    if (entry.chunk != resolution.stored) {
      entry.chunk = resolution.stored;
      added.rewritten = true;
    }
  }
  return added;
}

common::Status DropReferences(Connection& connection, const Manifest& manifest, int64_t now_ms) {
  for (const auto& [key, count] : CountEntries(manifest)) {
    STRATA_RETURN_IF_ERROR(
        connection
            .Execute(kDropRefs, Params().Text(key.first).Text(key.second).Int(count).Int(now_ms))
            .status());
  }
  return common::Status::Ok();
}

}  // namespace strata::meta::postgres::internal
