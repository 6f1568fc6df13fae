// SigningKeyCache: DeriveSigningKey results kept for reuse. A signing key
// depends only on the secret, the date, the region and the service, so every
// request a client signs on one day with one key shares it; deriving it is
// four HMAC-SHA256s, about 5 % of the CPU of a small GET (bench/README.md).
// AWS's own SDKs cache it the same way.
//
// An entry is found by the whole tuple, the secret included, so a rotated or
// deleted secret can never be served a key derived from the old one. Bounded:
// when `capacity` entries are held the cache starts over (keys of past dates
// are never asked for again, so nothing smarter is needed). Thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/string_hash.h"

namespace strata::auth {

class SigningKeyCache {
 public:
  explicit SigningKeyCache(size_t capacity = 1024) : capacity_(capacity) {}

  // DeriveSigningKey(secret_key, date, region, service), from the cache when
  // it is there.
  std::string Get(std::string_view secret_key, std::string_view date, std::string_view region,
                  std::string_view service);

  size_t size() const;

 private:
  size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::string, common::StringHash, std::equal_to<>> keys_;
};

}  // namespace strata::auth
