// Random seam: ids and generated credentials come from here, so tests can
// make them deterministic.
#pragma once

#include <string>

namespace strata::common {

class Random {
 public:
  virtual ~Random() = default;
  virtual std::string Bytes(size_t n) = 0;
};

// OpenSSL's CSPRNG.
class SecureRandom : public Random {
 public:
  std::string Bytes(size_t n) override;
};

// 32 lower-case hex characters of randomness, for request ids and file names.
std::string RandomHexId(Random& random, size_t bytes = 16);
// Characters from [A-Za-z0-9], for generated credentials.
std::string RandomAlnum(Random& random, size_t length);

}  // namespace strata::common
