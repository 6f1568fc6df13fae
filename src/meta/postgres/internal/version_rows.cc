#include "meta/postgres/internal/version_rows.h"

#include <string>
#include <utility>

#include "meta/internal/version_rules.h"
#include "meta/postgres/internal/object_rows.h"
#include "meta/postgres/internal/text_bounds.h"

namespace strata::meta::postgres::internal {
namespace {

using common::Code;
using common::Error;
using meta::internal::OnBadMetadata;

#define STRATA_PG_VERSION_COLUMNS STRATA_PG_OBJECT_COLUMNS("") ", seq, delete_marker"
// The key's next seq: one above its newest object_versions row, 0 for the
// first (version_rules.h).
#define STRATA_PG_NEXT_SEQ \
  "COALESCE((SELECT MAX(seq) FROM object_versions WHERE bucket = $1 AND key = $2), -1) + 1"

constexpr std::string_view kVersionIdExists =
    "SELECT 1 FROM objects WHERE bucket = $1 AND key = $2 AND version_id = $3"
    " UNION ALL SELECT 1 FROM object_versions WHERE bucket = $1 AND key = $2 AND version_id = $3";
// One statement, so the row is never in both tables or in neither.
constexpr std::string_view kArchiveCurrent =
    "WITH moved AS (DELETE FROM objects WHERE bucket = $1 AND key = $2"
    " RETURNING " STRATA_PG_OBJECT_COLUMNS("") ")"
    " INSERT INTO object_versions (" STRATA_PG_VERSION_COLUMNS ")"
    " SELECT " STRATA_PG_OBJECT_COLUMNS("") ", " STRATA_PG_NEXT_SEQ ", 0 FROM moved";
// A marker's columns are fixed (meta_store.h); the JSON ones are the
// encodings of empty values, passed in so they match EncodeObject's.
constexpr std::string_view kInsertMarker =
    "INSERT INTO object_versions (" STRATA_PG_VERSION_COLUMNS
    ") VALUES ($1, $2, 0, '', '', $3, $4, $5, 'STANDARD', $6, NULL, '', '', '', $7, $8, "
    "$9, " STRATA_PG_NEXT_SEQ ", 1)";
// The version with an id, and the key's newest seq (is it the latest?).
constexpr std::string_view kSelectVersion =
    "SELECT " STRATA_PG_VERSION_COLUMNS
    ", (SELECT MAX(seq) FROM object_versions WHERE bucket = $1 AND key = $2)"
    " FROM object_versions WHERE bucket = $1 AND key = $2 AND version_id = $3";
constexpr std::string_view kTakeVersion =
    "DELETE FROM object_versions WHERE bucket = $1 AND key = $2 AND version_id = $3"
    " RETURNING " STRATA_PG_VERSION_COLUMNS;
constexpr std::string_view kNewestVersion =
    "SELECT seq, delete_marker FROM object_versions WHERE bucket = $1 AND key = $2"
    " ORDER BY seq DESC LIMIT 1";
constexpr std::string_view kPromoteVersion =
    "WITH moved AS (DELETE FROM object_versions WHERE bucket = $1 AND key = $2 AND seq = $3"
    " RETURNING " STRATA_PG_OBJECT_COLUMNS("") ")"
    " INSERT INTO objects (" STRATA_PG_OBJECT_COLUMNS("") ")"
    " SELECT " STRATA_PG_OBJECT_COLUMNS("") " FROM moved";
constexpr std::string_view kSetCurrentTags =
    "UPDATE objects SET tags = $4 WHERE bucket = $1 AND key = $2 AND version_id = $3";
constexpr std::string_view kSetVersionTags =
    "UPDATE object_versions SET tags = $4 WHERE bucket = $1 AND key = $2 AND version_id = $3";
// Every object_versions row is non-current except a latest delete marker,
// which counts as a marker only. Markers have size 0.
constexpr std::string_view kVersionStats =
    "SELECT CAST(COALESCE(SUM(1 - delete_marker), 0) AS BIGINT),"
    " CAST(COALESCE(SUM(size), 0) AS BIGINT),"
    " CAST(COALESCE(SUM(delete_marker), 0) AS BIGINT) FROM object_versions";
#undef STRATA_PG_NEXT_SEQ
#undef STRATA_PG_VERSION_COLUMNS

}  // namespace

common::Result<bool> VersionIdExists(Connection& connection, std::string_view bucket,
                                     std::string_view key, std::string_view version_id) {
  if (!IsStorableText(version_id)) return false;
  STRATA_ASSIGN_OR_RETURN(
      Rows rows,
      connection.Query(kVersionIdExists, Params().Text(bucket).Text(key).Text(version_id)));
  return !rows.empty();
}

common::Result<bool> ArchiveCurrent(Connection& connection, std::string_view bucket,
                                    std::string_view key) {
  STRATA_ASSIGN_OR_RETURN(int64_t moved,
                          connection.Execute(kArchiveCurrent, Params().Text(bucket).Text(key)));
  return moved > 0;
}

common::Status InsertDeleteMarker(Connection& connection, const ObjectRecord& marker) {
  STRATA_ASSIGN_OR_RETURN(meta::internal::EncodedObject encoded,
                          meta::internal::EncodeObject(marker, {}));
  return connection
      .Execute(kInsertMarker, Params()
                                  .Text(marker.bucket)
                                  .Text(marker.key)
                                  .Text(encoded.user_metadata)
                                  .Text(encoded.system_metadata)
                                  .Int(marker.last_modified_ms)
                                  .Text(encoded.manifest)
                                  .Text(encoded.part_sizes)
                                  .Text(encoded.tags)
                                  .Text(marker.version_id))
      .status();
}

common::Result<VersionLookup> FindVersion(Connection& connection, std::string_view bucket,
                                          std::string_view key, std::string_view version_id,
                                          OnBadMetadata on_bad_metadata) {
  STRATA_ASSIGN_OR_RETURN(ObjectLookup object,
                          LookupObject(connection, bucket, key, on_bad_metadata));
  VersionLookup lookup{.bucket_exists = object.bucket_exists,
                       .versioning = object.versioning,
                       .current = std::move(object.object)};
  if (!lookup.bucket_exists) return lookup;
  if (lookup.current && lookup.current->version_id == version_id) {
    lookup.version = lookup.current;
    lookup.is_current = true;
    return lookup;
  }
  if (!IsStorableText(version_id)) return lookup;
  STRATA_ASSIGN_OR_RETURN(
      Rows rows,
      connection.Query(kSelectVersion, Params().Text(bucket).Text(key).Text(version_id)));
  if (rows.empty()) return lookup;
  STRATA_ASSIGN_OR_RETURN(ObjectRecord version, ReadObject(rows, 0, on_bad_metadata));
  version.delete_marker = rows.Int(0, kObjectColumns + 1) != 0;
  // Only the newest row, and only while the key has no current object.
  version.is_latest =
      !lookup.current && rows.Int(0, kObjectColumns) == rows.Int(0, kObjectColumns + 2);
  lookup.version = std::move(version);
  return lookup;
}

common::Result<std::optional<ObjectRecord>> TakeVersion(Connection& connection,
                                                        std::string_view bucket,
                                                        std::string_view key,
                                                        std::string_view version_id) {
  if (!IsStorableText(version_id)) return std::optional<ObjectRecord>();
  STRATA_ASSIGN_OR_RETURN(
      Rows rows, connection.Query(kTakeVersion, Params().Text(bucket).Text(key).Text(version_id)));
  if (rows.empty()) return std::optional<ObjectRecord>();
  STRATA_ASSIGN_OR_RETURN(ObjectRecord taken, ReadObject(rows, 0, OnBadMetadata::kDrop));
  taken.delete_marker = rows.Int(0, kObjectColumns + 1) != 0;
  return std::optional<ObjectRecord>(std::move(taken));
}

common::Status PromoteNewestVersion(Connection& connection, std::string_view bucket,
                                    std::string_view key, bool has_current) {
  STRATA_ASSIGN_OR_RETURN(Rows newest,
                          connection.Query(kNewestVersion, Params().Text(bucket).Text(key)));
  std::optional<bool> newest_is_delete_marker;
  if (!newest.empty()) newest_is_delete_marker = newest.Int(0, 1) != 0;
  if (!meta::internal::PromoteNewest(has_current, newest_is_delete_marker)) {
    return common::Status::Ok();
  }
  return connection.Execute(kPromoteVersion, Params().Text(bucket).Text(key).Int(newest.Int(0, 0)))
      .status();
}

common::Result<int64_t> SetVersionTags(Connection& connection, std::string_view bucket,
                                       std::string_view key, std::string_view version_id,
                                       bool is_current, std::string_view tags) {
  return connection.Execute(is_current ? kSetCurrentTags : kSetVersionTags,
                            Params().Text(bucket).Text(key).Text(version_id).Text(tags));
}

common::Result<VersionStats> ReadVersionStats(Connection& connection) {
  STRATA_ASSIGN_OR_RETURN(Rows rows, connection.Query(kVersionStats));
  if (rows.empty()) return Error(Code::kInternal, "version statistics returned no row");
  return VersionStats{.noncurrent_versions = static_cast<uint64_t>(rows.Int(0, 0)),
                      .noncurrent_bytes = static_cast<uint64_t>(rows.Int(0, 1)),
                      .delete_markers = static_cast<uint64_t>(rows.Int(0, 2))};
}

}  // namespace strata::meta::postgres::internal
