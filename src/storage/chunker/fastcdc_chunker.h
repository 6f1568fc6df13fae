// Content-defined chunking with FastCDC (Xia et al., USENIX ATC 2016 and IEEE
// TPDS 2020): a Gear rolling hash over the bytes, a cut where the hash's masked
// bits are all zero, no cut before min_size (cut-point skipping), and
// normalized chunking: a harder mask before avg_size and an easier one after,
// so chunk sizes cluster around avg_size. Because a cut depends only on the
// bytes just before it, an insert or a delete changes the chunks around it and
// the cuts after it fall back on the same content: shifted data deduplicates.
#pragma once

#include <cstddef>
#include <memory>

#include "common/result.h"
#include "storage/chunker/chunker.h"

namespace strata::storage {

// Chunk sizes in bytes. The defaults are what "fastcdc" uses:
//   max 4 MiB: the chunk cap of the architecture (kMaxChunkSize).
//   avg 1 MiB: at most max/4, so a chunk almost never runs to max (with the
//     easy mask, the chance to find no cut in the 3 MiB after avg is about
//     e^-12). A forced cut at max is positional, not content-defined, and
//     would not resynchronize after a shift. Smaller averages dedup finer but
//     cost one metadata row, one manifest entry and K+M shard files per chunk;
//     1 MiB keeps a K=4 shard at 256 KiB (four 64 KiB blocks).
//   min 256 KiB: avg/4, the ratio of the paper and of common implementations.
//     Bytes below min are not hashed, which is most of FastCDC's speed.
// With normalization level 2 the observed mean on random data is 1.14-1.23 x
// avg, and about 90% of chunks lie within [avg/2, 2 avg] (chunker_test.cc).
struct FastCdcParams {
  size_t min_size = size_t{256} << 10;
  size_t avg_size = size_t{1} << 20;
  size_t max_size = size_t{4} << 20;
};

// A FastCDC chunker. kInvalidArgument unless
//   0 < min_size <= avg_size <= max_size <= kMaxChunkSize, and
//   avg_size is a power of two, at least 256 (the masks have log2(avg_size)
//   +/- 2 bits).
common::Result<std::unique_ptr<Chunker>> MakeFastCdcChunker(const FastCdcParams& params = {});

}  // namespace strata::storage
