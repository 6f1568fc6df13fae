#include "meta/sqlite/internal/version_rows.h"

#include <limits>
#include <utility>
#include <vector>

#include "meta/internal/store_errors.h"
#include "meta/internal/version_rules.h"
#include "meta/sqlite/internal/chunk_refs.h"
#include "meta/sqlite/internal/object_rows.h"

namespace strata::meta::sqlite::internal {
namespace {

using meta::internal::OnBadMetadata;

#define STRATA_COLUMNS STRATA_SQLITE_OBJECT_COLUMNS
// Columns 17 and 18 after the record's.
#define STRATA_VERSION_COLUMNS STRATA_COLUMNS ", seq, delete_marker"
constexpr int kSeqColumn = 17;
constexpr int kDeleteMarkerColumn = 18;

constexpr std::string_view kSelectVersioning = "SELECT versioning FROM buckets WHERE name = ?1";
constexpr std::string_view kCurrentHasId =
    "SELECT 1 FROM objects WHERE bucket = ?1 AND key = ?2 AND version_id = ?3";
constexpr std::string_view kSelectVersion = "SELECT " STRATA_VERSION_COLUMNS
                                            " FROM object_versions"
                                            " WHERE bucket = ?1 AND key = ?2 AND version_id = ?3";
constexpr std::string_view kSelectNewest =
    "SELECT seq, delete_marker FROM object_versions WHERE bucket = ?1 AND key = ?2"
    " ORDER BY seq DESC LIMIT 1";
// The key's newest row gets seq 0 when it is the first: -1 + 1.
#define STRATA_NEXT_SEQ \
  "COALESCE((SELECT MAX(seq) FROM object_versions WHERE bucket = ?1 AND key = ?2), -1) + 1"
// Copies the JSON columns as they are: the version keeps its references.
constexpr std::string_view kArchiveCurrent =
    "INSERT INTO object_versions (" STRATA_VERSION_COLUMNS ") SELECT " STRATA_COLUMNS
    ", " STRATA_NEXT_SEQ ", 0 FROM objects WHERE bucket = ?1 AND key = ?2";
constexpr std::string_view kDeleteCurrent = "DELETE FROM objects WHERE bucket = ?1 AND key = ?2";
constexpr std::string_view kInsertMarker =
    "INSERT INTO object_versions (" STRATA_VERSION_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, NULL, ?11, ?12, ?13, ?14, ?15, "
    "?16, " STRATA_NEXT_SEQ ", 1)";
constexpr std::string_view kPromote =
    "INSERT INTO objects (" STRATA_COLUMNS ") SELECT " STRATA_COLUMNS
    " FROM object_versions WHERE bucket = ?1 AND key = ?2 AND seq = ?3";
constexpr std::string_view kDeleteVersionRow =
    "DELETE FROM object_versions WHERE bucket = ?1 AND key = ?2 AND seq = ?3";
constexpr std::string_view kOlderVersions = "SELECT " STRATA_VERSION_COLUMNS
                                            " FROM object_versions"
                                            " WHERE bucket = ?1 AND key = ?2 AND seq < ?3"
                                            " ORDER BY seq DESC LIMIT ?4";
// NextKey's two seeks, one per table: each the first entry of a primary-key
// range (bucket, key), so one index probe however many versions a key has.
constexpr std::string_view kFirstObjectKeyFrom =
    "SELECT key FROM objects WHERE bucket = ?1 AND key >= ?2 ORDER BY key LIMIT 1";
constexpr std::string_view kFirstObjectKeyAfter =
    "SELECT key FROM objects WHERE bucket = ?1 AND key > ?2 ORDER BY key LIMIT 1";
constexpr std::string_view kFirstVersionKeyFrom =
    "SELECT key FROM object_versions WHERE bucket = ?1 AND key >= ?2 ORDER BY key LIMIT 1";
constexpr std::string_view kFirstVersionKeyAfter =
    "SELECT key FROM object_versions WHERE bucket = ?1 AND key > ?2 ORDER BY key LIMIT 1";
#undef STRATA_NEXT_SEQ
#undef STRATA_VERSION_COLUMNS
#undef STRATA_COLUMNS

common::Result<StoredVersion> ReadVersionRow(const Statement& row, OnBadMetadata on_bad_metadata) {
  STRATA_ASSIGN_OR_RETURN(ObjectRecord record, ReadObjectRow(row, on_bad_metadata));
  record.delete_marker = row.ColumnInt(kDeleteMarkerColumn) != 0;
  return StoredVersion{.record = std::move(record), .seq = row.ColumnInt(kSeqColumn)};
}

// The first key >= (or >) `lower` of the bucket in the table `sql` reads, or
// nullopt.
common::Result<std::optional<std::string>> FirstKey(Connection& connection, std::string_view sql,
                                                    std::string_view bucket,
                                                    std::string_view lower) {
  STRATA_ASSIGN_OR_RETURN(Statement select, connection.Prepare(sql));
  select.Bind(1, bucket);
  select.Bind(2, lower);
  STRATA_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return std::optional<std::string>();
  return std::optional<std::string>(select.ColumnText(0));
}

struct Newest {
  int64_t seq = 0;
  bool delete_marker = false;
};

common::Result<std::optional<Newest>> SelectNewest(Connection& connection, std::string_view bucket,
                                                   std::string_view key) {
  STRATA_ASSIGN_OR_RETURN(Statement select, connection.Prepare(kSelectNewest));
  select.Bind(1, bucket);
  select.Bind(2, key);
  STRATA_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return std::optional<Newest>();
  return std::optional<Newest>(
      Newest{.seq = select.ColumnInt(0), .delete_marker = select.ColumnInt(1) != 0});
}

common::Status RunOnKey(Connection& connection, std::string_view sql, std::string_view bucket,
                        std::string_view key) {
  STRATA_ASSIGN_OR_RETURN(Statement statement, connection.Prepare(sql));
  statement.Bind(1, bucket);
  statement.Bind(2, key);
  return statement.Run();
}

common::Status RunOnSeq(Connection& connection, std::string_view sql, std::string_view bucket,
                        std::string_view key, int64_t seq) {
  STRATA_ASSIGN_OR_RETURN(Statement statement, connection.Prepare(sql));
  statement.Bind(1, bucket);
  statement.Bind(2, key);
  statement.Bind(3, seq);
  return statement.Run();
}

}  // namespace

common::Result<Versioning> ReadVersioning(Connection& connection, std::string_view bucket) {
  STRATA_ASSIGN_OR_RETURN(Statement select, connection.Prepare(kSelectVersioning));
  select.Bind(1, bucket);
  STRATA_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return meta::internal::NoSuchBucket(bucket);
  return meta::internal::ParseVersioning(bucket, select.ColumnText(0));
}

common::Result<bool> VersionIdExists(Connection& connection, std::string_view bucket,
                                     std::string_view key, std::string_view version_id) {
  {
    STRATA_ASSIGN_OR_RETURN(Statement select, connection.Prepare(kCurrentHasId));
    select.Bind(1, bucket);
    select.Bind(2, key);
    select.Bind(3, version_id);
    STRATA_ASSIGN_OR_RETURN(bool found, select.Step());
    if (found) return true;
  }
  STRATA_ASSIGN_OR_RETURN(std::optional<StoredVersion> version,
                          FindVersion(connection, bucket, key, version_id, OnBadMetadata::kDrop));
  return version.has_value();
}

common::Result<std::optional<StoredVersion>> FindVersion(Connection& connection,
                                                         std::string_view bucket,
                                                         std::string_view key,
                                                         std::string_view version_id,
                                                         OnBadMetadata on_bad_metadata) {
  STRATA_ASSIGN_OR_RETURN(Statement select, connection.Prepare(kSelectVersion));
  select.Bind(1, bucket);
  select.Bind(2, key);
  select.Bind(3, version_id);
  STRATA_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return std::optional<StoredVersion>();
  STRATA_ASSIGN_OR_RETURN(StoredVersion version, ReadVersionRow(select, on_bad_metadata));
  return std::optional<StoredVersion>(std::move(version));
}

common::Status ArchiveCurrent(Connection& connection, std::string_view bucket,
                              std::string_view key) {
  STRATA_RETURN_IF_ERROR(RunOnKey(connection, kArchiveCurrent, bucket, key));
  return RunOnKey(connection, kDeleteCurrent, bucket, key);
}

common::Status InsertDeleteMarker(Connection& connection, const ObjectRecord& marker) {
  // Encoded as any record, so a marker reads back through the same decoder.
  STRATA_ASSIGN_OR_RETURN(meta::internal::EncodedObject encoded,
                          meta::internal::EncodeObject(marker, {}));
  STRATA_ASSIGN_OR_RETURN(
      bool taken, VersionIdExists(connection, marker.bucket, marker.key, marker.version_id));
  if (taken) return meta::internal::VersionIdInUse(marker.key, marker.version_id);
  STRATA_ASSIGN_OR_RETURN(Statement insert, connection.Prepare(kInsertMarker));
  insert.Bind(1, marker.bucket);
  insert.Bind(2, marker.key);
  insert.Bind(3, static_cast<int64_t>(marker.size));
  insert.Bind(4, marker.etag);
  insert.Bind(5, marker.content_type);
  insert.Bind(6, encoded.user_metadata);
  insert.Bind(7, encoded.system_metadata);
  insert.Bind(8, marker.last_modified_ms);
  insert.Bind(9, marker.storage_class);
  insert.Bind(10, encoded.manifest);
  insert.Bind(11, marker.checksum.algorithm);
  insert.Bind(12, marker.checksum.value);
  insert.Bind(13, marker.checksum.type);
  insert.Bind(14, encoded.part_sizes);
  insert.Bind(15, encoded.tags);
  insert.Bind(16, marker.version_id);
  return insert.Run();
}

common::Result<std::optional<ObjectRecord>> RemoveVersion(Connection& connection,
                                                          std::string_view bucket,
                                                          std::string_view key,
                                                          std::string_view version_id,
                                                          int64_t now_ms) {
  STRATA_ASSIGN_OR_RETURN(std::optional<StoredVersion> version,
                          FindVersion(connection, bucket, key, version_id, OnBadMetadata::kDrop));
  if (!version) return std::optional<ObjectRecord>();
  STRATA_RETURN_IF_ERROR(RunOnSeq(connection, kDeleteVersionRow, bucket, key, version->seq));
  STRATA_RETURN_IF_ERROR(DropReferences(connection, version->record.manifest, now_ms));
  version->record.is_latest = false;
  return std::optional<ObjectRecord>(std::move(version->record));
}

common::Status PromoteNewestVersion(Connection& connection, std::string_view bucket,
                                    std::string_view key) {
  STRATA_ASSIGN_OR_RETURN(std::optional<ObjectRecord> current,
                          FindObject(connection, bucket, key, OnBadMetadata::kDrop));
  STRATA_ASSIGN_OR_RETURN(std::optional<Newest> newest, SelectNewest(connection, bucket, key));
  std::optional<bool> newest_is_marker;
  if (newest) newest_is_marker = newest->delete_marker;
  if (!meta::internal::PromoteNewest(current.has_value(), newest_is_marker)) {
    return common::Status::Ok();
  }
  STRATA_RETURN_IF_ERROR(RunOnSeq(connection, kPromote, bucket, key, newest->seq));
  return RunOnSeq(connection, kDeleteVersionRow, bucket, key, newest->seq);
}

common::Result<std::optional<int64_t>> NewestSeq(Connection& connection, std::string_view bucket,
                                                 std::string_view key) {
  STRATA_ASSIGN_OR_RETURN(std::optional<Newest> newest, SelectNewest(connection, bucket, key));
  if (!newest) return std::optional<int64_t>();
  return std::optional<int64_t>(newest->seq);
}

common::Status SqliteVersionCursor::SeekKey(std::string_view lower, bool inclusive) {
  lower_ = lower;
  inclusive_ = inclusive;
  return common::Status::Ok();
}

common::Result<bool> SqliteVersionCursor::NextKey() {
  STRATA_ASSIGN_OR_RETURN(
      std::optional<std::string> object_key,
      FirstKey(connection_, inclusive_ ? kFirstObjectKeyFrom : kFirstObjectKeyAfter, bucket_,
               lower_));
  STRATA_ASSIGN_OR_RETURN(
      std::optional<std::string> version_key,
      FirstKey(connection_, inclusive_ ? kFirstVersionKeyFrom : kFirstVersionKeyAfter, bucket_,
               lower_));
  if (!object_key && !version_key) return false;
  // The smaller of the two: a key in both tables is one key.
  if (!version_key || (object_key && *object_key < *version_key)) {
    key_ = *std::move(object_key);
  } else {
    key_ = *std::move(version_key);
  }
  lower_ = key_;
  inclusive_ = false;
  return true;
}

common::Result<std::vector<ObjectRecord>> SqliteVersionCursor::Versions(
    const std::optional<std::string>& after_version_id, size_t limit) {
  std::vector<ObjectRecord> versions;
  STRATA_ASSIGN_OR_RETURN(std::optional<ObjectRecord> current,
                          FindObject(connection_, bucket_, key_, OnBadMetadata::kFail));
  const bool has_current = current.has_value();
  // Where the object_versions rows start: every one, or those older than
  // the marked version.
  int64_t below = std::numeric_limits<int64_t>::max();
  bool with_current = has_current;
  if (after_version_id) {
    with_current = false;
    if (!has_current || current->version_id != *after_version_id) {
      STRATA_ASSIGN_OR_RETURN(
          std::optional<StoredVersion> marked,
          FindVersion(connection_, bucket_, key_, *after_version_id, OnBadMetadata::kDrop));
      if (!marked) return versions;  // names no version: the walk moves on
      below = marked->seq;
    }
  }
  if (with_current && limit > 0) {
    current->manifest.clear();
    current->inline_data.clear();
    versions.push_back(*std::move(current));
  }
  if (versions.size() >= limit) return versions;
  STRATA_ASSIGN_OR_RETURN(Statement select, connection_.Prepare(kOlderVersions));
  select.Bind(1, bucket_);
  select.Bind(2, key_);
  select.Bind(3, below);
  select.Bind(4, SqlLimit(limit - versions.size()));
  // Without an objects row, the newest object_versions row is the latest.
  bool first_is_latest = !has_current && !after_version_id;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    STRATA_ASSIGN_OR_RETURN(StoredVersion version, ReadVersionRow(select, OnBadMetadata::kFail));
    version.record.is_latest = first_is_latest;
    first_is_latest = false;
    version.record.manifest.clear();
    version.record.inline_data.clear();
    versions.push_back(std::move(version.record));
  }
  return versions;
}

}  // namespace strata::meta::sqlite::internal
