#include "http/internal/request_id.h"

namespace strata::http::internal {
namespace {

// SplitMix64's finalizer: a bijection on 64-bit values with good diffusion, so
// consecutive counters give unrelated-looking ids.
uint64_t Mix(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

std::string RequestIdGenerator::Next() {
  static constexpr char kHex[] = "0123456789ABCDEF";
  // Adding a key before a bijection keeps distinct counters distinct.
  uint64_t v = Mix(counter_.fetch_add(1, std::memory_order_relaxed) + key_);
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i) {
    id[i] = kHex[v & 0xf];
    v >>= 4;
  }
  return id;
}

}  // namespace strata::http::internal
