#include "auth/session/password.h"

#include <argon2.h>

#include <charconv>
#include <cstdint>

namespace strata::auth {
namespace {

using common::Code;
using common::Error;

constexpr size_t kMaxPasswordBytes = 1024;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
// Ceilings on the parameters a stored hash may ask for. Hashes come from our
// own metadata, but a corrupted or hostile row must not make one login
// allocate gigabytes or spin for minutes.
constexpr uint32_t kMaxMemoryKib = 1024 * 1024;  // 1 GiB
constexpr uint32_t kMaxPasses = 64;
constexpr uint32_t kMaxLanes = 64;

// Reads the decimal after `key` ("m=") at `*pos`, then skips one separator.
bool ReadParam(std::string_view text, size_t* pos, std::string_view key, uint32_t* value) {
  if (text.substr(*pos, key.size()) != key) return false;
  const char* begin = text.data() + *pos + key.size();
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, *value);
  if (ec != std::errc() || ptr == begin) return false;
  *pos = static_cast<size_t>(ptr - text.data()) + 1;
  return true;
}

// The cost parameters of "$argon2id$v=19$m=M,t=T,p=P$...", within the
// ceilings above; false for any other shape. libargon2 checks the rest.
bool CostWithinLimits(std::string_view encoded) {
  constexpr std::string_view kPrefix = "$argon2id$v=19$";
  if (encoded.substr(0, kPrefix.size()) != kPrefix) return false;
  size_t pos = kPrefix.size();
  uint32_t m = 0, t = 0, p = 0;
  if (!ReadParam(encoded, &pos, "m=", &m) || !ReadParam(encoded, &pos, "t=", &t) ||
      !ReadParam(encoded, &pos, "p=", &p)) {
    return false;
  }
  return m <= kMaxMemoryKib && t <= kMaxPasses && p <= kMaxLanes;
}

}  // namespace

common::Result<std::string> HashPassword(std::string_view password, common::Random& random,
                                         const PasswordCost& cost) {
  if (password.empty()) return Error(Code::kInvalidArgument, "password is empty");
  if (password.size() > kMaxPasswordBytes) {
    return Error(Code::kInvalidArgument, "password is longer than 1024 bytes");
  }
  std::string salt = random.Bytes(kSaltBytes);
  std::string encoded(argon2_encodedlen(cost.passes, cost.memory_kib, cost.lanes, kSaltBytes,
                                        kHashBytes, Argon2_id),
                      '\0');
  int rc = argon2id_hash_encoded(cost.passes, cost.memory_kib, cost.lanes, password.data(),
                                 password.size(), salt.data(), salt.size(), kHashBytes,
                                 encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    return Error(Code::kInternal, std::string("argon2id: ") + argon2_error_message(rc));
  }
  // argon2_encodedlen counts the terminating NUL; keep only the text.
  if (size_t end = encoded.find('\0'); end != std::string::npos) encoded.resize(end);
  return encoded;
}

bool VerifyPassword(std::string_view encoded, std::string_view password) {
  if (password.empty() || password.size() > kMaxPasswordBytes) return false;
  // libargon2 wants a C string: an embedded NUL would silently cut it short.
  if (encoded.find('\0') != std::string_view::npos || !CostWithinLimits(encoded)) return false;
  std::string c_encoded(encoded);
  // argon2id_verify recomputes the hash with the stored parameters and salt,
  // then compares in constant time (argon2_compare).
  return argon2id_verify(c_encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

const std::string& DecoyPasswordHash() {
  // A thread-safe one-time initialisation (a function-local static).
  static const std::string kDecoy = [] {
    common::SecureRandom random;
    auto hash = HashPassword(common::RandomAlnum(random, 32), random);
    if (hash.ok()) return *hash;
    // argon2 fails only when it cannot allocate its memory. Then use a fixed
    // hash, at the default cost, of a random password that nobody kept.
    return std::string(
        "$argon2id$v=19$m=19456,t=2,p=1$9LTTsDYkhe1G4HkZxx4Meg$"
        "4lMZVEVVxZG+X3CL/U9bDIoLR57Tgb30Lxj1STeIjSE");
  }();
  return kDecoy;
}

}  // namespace strata::auth
