#include "storage/chunker/fastcdc_chunker.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <string>

namespace strata::storage {
namespace {

// The Gear table: one pseudo-random 64-bit value per byte value, drawn from
// SplitMix64 with a fixed seed at compile time (no table to mistype, no startup
// cost). NEVER change the seed, the generator or the table: every cut point,
// and so every chunk name and all dedup against stored data, follows from it.
// The static_assert below and the golden cuts in chunker_test.cc pin it.
constexpr uint64_t kGearSeed = 0x5354524154414344;  // "STRATACD"

constexpr std::array<uint64_t, 256> MakeGearTable() {
  std::array<uint64_t, 256> table{};
  uint64_t state = kGearSeed;
  for (uint64_t& entry : table) {
    state += 0x9e3779b97f4a7c15;
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    entry = z ^ (z >> 31);
  }
  return table;
}

constexpr std::array<uint64_t, 256> kGear = MakeGearTable();
static_assert(kGear[0] == 0xfd2b3b0e100360b2 && kGear[255] == 0xbe2a98350736ad00,
              "the Gear table changed: stored data would stop deduplicating");

// Normalized chunking level (the paper's NC): the mask before avg_size has
// log2(avg_size) + 2 bits, so a cut there is 4x less likely than 1/avg; the
// mask after it has log2(avg_size) - 2 bits, 4x more likely. The paper
// evaluates levels 1 to 3; 2 narrows the size spread well without many more
// cuts right at avg_size. Part of the cut points: never change.
constexpr int kNormalizationLevel = 2;
constexpr size_t kMinAvgSize = 256;

// The `bits` highest bits set. The hash shifts left one bit per byte, so bit j
// depends only on the last j + 1 bytes. Taking the mask from the top makes
// every cut depend on at least the last 64 - bits + 1 bytes (41 for the
// defaults); the paper spreads its mask bits out for the same reason.
constexpr uint64_t TopBitsMask(int bits) { return ~uint64_t{0} << (64 - bits); }

class FastCdcChunker : public Chunker {
 public:
  explicit FastCdcChunker(const FastCdcParams& params)
      : min_size_(params.min_size),
        avg_size_(params.avg_size),
        max_size_(params.max_size),
        mask_small_(TopBitsMask(std::countr_zero(params.avg_size) + kNormalizationLevel)),
        mask_large_(TopBitsMask(std::countr_zero(params.avg_size) - kNormalizationLevel)) {}

  size_t NextBoundary(std::span<const char> data, bool end_of_stream) const override {
    const size_t limit = std::min(data.size(), max_size_);
    const size_t normal = std::min(limit, avg_size_);
    const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
    // Cut-point skipping: bytes below min_size are never hashed, and the hash
    // starts from zero at min_size so a cut depends on nothing before it.
    uint64_t hash = 0;
    size_t i = min_size_;
    for (; i < normal; ++i) {
      hash = (hash << 1) + kGear[bytes[i]];
      if ((hash & mask_small_) == 0) return i + 1;
    }
    for (; i < limit; ++i) {
      hash = (hash << 1) + kGear[bytes[i]];
      if ((hash & mask_large_) == 0) return i + 1;
    }
    // No content-defined cut: forced at max_size, or the stream's tail.
    if (limit == max_size_ || end_of_stream) return limit;
    return 0;  // more bytes might hold a cut
  }

  size_t max_chunk_size() const override { return max_size_; }

 private:
  const size_t min_size_;
  const size_t avg_size_;
  const size_t max_size_;
  const uint64_t mask_small_;  // MaskS: used before avg_size
  const uint64_t mask_large_;  // MaskL: used from avg_size on
};

}  // namespace

common::Result<std::unique_ptr<Chunker>> MakeFastCdcChunker(const FastCdcParams& params) {
  const bool sizes_ordered = 0 < params.min_size && params.min_size <= params.avg_size &&
                             params.avg_size <= params.max_size && params.max_size <= kMaxChunkSize;
  if (!sizes_ordered || !std::has_single_bit(params.avg_size) || params.avg_size < kMinAvgSize) {
    return common::Error(
        common::Code::kInvalidArgument,
        "fastcdc sizes must satisfy 0 < min <= avg <= max <= " + std::to_string(kMaxChunkSize) +
            " with avg a power of two >= " + std::to_string(kMinAvgSize) +
            "; got min=" + std::to_string(params.min_size) +
            " avg=" + std::to_string(params.avg_size) + " max=" + std::to_string(params.max_size));
  }
  return std::unique_ptr<Chunker>(std::make_unique<FastCdcChunker>(params));
}

}  // namespace strata::storage
