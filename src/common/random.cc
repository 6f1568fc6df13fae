#include "common/random.h"

#include <openssl/rand.h>

#include <cstdlib>

#include "common/hex.h"

namespace strata::common {

std::string SecureRandom::Bytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    std::abort();  // No entropy means no safe credentials; nothing sensible to return.
  }
  return out;
}

std::string RandomHexId(Random& random, size_t bytes) { return HexEncode(random.Bytes(bytes)); }

std::string RandomAlnum(Random& random, size_t length) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  while (out.size() < length) {
    for (unsigned char b : random.Bytes(length)) {
      // 248 = 62 * 4: reject the tail so every character is equally likely.
      if (b < 248 && out.size() < length) out.push_back(kAlphabet[b % 62]);
    }
  }
  return out;
}

}  // namespace strata::common
