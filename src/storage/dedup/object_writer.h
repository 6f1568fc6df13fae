// ObjectWriter: the PUT path's storage half (ARCHITECTURE.md section 4). It
// cuts a body into chunks, names each by its SHA-256, and stores only the
// chunks the MetaStore does not already hold: a chunk seen before costs one
// index lookup and no I/O. Bodies up to the inline threshold are kept in
// memory and returned for the metadata row instead (no shard files).
//
// Nothing the writer does is visible until the caller commits the result with
// MetaStore::PutObject; until then the chunks it stored are orphans that the
// caller deletes on failure (Discard) and GC collects after a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/byte_stream.h"
#include "common/clock.h"
#include "common/memory_budget.h"
#include "common/result.h"
#include "meta/meta_store.h"
#include "storage/chunk_store.h"
#include "storage/chunker/chunker.h"

namespace strata::storage {

// Default largest body stored inline in its metadata row.
inline constexpr size_t kDefaultInlineThreshold = 32 * 1024;

struct WrittenObject {
  uint64_t size = 0;
  meta::Manifest manifest;  // empty when inline
  std::string inline_data;
  // Chunks this write stored itself (MetaStore::PutObject's written_chunks).
  std::vector<meta::ChunkInfo> written_chunks;
  uint64_t deduplicated_bytes = 0;  // bytes found already stored
};

class ObjectWriter {
 public:
  // All references must outlive the writer. Thread-safe: one writer serves
  // every request.
  // A budget (may be null: no limit) caps the memory of the bodies written
  // at once: each body past its first 64 KiB leases UploadLeaseBytes() of it
  // until it is written, and waits while the budget is spent.
  ObjectWriter(meta::MetaStore& meta, ChunkStore& chunks, const Chunker& chunker,
               const common::Clock& clock, size_t inline_threshold = kDefaultInlineThreshold,
               common::MemoryBudget* budget = nullptr)
      : meta_(meta),
        chunks_(chunks),
        chunker_(chunker),
        clock_(clock),
        inline_threshold_(inline_threshold),
        budget_(budget) {}

  // What one body in flight may hold: the chunk stream's buffer (one chunk)
  // and, while a chunk is stored, its parity (M/K of a chunk, at most one
  // chunk for M <= K). An upper bound, so the budget is never overrun.
  uint64_t UploadLeaseBytes() const { return 2 * uint64_t{chunker_.max_chunk_size()}; }

  // Streams source to its end. When expected_size is set, a body that ends
  // early fails with kIncompleteBody and one that runs longer with
  // kInvalidRequest (checked before the extra bytes are stored). Body errors
  // pass through; kUnavailable when a chunk misses its write quorum. On any
  // failure the chunks stored so far are deleted before returning.
  common::Result<WrittenObject> Write(common::ByteSource& source,
                                      std::optional<uint64_t> expected_size);

  // Deletes chunks this process stored that no commit will reference: after
  // a failed commit, or the copies PutObject reported unused. Best effort: a
  // chunk left behind is an orphan for GC, never a loss.
  void Discard(const std::vector<meta::ChunkInfo>& chunks);

 private:
  common::Status WriteChunks(common::ByteSource& source, std::optional<uint64_t> expected_size,
                             WrittenObject& out);

  meta::MetaStore& meta_;
  ChunkStore& chunks_;
  const Chunker& chunker_;
  const common::Clock& clock_;
  const size_t inline_threshold_;
  common::MemoryBudget* const budget_;
};

}  // namespace strata::storage
