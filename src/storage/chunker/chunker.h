// Chunker: where an object's bytes are cut into chunks. A chunk is the unit of
// dedup, named by its SHA-256 (ARCHITECTURE.md section 3), so the cut points
// decide which bytes two objects can share. Two chunkers exist:
//   "fixed"   (default) cuts every 4 MiB. Cheapest, but inserting one byte
//             shifts every later cut, so shifted content never deduplicates.
//   "fastcdc" cuts where the content says (FastCDC), so after an insert or a
//             delete the cuts fall back in step and later chunks are shared.
// Cut points are part of the on-disk dedup behaviour: a chunker that cuts
// differently for the same input still reads old data fine, but stops sharing
// chunks with it. Never change an implementation's cuts once data is stored;
// add a new named chunker instead.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string_view>

#include "common/result.h"

namespace strata::storage {

// No chunker ever returns a longer chunk. The write path buffers a whole chunk
// in memory and erasure-codes it as one unit, so this bounds per-request memory.
inline constexpr size_t kMaxChunkSize = size_t{4} << 20;

// Decides chunk boundaries; holds no stream state. Implementations are
// immutable after construction, so one instance may be shared by any number of
// threads and streams. ChunkStream drives a Chunker over a ByteSource.
class Chunker {
 public:
  virtual ~Chunker() = default;

  // Returns the length of the chunk that starts at data[0]:
  //   - in [1, max_chunk_size()] when data is not empty;
  //   - never more than data.size();
  //   - shorter than the chunker's minimum only for the last chunk of a stream
  //     (end_of_stream, and the whole of data);
  //   - 0 when data is empty, or when !end_of_stream and data is too short to
  //     decide (fewer than max_chunk_size() bytes and no cut found in them):
  //     the caller must supply more bytes and ask again.
  // The result depends only on the bytes of data up to the returned cut, never
  // on how many bytes follow it, so giving max_chunk_size() bytes (or all that
  // is left of the stream) always yields the same cuts for the same content.
  // Thread-safe.
  virtual size_t NextBoundary(std::span<const char> data, bool end_of_stream) const = 0;

  // The longest chunk NextBoundary returns; at most kMaxChunkSize.
  virtual size_t max_chunk_size() const = 0;
};

// The chunker a configuration names: "fixed" (4 MiB, MakeFixedChunker) or
// "fastcdc" (FastCdcParams defaults, MakeFastCdcChunker). kInvalidArgument for
// any other name.
common::Result<std::unique_ptr<Chunker>> MakeChunker(std::string_view name);

}  // namespace strata::storage
