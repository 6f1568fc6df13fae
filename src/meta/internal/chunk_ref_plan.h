// Chunk reference counting as a plan: which chunk rows a write of a manifest
// (PutObject, PutPart, CompleteMultipartUpload) inserts, adopts and adds to,
// and which a replaced or deleted manifest subtracts from. The rules are
// meta_store.h's (PutObject); chunk_table.h runs the plans on a backend's
// chunks table. Pure functions: no I/O, thread-safe. Private to meta/.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "meta/meta_store.h"

namespace strata::meta::internal {

// The chunk rows that exist, by hash (each row's ChunkInfo).
using StoredChunks = std::map<std::string, ChunkInfo, std::less<>>;

// What adding a manifest's references changes besides the rows themselves.
struct AddedReferences {
  // Written chunks whose hash already had a row at another location: the
  // caller deletes these copies' shard files.
  std::vector<ChunkInfo> unused_chunks;
  // Whether any entry of the manifest was changed (to name a row's copy).
  bool rewritten = false;
};

struct ChunkRefPlan {
  // A chunk row to insert, with zero_since_ms = the write's now_ms.
  struct NewRow {
    ChunkInfo chunk;
    int64_t refcount = 0;  // >= 0: a written chunk no entry names gets a row at 0
  };
  // References to add to the existing row of `hash`.
  struct Increment {
    std::string hash;
    int64_t count = 0;  // >= 1
  };
  // Each hash appears at most once over inserts and increments.
  std::vector<NewRow> inserts;
  std::vector<Increment> increments;
  AddedReferences added;
};

// The hashes whose rows PlanAddReferences needs: every written chunk's and
// every manifest entry's, each once, in hash order.
std::vector<std::string> ChunkHashesToRead(const Manifest& manifest,
                                           const std::vector<ChunkInfo>& written_chunks);

// Plans one reference per entry of `manifest` (meta_store.h, PutObject), given
// `stored`, the rows of ChunkHashesToRead as read in the write's transaction
// (a hash without a row is absent). An entry is "written" when written_chunks
// holds its (hash, location):
//   * a written chunk whose hash has no row gets one, with its entries as the
//     count (0 when no entry names it: the row lets GC find it);
//   * a written chunk whose hash has a row adds its entries to that row; when
//     the row is at another location, its entries are rewritten to the row's
//     copy (in `manifest`, in place) and the written copy is returned in
//     added.unused_chunks;
//   * any other entry's chunk must still have its row at the same location
//     (it was deduplicated through FindChunk), and adds to it.
// Every entry must equal in full (K, M, size too) the written chunk or the row
// it names. Rows inserted by the plan count as stored for the chunks after
// them (a second copy of one content in written_chunks is adopted into the
// first's row).
//
// Fails with kUnavailable when a deduplicated chunk's row is gone or has moved
// (GC removed it during the upload; the caller may retry), kInvalidArgument
// when an entry disagrees with its chunk; `manifest` is left as it was then.
// REQUIRES: `stored` holds every row of ChunkHashesToRead(manifest,
// written_chunks) that exists.
common::Result<ChunkRefPlan> PlanAddReferences(Manifest& manifest,
                                               const std::vector<ChunkInfo>& written_chunks,
                                               const StoredChunks& stored);

// Removing one reference per entry of a manifest: `count` from the row of
// `hash` if it is still at `location`.
struct ChunkDrop {
  std::string hash;
  std::string location;
  int64_t count = 0;  // >= 1
};

// One ChunkDrop per (hash, location) `manifest` names, in that order. A
// backend runs each as one conditional update: a row that is gone or at
// another location is skipped, a count stops at 0, and a count reaching 0
// sets zero_since_ms to the write's now_ms. Skipping and stopping mean the
// counts were already wrong, which must not stop a damaged object or part
// from being replaced or deleted.
std::vector<ChunkDrop> PlanDropReferences(const Manifest& manifest);

}  // namespace strata::meta::internal
