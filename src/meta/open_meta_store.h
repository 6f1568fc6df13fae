// OpenMetaStore: picks and opens the metadata backend a URL names, so the
// server's wiring (app/) needs one flag for it:
//   sqlite:PATH                         SqliteMetaStore on the file PATH
//   postgres://... or postgresql://...  PostgresMetaStore (a libpq URI, with
//                                       any parameter libpq accepts after '?')
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "meta/audit_store.h"
#include "meta/identity_store.h"
#include "meta/meta_store.h"

namespace strata::meta {

struct OpenedMetaStore {
  std::unique_ptr<MetaStore> store;
  // The same object's IdentityStore side; owned by `store`, valid while it
  // lives. Null while a backend does not implement IdentityStore yet.
  IdentityStore* identity = nullptr;
  // Its AuditStore side (the audit trail's table), likewise owned by `store`.
  // Null for a backend that does not implement AuditStore. The raw store's:
  // audit writes and queries bypass any cache or metrics decorator the
  // server wraps `store` in.
  AuditStore* audit = nullptr;
  // What was opened, for logs: "sqlite:/var/lib/strata/meta.db" or
  // "postgres://strata@db:5432/strata" (never the password).
  std::string description;
};

// Opens the store `url` names, applying pending migrations. `clock` is what
// DeleteBucket reads for the time it aborts a bucket's uploads at (null for
// the system clock; not owned, must outlive the store). kInvalidArgument for
// an unknown scheme or an empty path; otherwise the backend's Open errors
// (SqliteMetaStore::Open, PostgresMetaStore::Open).
common::Result<OpenedMetaStore> OpenMetaStore(std::string_view url, const common::Clock* clock);

}  // namespace strata::meta
