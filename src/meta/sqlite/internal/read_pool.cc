#include "meta/sqlite/internal/read_pool.h"

#include <utility>

namespace strata::meta::sqlite::internal {

ReadPool::Lease::~Lease() {
  if (connection_ != nullptr) pool_->Release(std::move(connection_));
}

ReadPool::ReadPool(std::string path, ConnectionOptions options, int max_connections)
    : path_(std::move(path)), options_(options), max_connections_(max_connections) {}

ReadPool::~ReadPool() = default;

common::Result<ReadPool::Lease> ReadPool::Acquire() {
  {
    std::unique_lock lock(mu_);
    idle_cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_connections_; });
    if (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(connection));
    }
    ++open_;  // reserve the slot; open outside the lock (file I/O)
  }
  common::Result<std::unique_ptr<Connection>> opened = Connection::Open(path_, options_);
  if (!opened.ok()) {
    std::lock_guard lock(mu_);
    --open_;
    idle_cv_.notify_one();
    return opened.status();
  }
  return Lease(this, std::move(opened).value());
}

void ReadPool::Release(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(connection));
  idle_cv_.notify_one();
}

}  // namespace strata::meta::sqlite::internal
