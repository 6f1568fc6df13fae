#include "meta/open_meta_store.h"

#include <utility>

#include "meta/postgres/postgres_meta_store.h"
#include "meta/sqlite/sqlite_meta_store.h"

namespace strata::meta {
namespace {

using common::Code;
using common::Error;

constexpr std::string_view kSqliteScheme = "sqlite:";

OpenedMetaStore Opened(std::unique_ptr<MetaStore> store, std::string description) {
  // Cross-casts from the MetaStore side: null for a backend that does not
  // implement IdentityStore or AuditStore (yet).
  IdentityStore* identity = dynamic_cast<IdentityStore*>(store.get());
  AuditStore* audit = dynamic_cast<AuditStore*>(store.get());
  return OpenedMetaStore{.store = std::move(store),
                         .identity = identity,
                         .audit = audit,
                         .description = std::move(description)};
}

}  // namespace

common::Result<OpenedMetaStore> OpenMetaStore(std::string_view url, const common::Clock* clock) {
  if (url.starts_with(kSqliteScheme)) {
    const std::string path(url.substr(kSqliteScheme.size()));
    if (path.empty()) return Error(Code::kInvalidArgument, "metadata URL 'sqlite:' needs a path");
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::SqliteMetaStore> store,
                            sqlite::SqliteMetaStore::Open(path, {.clock = clock}));
    return Opened(std::move(store), "sqlite:" + path);
  }
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    STRATA_ASSIGN_OR_RETURN(std::string description, postgres::DescribeConninfo(url));
    STRATA_ASSIGN_OR_RETURN(std::unique_ptr<postgres::PostgresMetaStore> store,
                            postgres::PostgresMetaStore::Open(url, {.clock = clock}));
    return Opened(std::move(store), std::move(description));
  }
  // Never echo the URL: it may hold a password.
  return Error(Code::kInvalidArgument,
               "metadata URL must start with sqlite:, postgres:// or postgresql://");
}

}  // namespace strata::meta
