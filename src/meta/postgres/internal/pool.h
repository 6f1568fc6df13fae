// A fixed-size pool of connections to one database. Connections open lazily,
// at most `size` at a time; one that broke stays in the pool and is reset by
// the transaction runner before its next use, so a restarted server is picked
// up without reopening the store. Private to meta/postgres.
#pragma once

#include <chrono>

#include "meta/internal/connection_pool.h"
#include "meta/postgres/internal/connection.h"

namespace strata::meta::postgres::internal {

// meta::internal::ConnectionPool of libpq connections. Thread-safe.
class Pool : public meta::internal::ConnectionPool<Connection> {
 public:
  // REQUIRES: size >= 1. Acquire fails with kUnavailable when no connection
  // is free within `acquire_timeout`, or when opening one fails.
  Pool(ConnectSpec spec, int size, std::chrono::milliseconds acquire_timeout);
};

}  // namespace strata::meta::postgres::internal
