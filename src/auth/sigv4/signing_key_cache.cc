#include "auth/sigv4/signing_key_cache.h"

#include "auth/sigv4/signing.h"

namespace strata::auth {

std::string SigningKeyCache::Get(std::string_view secret_key, std::string_view date,
                                 std::string_view region, std::string_view service) {
  // NUL cannot occur in a date, region or service name, so the joined tuple
  // names one (secret, date, region, service) only.
  std::string tuple;
  tuple.reserve(secret_key.size() + date.size() + region.size() + service.size() + 3);
  tuple.append(date).push_back('\0');
  tuple.append(region).push_back('\0');
  tuple.append(service).push_back('\0');
  tuple.append(secret_key);
  {
    std::lock_guard lock(mu_);
    if (auto it = keys_.find(tuple); it != keys_.end()) return it->second;
  }
  std::string key = DeriveSigningKey(secret_key, date, region, service);
  std::lock_guard lock(mu_);
  if (keys_.size() >= capacity_) keys_.clear();
  keys_.emplace(std::move(tuple), key);
  return key;
}

size_t SigningKeyCache::size() const {
  std::lock_guard lock(mu_);
  return keys_.size();
}

}  // namespace strata::auth
