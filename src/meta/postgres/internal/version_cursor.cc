#include "meta/postgres/internal/version_cursor.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "meta/postgres/internal/object_rows.h"
#include "meta/postgres/internal/text_bounds.h"

namespace strata::meta::postgres::internal {
namespace {

using meta::internal::OnBadMetadata;

// The first $3 keys `op` $2 with any version. version_keys walks the
// object_versions primary key one distinct key per step (a recursive "skip
// scan"), so a key with many versions costs one seek; each side is limited
// to $3 keys, which is all the merged first $3 can use.
#define STRATA_PG_VERSION_KEYS(op)                                                \
  "WITH RECURSIVE version_keys (key, n) AS ("                                     \
  " (SELECT key, 1 FROM object_versions WHERE bucket = $1 AND key " op            \
  " $2"                                                                           \
  " ORDER BY key LIMIT 1)"                                                        \
  " UNION ALL SELECT (SELECT v.key FROM object_versions v WHERE v.bucket = $1"    \
  " AND v.key > k.key ORDER BY v.key LIMIT 1), k.n + 1 FROM version_keys k"       \
  " WHERE k.key IS NOT NULL AND k.n < $3)"                                        \
  " SELECT key FROM version_keys WHERE key IS NOT NULL"                           \
  " UNION SELECT key FROM (SELECT key FROM objects WHERE bucket = $1 AND key " op \
  " $2"                                                                           \
  " ORDER BY key LIMIT $3) current_keys"                                          \
  " ORDER BY key LIMIT $3"
constexpr std::string_view kKeysInclusive = STRATA_PG_VERSION_KEYS(">=");
constexpr std::string_view kKeysExclusive = STRATA_PG_VERSION_KEYS(">");
#undef STRATA_PG_VERSION_KEYS

// The objects row sorts as the newest seq there can be: it is newer than
// every object_versions row of its key.
#define STRATA_PG_CURRENT_SEQ "9223372036854775807"
constexpr std::string_view kNewestVersions =
    "SELECT " STRATA_PG_OBJECT_COLUMNS("") ", 0 AS delete_marker, " STRATA_PG_CURRENT_SEQ
    " AS seq FROM objects WHERE bucket = $1 AND key = $2"
    " UNION ALL (SELECT " STRATA_PG_OBJECT_COLUMNS("") ", delete_marker, seq"
    " FROM object_versions WHERE bucket = $1 AND key = $2 ORDER BY seq DESC LIMIT $3)"
    " ORDER BY seq DESC LIMIT $3";
// Where the version named $3 sits in its key's order.
constexpr std::string_view kVersionPosition = "SELECT " STRATA_PG_CURRENT_SEQ
                                              " FROM objects"
                                              " WHERE bucket = $1 AND key = $2 AND version_id = $3"
                                              " UNION ALL SELECT seq FROM object_versions"
                                              " WHERE bucket = $1 AND key = $2 AND version_id = $3";
#undef STRATA_PG_CURRENT_SEQ
constexpr std::string_view kVersionsBefore =
    "SELECT " STRATA_PG_OBJECT_COLUMNS("") ", delete_marker, seq FROM object_versions"
    " WHERE bucket = $1 AND key = $2 AND seq < $3 ORDER BY seq DESC LIMIT $4";

constexpr int64_t kFirstBatch = 16;
constexpr int64_t kMaxBatch = 256;

int64_t SqlLimit(size_t limit) {
  return static_cast<int64_t>(
      std::min<size_t>(limit, static_cast<size_t>(std::numeric_limits<int64_t>::max())));
}

}  // namespace

common::Status PostgresVersionCursor::Fetch(std::string_view sql, std::string_view bound,
                                            int64_t limit) {
  STRATA_ASSIGN_OR_RETURN(keys_,
                          connection_.Query(sql, Params().Text(bucket_).Text(bound).Int(limit)));
  row_ = -1;
  more_ = keys_.size() == limit;
  return common::Status::Ok();
}

common::Status PostgresVersionCursor::SeekKey(std::string_view lower, bool inclusive) {
  batch_ = kFirstBatch;
  std::optional<std::string> bound = LeastStorableAtLeast(lower);
  if (!bound) {  // no key can be at or above `lower`
    keys_ = Rows();
    row_ = -1;
    more_ = false;
    return common::Status::Ok();
  }
  // A replaced bound is not a key, so ">= bound" is right either way.
  const bool from_bound = inclusive || *bound != lower;
  return Fetch(from_bound ? kKeysInclusive : kKeysExclusive, *bound, batch_);
}

common::Result<bool> PostgresVersionCursor::NextKey() {
  if (row_ + 1 < keys_.size()) {
    ++row_;
    return true;
  }
  if (!more_) return false;
  // The batch ran out: continue after its last key, with a larger batch.
  const std::string last(keys_.Bytes(keys_.size() - 1, 0));
  batch_ = std::min(batch_ * 2, kMaxBatch);
  STRATA_RETURN_IF_ERROR(Fetch(kKeysExclusive, last, batch_));
  if (keys_.empty()) return false;
  row_ = 0;
  return true;
}

std::string_view PostgresVersionCursor::key() const { return keys_.Bytes(row_, 0); }

common::Result<std::vector<ObjectRecord>> PostgresVersionCursor::Versions(
    const std::optional<std::string>& after_version_id, size_t limit) {
  const std::string_view key = this->key();
  Rows rows;
  if (!after_version_id) {
    STRATA_ASSIGN_OR_RETURN(
        rows,
        connection_.Query(kNewestVersions, Params().Text(bucket_).Text(key).Int(SqlLimit(limit))));
  } else {
    // An id PostgreSQL cannot store names no version.
    if (!IsStorableText(*after_version_id)) return std::vector<ObjectRecord>();
    STRATA_ASSIGN_OR_RETURN(
        Rows position, connection_.Query(kVersionPosition,
                                         Params().Text(bucket_).Text(key).Text(*after_version_id)));
    if (position.empty()) return std::vector<ObjectRecord>();
    STRATA_ASSIGN_OR_RETURN(
        rows, connection_.Query(
                  kVersionsBefore,
                  Params().Text(bucket_).Text(key).Int(position.Int(0, 0)).Int(SqlLimit(limit))));
  }
  std::vector<ObjectRecord> versions;
  versions.reserve(rows.size());
  for (int row = 0; row < rows.size(); ++row) {
    STRATA_ASSIGN_OR_RETURN(ObjectRecord version, ReadObject(rows, row, OnBadMetadata::kFail));
    version.delete_marker = rows.Int(row, kObjectColumns) != 0;
    // Only the first of the newest is the latest; a version after another
    // never is.
    version.is_latest = !after_version_id && row == 0;
    version.manifest.clear();
    version.inline_data.clear();
    versions.push_back(std::move(version));
  }
  return versions;
}

}  // namespace strata::meta::postgres::internal
