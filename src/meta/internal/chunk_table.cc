#include "meta/internal/chunk_table.h"

#include <string>
#include <utility>

#include "meta/metadata_json.h"

namespace strata::meta::internal {

common::Result<AddedReferences> AddReferences(ChunkTable& table, Manifest& manifest,
                                              const std::vector<ChunkInfo>& written_chunks,
                                              int64_t now_ms) {
  // All reads first. Under PostgreSQL's SERIALIZABLE a concurrent writer of
  // the same content then fails serialization (or collides on the primary
  // key, also retried) and its retry finds this write's row; a row at count 0
  // that gets a reference here, committed before GC's conditional delete,
  // keeps it (GC's delete finds the count above 0, or one of the two loses).
  StoredChunks stored;
  for (const std::string& hash : ChunkHashesToRead(manifest, written_chunks)) {
    STRATA_ASSIGN_OR_RETURN(std::optional<ChunkInfo> row, table.Find(hash));
    if (row) stored.emplace(hash, *std::move(row));
  }
  STRATA_ASSIGN_OR_RETURN(ChunkRefPlan plan, PlanAddReferences(manifest, written_chunks, stored));
  for (const ChunkRefPlan::NewRow& row : plan.inserts) {
    STRATA_RETURN_IF_ERROR(table.Insert(row.chunk, row.refcount, now_ms));
  }
  for (const ChunkRefPlan::Increment& increment : plan.increments) {
    STRATA_RETURN_IF_ERROR(table.Add(increment.hash, increment.count));
  }
  return std::move(plan.added);
}

common::Status DropReferences(ChunkTable& table, const Manifest& manifest, int64_t now_ms) {
  for (const ChunkDrop& drop : PlanDropReferences(manifest)) {
    STRATA_RETURN_IF_ERROR(table.Drop(drop, now_ms));
  }
  return common::Status::Ok();
}

common::Result<ReplacedReferences> ReplaceReferences(ChunkTable& table, const Manifest& manifest,
                                                     std::string manifest_json,
                                                     const Manifest* replaced,
                                                     const std::vector<ChunkInfo>& written_chunks,
                                                     int64_t now_ms) {
  Manifest stored = manifest;
  STRATA_ASSIGN_OR_RETURN(AddedReferences added,
                          AddReferences(table, stored, written_chunks, now_ms));
  if (replaced != nullptr) STRATA_RETURN_IF_ERROR(DropReferences(table, *replaced, now_ms));
  ReplacedReferences result{.manifest_json = std::move(manifest_json),
                            .unused_chunks = std::move(added.unused_chunks)};
  if (added.rewritten) {
    STRATA_ASSIGN_OR_RETURN(result.manifest_json, EncodeManifest(stored));
  }
  return result;
}

}  // namespace strata::meta::internal
