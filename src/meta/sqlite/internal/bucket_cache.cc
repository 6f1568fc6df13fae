#include "meta/sqlite/internal/bucket_cache.h"

namespace strata::meta::sqlite::internal {

std::optional<Bucket> BucketCache::Find(std::string_view name) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(name);
  if (it == entries_.end()) return std::nullopt;
  if (Clock::now() - it->second.filled_at >= ttl_) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.bucket;
}

uint64_t BucketCache::Ticket() {
  std::lock_guard lock(mu_);
  return generation_;
}

void BucketCache::Fill(uint64_t ticket, const Bucket& bucket) {
  if (ttl_ <= Clock::duration::zero()) return;  // the cache is off
  std::lock_guard lock(mu_);
  if (ticket != generation_) return;
  // Past the capacity the cache starts over; the hot buckets come back at
  // their next read.
  if (entries_.size() >= capacity_) entries_.clear();
  entries_.insert_or_assign(bucket.name, Entry{bucket, Clock::now()});
}

void BucketCache::Invalidate(std::string_view name) {
  std::lock_guard lock(mu_);
  ++generation_;
  if (auto it = entries_.find(name); it != entries_.end()) entries_.erase(it);
}

size_t BucketCache::size() {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace strata::meta::sqlite::internal
