// The chunks table as the writers of manifests (object and part rows) see it,
// behind the four statements each backend provides, and the reference
// counting every backend runs on it inside a write transaction (meta_store.h,
// PutObject and PutPart; the rules are chunk_ref_plan.h's). Private to meta/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "meta/internal/chunk_ref_plan.h"
#include "meta/meta_store.h"

namespace strata::meta::internal {

// One backend's chunks-table statements, bound to the connection (and so the
// transaction) of one write. Not thread-safe; lives no longer than the
// transaction. Each method returns the statement's error as it is.
class ChunkTable {
 public:
  virtual ~ChunkTable() = default;

  // The ChunkInfo of the row for `hash`, or nullopt.
  virtual common::Result<std::optional<ChunkInfo>> Find(std::string_view hash) = 0;
  // Inserts a row for `chunk` with `refcount` and zero_since_ms = now_ms.
  // REQUIRES: chunk passed CheckWrittenChunks (its columns fit).
  virtual common::Status Insert(const ChunkInfo& chunk, int64_t refcount, int64_t now_ms) = 0;
  // Adds `count` to the refcount of the row for `hash`.
  virtual common::Status Add(std::string_view hash, int64_t count) = 0;
  // Runs `drop` (chunk_ref_plan.h, PlanDropReferences) as one conditional
  // update: refcount drops by drop.count but not below 0, and reaching 0 sets
  // zero_since_ms to now_ms; nothing when the row is gone or at another
  // location.
  virtual common::Status Drop(const ChunkDrop& drop, int64_t now_ms) = 0;
};

// Adds one reference per entry of `manifest`: reads the rows PlanAddReferences
// needs (every one before changing any, so a concurrent writer of the same
// content conflicts with this transaction rather than passing unseen), plans,
// then inserts and adds. Entries of `manifest` are rewritten in place to the
// copies they end up naming.
//
// Fails with kUnavailable when a deduplicated chunk's row is gone or has
// moved, or kInvalidArgument when an entry disagrees with its chunk, before
// changing a row; with a statement's error, rows may have changed. Either
// way the caller must roll back.
// REQUIRES: `table` is inside a write transaction; written_chunks passed
// CheckWrittenChunks.
common::Result<AddedReferences> AddReferences(ChunkTable& table, Manifest& manifest,
                                              const std::vector<ChunkInfo>& written_chunks,
                                              int64_t now_ms);

// Removes one reference per entry of `manifest` (a replaced or deleted
// record's or part's): every ChunkDrop of PlanDropReferences.
// REQUIRES: `table` is inside a write transaction.
common::Status DropReferences(ChunkTable& table, const Manifest& manifest, int64_t now_ms);

// What a record's or part's row stores once its references are counted.
struct ReplacedReferences {
  // The manifest column: the caller's encoding, or the manifest encoded again
  // when entries were rewritten to name another copy.
  std::string manifest_json;
  // As AddedReferences::unused_chunks.
  std::vector<ChunkInfo> unused_chunks;
};

// The counts for a row whose manifest becomes `manifest` (encoded by the
// caller as `manifest_json`) in place of `replaced` (nullptr when there was no
// row): AddReferences for `manifest` first, then DropReferences for
// `replaced`, so a chunk both name never passes through 0. Fails as
// AddReferences; the caller must roll back.
// REQUIRES: `table` is inside a write transaction; written_chunks passed
// CheckWrittenChunks.
common::Result<ReplacedReferences> ReplaceReferences(ChunkTable& table, const Manifest& manifest,
                                                     std::string manifest_json,
                                                     const Manifest* replaced,
                                                     const std::vector<ChunkInfo>& written_chunks,
                                                     int64_t now_ms);

}  // namespace strata::meta::internal
