// A bounded pool of query-only connections to one database, so reads run in
// parallel with each other and with the writer (WAL gives each read its own
// snapshot; none waits for a commit's fsync).
#pragma once

#include <string>

#include "meta/internal/connection_pool.h"
#include "meta/sqlite/internal/connection.h"

namespace strata::meta::sqlite::internal {

// meta::internal::ConnectionPool of SQLite connections; Acquire waits for a
// connection for as long as it takes (a read holds one only for its
// statement or snapshot). Thread-safe.
class ReadPool : public meta::internal::ConnectionPool<Connection> {
 public:
  // Opens connections lazily, at most `max_connections` (>= 1) at a time.
  // `path` must name a database that a writable connection already opened in
  // WAL mode (a query-only connection cannot create the WAL index). Acquire's
  // errors are Connection::Open's.
  ReadPool(std::string path, ConnectionOptions options, int max_connections);
};

}  // namespace strata::meta::sqlite::internal
