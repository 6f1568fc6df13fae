#include "storage/chunker/fixed_chunker.h"

#include <string>

namespace strata::storage {
namespace {

class FixedChunker : public Chunker {
 public:
  explicit FixedChunker(size_t size) : size_(size) {}

  size_t NextBoundary(std::span<const char> data, bool end_of_stream) const override {
    if (data.size() >= size_) return size_;
    // A short tail is a chunk only at the end; otherwise more bytes may come.
    return end_of_stream ? data.size() : 0;
  }

  size_t max_chunk_size() const override { return size_; }

 private:
  const size_t size_;
};

}  // namespace

common::Result<std::unique_ptr<Chunker>> MakeFixedChunker(size_t size) {
  if (size == 0 || size > kMaxChunkSize) {
    return common::Error(common::Code::kInvalidArgument, "fixed chunk size must be in [1, " +
                                                             std::to_string(kMaxChunkSize) +
                                                             "], got " + std::to_string(size));
  }
  return std::unique_ptr<Chunker>(std::make_unique<FixedChunker>(size));
}

}  // namespace strata::storage
