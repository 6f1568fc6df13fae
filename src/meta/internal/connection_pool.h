// A bounded pool of database connections of one kind, opened lazily: the
// SQLite store's query-only readers (sqlite/internal/read_pool.h) and the
// PostgreSQL store's connections (postgres/internal/pool.h). Private to meta/.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "common/status.h"

namespace strata::meta::internal {

template <typename Connection>
class ConnectionPool {
 public:
  // Opens one more connection (called outside the pool's lock).
  using Opener = std::function<common::Result<std::unique_ptr<Connection>>()>;

  // Exclusive use of one pooled connection, given back on destruction.
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (connection_ != nullptr) pool_->Release(std::move(connection_));
    }
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  // At most `size` (>= 1) connections open at a time, each made by `open`.
  // Acquire waits up to `acquire_timeout` for one (nullopt: for ever); the
  // error it then returns names the connections `what` ("PostgreSQL").
  ConnectionPool(Opener open, int size, std::optional<std::chrono::milliseconds> acquire_timeout,
                 std::string what)
      : open_connection_(std::move(open)),
        size_(size),
        acquire_timeout_(acquire_timeout),
        what_(std::move(what)) {}
  ~ConnectionPool() = default;  // REQUIRES: no Lease outstanding
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Adds an already open connection (one the caller opened for a check of
  // its own). It counts towards `size`. Thread-safe.
  void Add(std::unique_ptr<Connection> connection) {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(connection));
    ++open_;
    idle_cv_.notify_one();
  }

  // An idle connection, a newly opened one while under the limit, or else
  // the next one given back. kUnavailable when none is free within the
  // acquire timeout; the opener's error when opening one fails. Thread-safe.
  common::Result<Lease> Acquire() {
    {
      std::unique_lock lock(mu_);
      auto ready = [&] { return !idle_.empty() || open_ < size_; };
      if (!acquire_timeout_) {
        idle_cv_.wait(lock, ready);
      } else if (!idle_cv_.wait_for(lock, *acquire_timeout_, ready)) {
        return common::Error(common::Code::kUnavailable,
                             "all " + std::to_string(size_) + " " + what_ +
                                 " connections stayed busy for " +
                                 std::to_string(acquire_timeout_->count()) + " ms");
      }
      if (!idle_.empty()) {
        std::unique_ptr<Connection> connection = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(connection));
      }
      ++open_;  // reserve the slot; open outside the lock (file or network I/O)
    }
    common::Result<std::unique_ptr<Connection>> opened = open_connection_();
    if (!opened.ok()) {
      std::lock_guard lock(mu_);
      --open_;
      idle_cv_.notify_one();
      return opened.status();
    }
    return Lease(this, std::move(opened).value());
  }

 private:
  void Release(std::unique_ptr<Connection> connection) {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(connection));
    idle_cv_.notify_one();
  }

  const Opener open_connection_;
  const int size_;
  const std::optional<std::chrono::milliseconds> acquire_timeout_;
  const std::string what_;

  std::mutex mu_;
  std::condition_variable idle_cv_;
  std::vector<std::unique_ptr<Connection>> idle_;  // GUARDED_BY(mu_)
  int open_ = 0;                                   // GUARDED_BY(mu_): idle + leased
};

}  // namespace strata::meta::internal
