#include "storage/chunker/chunk_stream.h"

#include <algorithm>
#include <cstring>
#include <span>
#include <string_view>

#include "common/hash.h"

namespace strata::storage {
namespace {

// A small body (most objects) never makes the buffer grow to a whole chunk.
constexpr size_t kInitialBufferSize = size_t{64} << 10;

}  // namespace

ChunkStream::ChunkStream(common::ByteSource& source, const Chunker& chunker)
    : source_(source), chunker_(chunker) {}

common::Status ChunkStream::Fill() {
  const size_t want = chunker_.max_chunk_size();
  while (!end_of_stream_ && pending_ < want) {
    if (pending_ == buffer_.size()) {
      buffer_.resize(std::min(want, std::max(kInitialBufferSize, 2 * buffer_.size())));
    }
    STRATA_ASSIGN_OR_RETURN(size_t n, source_.Read(std::span<char>(buffer_.data() + pending_,
                                                                   buffer_.size() - pending_)));
    if (n == 0) {
      end_of_stream_ = true;
    } else {
      pending_ += n;
    }
  }
  return common::Status::Ok();
}

common::Result<bool> ChunkStream::Next(Chunk& out) {
  if (!error_.ok()) return error_;
  // The chunker sees max_chunk_size() bytes (or the whole tail), which its
  // contract says is always enough to decide; so the cuts do not depend on
  // how the source happened to split its reads.
  if (common::Status status = Fill(); !status.ok()) {
    error_ = status;
    return status;
  }
  const size_t length =
      chunker_.NextBoundary(std::span<const char>(buffer_.data(), pending_), end_of_stream_);
  if (length == 0 && pending_ == 0) return false;
  if (length == 0 || length > pending_) {
    error_ = common::Error(common::Code::kInternal, "chunker returned an invalid boundary " +
                                                        std::to_string(length) + " of " +
                                                        std::to_string(pending_) + " bytes");
    return error_;
  }
  out.data.assign(buffer_.data(), length);
  out.sha256 = common::Sha256(out.data);
  out.offset = offset_;
  // Keep the read-ahead for the next chunk at the front of the buffer.
  std::memmove(buffer_.data(), buffer_.data() + length, pending_ - length);
  pending_ -= length;
  offset_ += length;
  return true;
}

}  // namespace strata::storage
