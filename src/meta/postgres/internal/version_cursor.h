// ListObjectVersions' scan on PostgreSQL: the meta/version_list_walker.h
// VersionCursor over one bucket's objects and object_versions tables.
// Private to meta/postgres.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "meta/meta_store.h"
#include "meta/postgres/internal/connection.h"
#include "meta/version_list_walker.h"

namespace strata::meta::postgres::internal {

// Keys come from one range query over both tables per batch: the current
// keys by the objects primary key, the keys with other versions by a skip
// scan of the object_versions primary key (one index seek per key, however
// many versions it has), merged in byte order (the database collates "C").
// Batches start small and double while the walk keeps reading, as in
// ObjectListCursor. A key's versions are one query each: the objects row,
// then object_versions rows by seq descending, LIMIT the walker's limit.
// REQUIRES: `connection` is inside a snapshot transaction for the cursor's
// whole life, and outlives it.
class PostgresVersionCursor final : public VersionCursor {
 public:
  PostgresVersionCursor(Connection& connection, std::string_view bucket)
      : connection_(connection), bucket_(bucket) {}

  common::Status SeekKey(std::string_view lower, bool inclusive) override;
  common::Result<bool> NextKey() override;
  std::string_view key() const override;
  common::Result<std::vector<ObjectRecord>> Versions(
      const std::optional<std::string>& after_version_id, size_t limit) override;

 private:
  common::Status Fetch(std::string_view sql, std::string_view bound, int64_t limit);

  Connection& connection_;
  const std::string bucket_;
  Rows keys_;  // one column: key
  int row_ = -1;
  int64_t batch_ = 0;
  bool more_ = false;  // the last batch was full: keys may follow it
};

}  // namespace strata::meta::postgres::internal
