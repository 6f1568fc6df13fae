#include "meta/postgres/internal/pool.h"

#include <utility>

namespace strata::meta::postgres::internal {

Pool::Pool(ConnectSpec spec, int size, std::chrono::milliseconds acquire_timeout)
    : ConnectionPool([spec = std::move(spec)] { return Connection::Open(spec); }, size,
                     acquire_timeout, "PostgreSQL") {}

}  // namespace strata::meta::postgres::internal
