// Request ids: 16 upper-case hex characters, like S3's x-amz-request-id.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace strata::http::internal {

// Ids are a keyed bijective mix of a counter, so two ids from one generator
// never collide (for 2^64 ids) and ids from different processes (random keys)
// rarely do. Thread-safe and lock-free: one atomic increment per id.
class RequestIdGenerator {
 public:
  explicit RequestIdGenerator(uint64_t key) : key_(key) {}
  std::string Next();

 private:
  const uint64_t key_;
  std::atomic<uint64_t> counter_{0};
};

}  // namespace strata::http::internal
