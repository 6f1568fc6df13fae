#include "loadgen/payload.h"

#include <algorithm>
#include <cstring>

namespace strata::loadgen {
namespace {

void StoreLe64(uint64_t v, char* out) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

}  // namespace

uint64_t PayloadSeed(std::string_view key, bool same_payload) {
  if (same_payload) return 0;
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : key) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h == 0 ? 1 : h;
}

PayloadGenerator::PayloadGenerator() {
  // xorshift64*: any fixed sequence will do; it only has to look random to
  // a compressor, never to an attacker.
  uint64_t x = 0x9e3779b97f4a7c15ull;
  for (size_t i = 0; i < kPayloadBlockSize; i += 8) {
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    StoreLe64(x * 0x2545f4914f6cdd1dull, filler_ + i);
  }
}

void PayloadGenerator::Fill(uint64_t seed, uint64_t offset, std::span<char> out) const {
  char header[kPayloadHeaderSize];
  StoreLe64(seed, header);
  size_t done = 0;
  while (done < out.size()) {
    uint64_t pos = offset + done;
    uint64_t block = pos / kPayloadBlockSize;
    size_t in_block = static_cast<size_t>(pos % kPayloadBlockSize);
    size_t n = std::min(out.size() - done, kPayloadBlockSize - in_block);
    char* dst = out.data() + done;
    std::memcpy(dst, filler_ + in_block, n);
    if (in_block < kPayloadHeaderSize) {
      StoreLe64(block, header + 8);
      size_t h = std::min(n, kPayloadHeaderSize - in_block);
      std::memcpy(dst, header + in_block, h);
    }
    done += n;
  }
}

size_t PayloadGenerator::FirstMismatch(uint64_t seed, uint64_t offset, std::string_view data,
                                       std::span<char> scratch) const {
  size_t done = 0;
  while (done < data.size()) {
    size_t n = std::min(scratch.size(), data.size() - done);
    Fill(seed, offset + done, scratch.first(n));
    if (std::memcmp(scratch.data(), data.data() + done, n) != 0) {
      for (size_t i = 0; i < n; ++i) {
        if (scratch[i] != data[done + i]) return done + i;
      }
    }
    done += n;
  }
  return data.size();
}

}  // namespace strata::loadgen
