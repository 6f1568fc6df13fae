// Fixed-size chunking: every chunk but the last is exactly `size` bytes. The
// default chunker, as it costs nothing per byte; it deduplicates identical
// objects and identical aligned runs, but not content shifted by an insert or a
// delete (use "fastcdc" for that).
#pragma once

#include <cstddef>
#include <memory>

#include "common/result.h"
#include "storage/chunker/chunker.h"

namespace strata::storage {

// The size "fixed" uses. Equal to kMaxChunkSize: with no content to follow,
// the largest chunk gives the fewest metadata rows and shard files.
inline constexpr size_t kDefaultFixedChunkSize = kMaxChunkSize;

// A chunker that cuts every `size` bytes. kInvalidArgument unless
// 0 < size <= kMaxChunkSize.
common::Result<std::unique_ptr<Chunker>> MakeFixedChunker(size_t size = kDefaultFixedChunkSize);

}  // namespace strata::storage
