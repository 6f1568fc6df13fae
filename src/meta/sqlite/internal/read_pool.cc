#include "meta/sqlite/internal/read_pool.h"

#include <optional>
#include <utility>

namespace strata::meta::sqlite::internal {

ReadPool::ReadPool(std::string path, ConnectionOptions options, int max_connections)
    : ConnectionPool([path = std::move(path), options] { return Connection::Open(path, options); },
                     max_connections, /*acquire_timeout=*/std::nullopt, "SQLite read") {}

}  // namespace strata::meta::sqlite::internal
