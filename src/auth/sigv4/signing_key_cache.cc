#include "auth/sigv4/signing_key_cache.h"

#include "auth/sigv4/signing.h"

namespace strata::auth {

std::string SigningKeyCache::Get(std::string_view secret_key, std::string_view date,
                                 std::string_view region, std::string_view service) {
  // Each part carries its length, so no two tuples join to the same text
  // whatever bytes they hold (a presigned URL's region may carry %00).
  std::string tuple;
  tuple.reserve(secret_key.size() + date.size() + region.size() + service.size() + 4 * 9);
  for (std::string_view part : {date, region, service, secret_key}) {
    tuple.append(std::to_string(part.size())).push_back(':');
    tuple.append(part);
  }
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
