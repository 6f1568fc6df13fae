#include "meta/postgres/internal/pool.h"

#include <string>
#include <utility>

namespace strata::meta::postgres::internal {

Pool::Lease::~Lease() {
  if (connection_ != nullptr) pool_->Release(std::move(connection_));
}

Pool::Pool(ConnectSpec spec, int size, std::chrono::milliseconds acquire_timeout)
    : spec_(std::move(spec)), size_(size), acquire_timeout_(acquire_timeout) {}

Pool::~Pool() = default;

void Pool::Add(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(connection));
  ++open_;
  idle_cv_.notify_one();
}

common::Result<Pool::Lease> Pool::Acquire() {
  {
    std::unique_lock lock(mu_);
    const bool ready =
        idle_cv_.wait_for(lock, acquire_timeout_, [&] { return !idle_.empty() || open_ < size_; });
    if (!ready) {
      return common::Error(common::Code::kUnavailable,
                           "all " + std::to_string(size_) +
                               " PostgreSQL connections stayed busy for " +
                               std::to_string(acquire_timeout_.count()) + " ms");
    }
    if (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(connection));
    }
    ++open_;  // reserve the slot; connect outside the lock (network I/O)
  }
  common::Result<std::unique_ptr<Connection>> opened = Connection::Open(spec_);
  if (!opened.ok()) {
    std::lock_guard lock(mu_);
    --open_;
    idle_cv_.notify_one();
    return opened.status();
  }
  return Lease(this, std::move(opened).value());
}

void Pool::Release(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(connection));
  idle_cv_.notify_one();
}

}  // namespace strata::meta::postgres::internal
