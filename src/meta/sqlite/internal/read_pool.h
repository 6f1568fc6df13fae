// A bounded pool of query-only connections to one database, so reads run in
// parallel with each other and with the writer (WAL gives each read its own
// snapshot; none waits for a commit's fsync).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/result.h"
#include "meta/sqlite/internal/connection.h"

namespace strata::meta::sqlite::internal {

class ReadPool {
 public:
  // Exclusive use of one pooled connection, given back on destruction.
  class Lease {
   public:
    Lease(ReadPool* pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    ReadPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  // Opens connections lazily, at most `max_connections` (>= 1) at a time.
  // `path` must name a database that a writable connection already opened in
  // WAL mode (a query-only connection cannot create the WAL index).
  ReadPool(std::string path, ConnectionOptions options, int max_connections);
  ~ReadPool();  // REQUIRES: no Lease outstanding

  // An idle connection, a newly opened one while under the limit, or else the
  // next one given back (blocks). Thread-safe. Errors are Connection::Open's.
  common::Result<Lease> Acquire();

 private:
  void Release(std::unique_ptr<Connection> connection);

  const std::string path_;
  const ConnectionOptions options_;
  const int max_connections_;

  std::mutex mu_;
  std::condition_variable idle_cv_;
  std::vector<std::unique_ptr<Connection>> idle_;  // GUARDED_BY(mu_)
  int open_ = 0;                                   // GUARDED_BY(mu_): idle + leased
};

}  // namespace strata::meta::sqlite::internal
