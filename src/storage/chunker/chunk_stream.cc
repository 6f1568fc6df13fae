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

ChunkStream::ChunkStream(common::ByteSource& source, const Chunker& chunker,
                         common::MemoryBudget* budget, uint64_t lease_bytes)
    : source_(source), chunker_(chunker), budget_(budget), lease_bytes_(lease_bytes) {}

common::Status ChunkStream::Fill() {
  const size_t want = chunker_.max_chunk_size();
  while (!end_of_stream_ && pending_ < want) {
    if (pending_ == buffer_.size()) {
      const size_t grown = std::min(want, std::max(kInitialBufferSize, 2 * buffer_.size()));
      if (grown > kInitialBufferSize && budget_ != nullptr && !lease_.held()) {
        lease_ = budget_->Acquire(lease_bytes_);
      }
      buffer_.resize(grown);
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
  // The last chunk's view ends here: keep the read-ahead behind it at the
  // front of the buffer. The fixed chunker cuts at max_chunk_size(), which
  // is all Fill reads, so for it this moves nothing.
  if (handed_out_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + handed_out_, pending_ - handed_out_);
    pending_ -= handed_out_;
    offset_ += handed_out_;
    handed_out_ = 0;
  }
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
  out.data = std::string_view(buffer_.data(), length);
  out.sha256 = common::Sha256(out.data);
  out.offset = offset_;
  handed_out_ = length;
  return true;
}

}  // namespace strata::storage
