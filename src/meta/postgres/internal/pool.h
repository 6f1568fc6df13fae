// A fixed-size pool of connections to one database. Connections open lazily,
// at most `size` at a time; one that broke stays in the pool and is reset by
// the transaction runner before its next use, so a restarted server is picked
// up without reopening the store. Private to meta/postgres.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "common/result.h"
#include "meta/postgres/internal/connection.h"

namespace strata::meta::postgres::internal {

class Pool {
 public:
  // Exclusive use of one connection, given back on destruction.
  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  // REQUIRES: size >= 1.
  Pool(ConnectSpec spec, int size, std::chrono::milliseconds acquire_timeout);
  ~Pool();  // REQUIRES: no Lease outstanding

  // Adds an already open connection (the one Open checked the database with).
  void Add(std::unique_ptr<Connection> connection);

  // An idle connection, a newly opened one while under the limit, or else the
  // next one given back. kUnavailable when none is free within the acquire
  // timeout, or when opening one fails. Thread-safe.
  common::Result<Lease> Acquire();

 private:
  void Release(std::unique_ptr<Connection> connection);

  const ConnectSpec spec_;
  const int size_;
  const std::chrono::milliseconds acquire_timeout_;

  std::mutex mu_;
  std::condition_variable idle_cv_;
  std::vector<std::unique_ptr<Connection>> idle_;  // GUARDED_BY(mu_)
  int open_ = 0;                                   // GUARDED_BY(mu_): idle + leased
};

}  // namespace strata::meta::postgres::internal
