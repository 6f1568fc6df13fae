// MemoryBudget: a process-wide cap on the bytes that requests buffer at once.
// The server's memory is otherwise set by how many large uploads happen to
// run together (each holds a chunk buffer and its parity); with a budget,
// uploads beyond it wait for one to finish instead of growing the process,
// and the disk, the real bottleneck of such a burst, stays just as busy.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace strata::common {

class MemoryBudget {
 public:
  // Bytes held from Acquire until the lease is destroyed (or moved from).
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    uint64_t bytes() const { return bytes_; }
    bool held() const { return budget_ != nullptr; }

   private:
    friend class MemoryBudget;
    Lease(MemoryBudget* budget, uint64_t bytes) : budget_(budget), bytes_(bytes) {}
    void Release();

    MemoryBudget* budget_ = nullptr;
    uint64_t bytes_ = 0;
  };

  // capacity 0 means no limit (every Acquire returns at once).
  explicit MemoryBudget(uint64_t capacity) : capacity_(capacity) {}
  MemoryBudget(const MemoryBudget&) = delete;
  MemoryBudget& operator=(const MemoryBudget&) = delete;

  // Blocks until bytes fit under the capacity beside the leases already
  // held, then leases them. A request for more than the whole capacity is
  // admitted when nothing else is leased, so it runs alone rather than never.
  // Waiters are woken together; with equal requests (the server's case)
  // none is passed over for long. REQUIRES: the caller holds no other lease
  // of this budget (waiting for a second one could wait for itself).
  Lease Acquire(uint64_t bytes);

  uint64_t capacity() const { return capacity_; }
  // Bytes leased now, and Acquire calls so far that had to wait.
  uint64_t leased() const;
  uint64_t waits() const;

  // Thread-safety: every method may be called from any thread. The budget
  // must outlive its leases.

 private:
  void Return(uint64_t bytes);

  const uint64_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable returned_;
  uint64_t leased_ = 0;
  uint64_t waits_ = 0;
};

}  // namespace strata::common
