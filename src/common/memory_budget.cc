#include "common/memory_budget.h"

#include <utility>

namespace strata::common {

MemoryBudget::Lease::Lease(Lease&& other) noexcept
    : budget_(std::exchange(other.budget_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}

MemoryBudget::Lease& MemoryBudget::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Release();
    budget_ = std::exchange(other.budget_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

MemoryBudget::Lease::~Lease() { Release(); }

void MemoryBudget::Lease::Release() {
  if (budget_ != nullptr) std::exchange(budget_, nullptr)->Return(std::exchange(bytes_, 0));
}

MemoryBudget::Lease MemoryBudget::Acquire(uint64_t bytes) {
  std::unique_lock lock(mutex_);
  auto fits = [&] {
    return capacity_ == 0 || leased_ == 0 || (leased_ <= capacity_ && bytes <= capacity_ - leased_);
  };
  if (!fits()) {
    ++waits_;
    returned_.wait(lock, fits);
  }
  leased_ += bytes;
  return Lease(this, bytes);
}

void MemoryBudget::Return(uint64_t bytes) {
  {
    std::lock_guard lock(mutex_);
    leased_ -= bytes;
  }
  returned_.notify_all();
}

uint64_t MemoryBudget::leased() const {
  std::lock_guard lock(mutex_);
  return leased_;
}

uint64_t MemoryBudget::waits() const {
  std::lock_guard lock(mutex_);
  return waits_;
}

}  // namespace strata::common
