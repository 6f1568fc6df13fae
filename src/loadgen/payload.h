// Object bodies for `strata bench`, generated on the fly and reproducible.
//
// A body is a sequence of 4 KiB blocks. Each block starts with a 16-byte
// header, the object's 64-bit seed then the block's index (both
// little-endian), and continues with a fixed pseudo-random filler. So:
//   - no two blocks of one object, and no two objects, share a 4 KiB block:
//     a deduplicating store (fixed or content-defined chunks) cannot skip any
//     write, whatever its chunk boundaries;
//   - the bytes at any offset of any object can be regenerated from the seed
//     alone, which is how GET --verify checks what comes back.
// With same_payload every object gets seed 0: all objects are byte-identical
// (blocks inside one object still differ), the best case for dedup.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace strata::loadgen {

inline constexpr size_t kPayloadBlockSize = 4096;
inline constexpr size_t kPayloadHeaderSize = 16;

// The seed of an object named key: a 64-bit FNV-1a hash of the key, so that
// a run can regenerate any object from its name. Never 0 (0 is the
// same-payload seed), except when same_payload is set.
uint64_t PayloadSeed(std::string_view key, bool same_payload);

// Immutable after construction; Fill is thread-safe.
class PayloadGenerator {
 public:
  PayloadGenerator();

  // Writes the bytes at [offset, offset + out.size()) of the object with
  // this seed into out. Any offset and length; cost is a memcpy plus 16 bytes
  // per block.
  void Fill(uint64_t seed, uint64_t offset, std::span<char> out) const;

  // Offset of the first byte of data that differs from the object's bytes at
  // offset, or data.size() when all match. scratch is working space (any
  // size > 0; larger is faster).
  size_t FirstMismatch(uint64_t seed, uint64_t offset, std::string_view data,
                       std::span<char> scratch) const;

 private:
  // The filler of every block (the header bytes are overwritten per block).
  char filler_[kPayloadBlockSize];
};

}  // namespace strata::loadgen
