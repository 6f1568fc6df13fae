// ChunkStream: cuts a streaming body (common::ByteSource) into chunks with a
// Chunker and names each by its SHA-256. This is where the write path turns a
// request body of any size into the units that are deduplicated and
// erasure-coded, so its memory is bounded by the chunk size, never by the
// object size.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/byte_stream.h"
#include "common/memory_budget.h"
#include "common/result.h"
#include "storage/chunker/chunker.h"

namespace strata::storage {

// Reads ahead at most chunker.max_chunk_size() bytes of the source. Its one
// buffer holds those bytes, is read into directly (no separate read buffer),
// grows from 64 KiB only as the chunks need, and is reused for every chunk.
// A chunk handed out is a view of that buffer, not a copy, so a stream and
// its current chunk cost max_chunk_size(): 4 MiB with the default chunkers.
// Not thread-safe: one stream belongs to one request.
class ChunkStream {
 public:
  struct Chunk {
    // The chunk's bytes, 1 to max_chunk_size() of them: a view of the
    // stream's buffer, valid until the next call to Next or the stream's end.
    std::string_view data;
    std::string sha256;   // raw 32-byte SHA-256 of data: the chunk's name
    uint64_t offset = 0;  // position of data[0] in the stream
  };

  // source and chunker must outlive the stream; the stream reads source to
  // its end and nothing else does meanwhile. With a budget, the stream leases
  // lease_bytes of it before its buffer grows past the first 64 KiB (so small
  // bodies never wait) and holds them until it is destroyed; budget must
  // outlive the stream.
  ChunkStream(common::ByteSource& source, const Chunker& chunker,
              common::MemoryBudget* budget = nullptr, uint64_t lease_bytes = 0);
  ChunkStream(const ChunkStream&) = delete;
  ChunkStream& operator=(const ChunkStream&) = delete;

  // Stores the next chunk in out and returns true; returns false at the end of
  // the source (out untouched; an empty source has no chunks). The previous
  // chunk's view is invalid from this call on. Passing the same Chunk each
  // time allocates nothing once the stream runs. Consecutive chunks are
  // contiguous and together are exactly the source's bytes.
  // Errors: whatever the source's Read fails with (kIncompleteBody,
  // kRequestTimeout, kSignatureDoesNotMatch...), or kInternal if the chunker
  // breaks its contract. A failure is final: later calls return it again.
  common::Result<bool> Next(Chunk& out);

 private:
  // Reads until the buffer holds max_chunk_size() pending bytes or the source
  // ends.
  common::Status Fill();

  common::ByteSource& source_;
  const Chunker& chunker_;
  common::MemoryBudget* const budget_;
  const uint64_t lease_bytes_;
  common::MemoryBudget::Lease lease_;
  std::string buffer_;  // pending bytes are buffer_[0, pending_)
  size_t pending_ = 0;
  size_t handed_out_ = 0;  // buffer_[0, handed_out_) is the last chunk's view
  uint64_t offset_ = 0;    // stream position of buffer_[0]
  bool end_of_stream_ = false;
  common::Status error_;  // the first failure, returned by every later call
};

}  // namespace strata::storage
