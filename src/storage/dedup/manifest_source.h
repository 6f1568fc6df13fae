// ManifestSource: the GET path's storage half. Streams a byte range of an
// object from its manifest, one chunk piece at a time, while the next piece is
// already being read on another thread (read-ahead), so the client's socket
// and the drives work at the same time. Memory: two pieces of at most one
// chunk each.
#pragma once

#include <cstdint>
#include <future>
#include <memory>
#include <vector>

#include "common/byte_stream.h"
#include "common/result.h"
#include "meta/meta_store.h"
#include "storage/chunk_store.h"

namespace strata::storage {

class ManifestSource : public common::ByteSource {
 public:
  // A source over bytes [offset, offset + length) of the body the manifest
  // describes. Reads the first piece before returning, so an unreadable object
  // fails here, before a response starts; later pieces may fail from Read.
  // kCorruption when the manifest's lengths do not add up to object_size
  // (a damaged row), kInvalidArgument when the range is past the end. chunks
  // must outlive the source.
  static common::Result<std::unique_ptr<ManifestSource>> Open(ChunkStore& chunks,
                                                              meta::Manifest manifest,
                                                              uint64_t object_size, uint64_t offset,
                                                              uint64_t length);
  ~ManifestSource() override;

  common::Result<size_t> Read(std::span<char> out) override;

 private:
  // One contiguous piece of a chunk to fetch.
  struct Piece {
    size_t entry = 0;
    uint64_t chunk_offset = 0;
    uint64_t length = 0;
  };
  // A piece's bytes. Not a vector: a chunk is up to 4 MiB, and zero-filling
  // it before the read overwrites every byte cost a GET a pass over memory.
  // Two of these per source are recycled piece after piece (the current one
  // and the read-ahead), so a long GET faults its buffers in once, not once
  // per chunk.
  struct Bytes {
    std::unique_ptr<uint8_t[]> data;
    size_t size = 0;
    size_t capacity = 0;
  };
  using Loaded = common::Result<Bytes>;

  ManifestSource(ChunkStore& chunks, meta::Manifest manifest, std::vector<Piece> pieces)
      : chunks_(chunks), manifest_(std::move(manifest)), pieces_(std::move(pieces)) {}

  // Reads piece into buffer, which is reused when it is large enough.
  Loaded Load(const Piece& piece, Bytes buffer) const;
  // Makes current_ the next piece and starts reading the one after it.
  common::Status Advance();

  ChunkStore& chunks_;
  const meta::Manifest manifest_;
  const std::vector<Piece> pieces_;
  size_t next_piece_ = 0;  // index in pieces_ of the piece after current_
  Bytes current_;
  Bytes spare_;  // the previous piece's buffer, for the next read
  size_t current_read_ = 0;
  std::future<Loaded> ahead_;  // pieces_[next_piece_], when valid
  common::Status error_;       // first failure; every later Read returns it
};

}  // namespace strata::storage
