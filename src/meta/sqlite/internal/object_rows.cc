#include "meta/sqlite/internal/object_rows.h"

#include <utility>

#include "meta/internal/record_checks.h"
#include "meta/internal/store_errors.h"
#include "meta/internal/version_rules.h"
#include "meta/metadata_json.h"
#include "meta/sqlite/internal/chunk_refs.h"
#include "meta/sqlite/internal/version_rows.h"

namespace strata::meta::sqlite::internal {
namespace {

using meta::internal::OnBadMetadata;

#define STRATA_OBJECT_COLUMNS STRATA_SQLITE_OBJECT_COLUMNS

constexpr std::string_view kBucketExists = "SELECT 1 FROM buckets WHERE name = ?1";
// Versions count too: DeleteBucket refuses while any remains (meta_store.h).
constexpr std::string_view kAnyObject =
    "SELECT 1 FROM objects WHERE bucket = ?1"
    " UNION ALL SELECT 1 FROM object_versions WHERE bucket = ?1 LIMIT 1";
constexpr std::string_view kSelectObject =
    "SELECT " STRATA_OBJECT_COLUMNS " FROM objects WHERE bucket = ?1 AND key = ?2";
// Insert-or-replace in place (not INSERT OR REPLACE, which deletes the row
// first and would fire ON DELETE actions of future child tables).
constexpr std::string_view kUpsertObject =
    "INSERT INTO objects (" STRATA_OBJECT_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
    " ON CONFLICT (bucket, key) DO UPDATE SET size = excluded.size, etag = excluded.etag,"
    " content_type = excluded.content_type, user_metadata = excluded.user_metadata,"
    " system_metadata = excluded.system_metadata,"
    " last_modified_ms = excluded.last_modified_ms, storage_class = excluded.storage_class,"
    " manifest = excluded.manifest, inline_data = excluded.inline_data,"
    " checksum_algorithm = excluded.checksum_algorithm,"
    " checksum_value = excluded.checksum_value, checksum_type = excluded.checksum_type,"
    " part_sizes = excluded.part_sizes, tags = excluded.tags, version_id = excluded.version_id";
constexpr std::string_view kDeleteObject = "DELETE FROM objects WHERE bucket = ?1 AND key = ?2";
// Listing seeks: both walk the (bucket, key) primary-key index from the bound,
// in key order, with no sort step; rows are produced lazily as stepped.
constexpr std::string_view kSeekInclusive = "SELECT " STRATA_OBJECT_COLUMNS
                                            " FROM objects WHERE bucket = ?1 AND key >= ?2"
                                            " ORDER BY key";
constexpr std::string_view kSeekExclusive = "SELECT " STRATA_OBJECT_COLUMNS
                                            " FROM objects WHERE bucket = ?1 AND key > ?2"
                                            " ORDER BY key";
#undef STRATA_OBJECT_COLUMNS

}  // namespace

common::Result<ObjectRecord> ReadObjectRow(const Statement& row, OnBadMetadata on_bad_metadata) {
  ObjectRecord record;
  record.bucket = row.ColumnText(0);
  record.key = row.ColumnText(1);
  record.size = static_cast<uint64_t>(row.ColumnInt(2));  // CHECK (size >= 0)
  record.etag = row.ColumnText(3);
  record.content_type = row.ColumnText(4);
  record.last_modified_ms = row.ColumnInt(7);
  record.storage_class = row.ColumnText(8);
  record.inline_data = row.ColumnBlob(10);  // NULL reads as ""
  record.version_id = row.ColumnText(16);
  record.checksum = {.algorithm = std::string(row.ColumnText(11)),
                     .value = std::string(row.ColumnText(12)),
                     .type = std::string(row.ColumnText(13))};
  STRATA_RETURN_IF_ERROR(meta::internal::DecodeObjectJson({.user_metadata = row.ColumnText(5),
                                                           .system_metadata = row.ColumnText(6),
                                                           .manifest = row.ColumnText(9),
                                                           .part_sizes = row.ColumnText(14),
                                                           .tags = row.ColumnText(15)},
                                                          on_bad_metadata, record));
  return record;
}

common::Status CheckBucketExists(Connection& connection, std::string_view name) {
  STRATA_ASSIGN_OR_RETURN(Statement select, connection.Prepare(kBucketExists));
  select.Bind(1, name);
  STRATA_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return meta::internal::NoSuchBucket(name);
  return common::Status::Ok();
}

common::Result<bool> BucketHasObjects(Connection& connection, std::string_view name) {
  STRATA_ASSIGN_OR_RETURN(Statement any, connection.Prepare(kAnyObject));
  any.Bind(1, name);
  return any.Step();
}

common::Result<std::optional<ObjectRecord>> FindObject(Connection& connection,
                                                       std::string_view bucket,
                                                       std::string_view key,
                                                       OnBadMetadata on_bad_metadata) {
  STRATA_ASSIGN_OR_RETURN(Statement select, connection.Prepare(kSelectObject));
  select.Bind(1, bucket);
  select.Bind(2, key);
  STRATA_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return std::optional<ObjectRecord>();
  STRATA_ASSIGN_OR_RETURN(ObjectRecord record, ReadObjectRow(select, on_bad_metadata));
  return std::optional<ObjectRecord>(std::move(record));
}

common::Result<MetaStore::PutResult> WriteObject(Connection& connection, const ObjectRecord& object,
                                                 const meta::internal::EncodedObject& encoded,
                                                 const WriteCondition& condition,
                                                 const std::vector<ChunkInfo>& written_chunks,
                                                 int64_t now_ms) {
  STRATA_ASSIGN_OR_RETURN(Versioning versioning, ReadVersioning(connection, object.bucket));
  STRATA_ASSIGN_OR_RETURN(std::optional<ObjectRecord> current,
                          FindObject(connection, object.bucket, object.key, OnBadMetadata::kDrop));
  // Only the current object counts: a key whose latest version is a delete
  // marker has none.
  STRATA_RETURN_IF_ERROR(meta::internal::CheckCondition(condition, current));
  std::optional<std::string> current_id;
  if (current) current_id = current->version_id;
  STRATA_ASSIGN_OR_RETURN(meta::internal::VersionPlan plan,
                          meta::internal::PlanPut(versioning, object.version_id, current_id));
  if (versioning == Versioning::kEnabled) {
    STRATA_ASSIGN_OR_RETURN(
        bool taken, VersionIdExists(connection, object.bucket, object.key, plan.version_id));
    if (taken) return meta::internal::VersionIdInUse(object.key, plan.version_id);
  }
  // The new references are added before any are dropped (here for a
  // replaced current object, below for a replaced null version), so a chunk
  // both use never passes through 0.
  STRATA_ASSIGN_OR_RETURN(meta::internal::ReplacedReferences references,
                          ReplaceReferences(connection, object.manifest, encoded.manifest,
                                            plan.replace_current ? &current->manifest : nullptr,
                                            written_chunks, now_ms));
  if (plan.archive_current) {
    STRATA_RETURN_IF_ERROR(ArchiveCurrent(connection, object.bucket, object.key));
  }
  std::optional<ObjectRecord> replaced;
  if (plan.replace_current) replaced = std::move(current);
  if (plan.remove_null_version) {
    STRATA_ASSIGN_OR_RETURN(replaced,
                            RemoveVersion(connection, object.bucket, object.key, "", now_ms));
  }
  STRATA_ASSIGN_OR_RETURN(Statement upsert, connection.Prepare(kUpsertObject));
  upsert.Bind(1, object.bucket);
  upsert.Bind(2, object.key);
  upsert.Bind(3, static_cast<int64_t>(object.size));  // EncodeObject checked it fits
  upsert.Bind(4, object.etag);
  upsert.Bind(5, object.content_type);
  upsert.Bind(6, encoded.user_metadata);
  upsert.Bind(7, encoded.system_metadata);
  upsert.Bind(8, object.last_modified_ms);
  upsert.Bind(9, object.storage_class);
  upsert.Bind(10, references.manifest_json);
  if (object.inline_data.empty()) {
    upsert.BindNull(11);
  } else {
    upsert.BindBlob(11, object.inline_data);
  }
  upsert.Bind(12, object.checksum.algorithm);
  upsert.Bind(13, object.checksum.value);
  upsert.Bind(14, object.checksum.type);
  upsert.Bind(15, encoded.part_sizes);
  upsert.Bind(16, encoded.tags);
  upsert.Bind(17, plan.version_id);
  STRATA_RETURN_IF_ERROR(upsert.Run());
  return MetaStore::PutResult{.replaced = std::move(replaced),
                              .unused_chunks = std::move(references.unused_chunks),
                              .version_id = std::move(plan.version_id)};
}

common::Result<std::optional<ObjectRecord>> RemoveObject(Connection& connection,
                                                         std::string_view bucket,
                                                         std::string_view key, int64_t now_ms) {
  STRATA_ASSIGN_OR_RETURN(std::optional<ObjectRecord> removed,
                          FindObject(connection, bucket, key, OnBadMetadata::kDrop));
  if (!removed) return removed;
  {
    STRATA_ASSIGN_OR_RETURN(Statement del, connection.Prepare(kDeleteObject));
    del.Bind(1, bucket);
    del.Bind(2, key);
    STRATA_RETURN_IF_ERROR(del.Run());
  }
  STRATA_RETURN_IF_ERROR(DropReferences(connection, removed->manifest, now_ms));
  return removed;
}

common::Status ObjectListCursor::Seek(std::string_view lower, bool inclusive) {
  // Release the previous use first: the same cached statement is reused.
  scan_.reset();
  STRATA_ASSIGN_OR_RETURN(Statement scan,
                          connection_.Prepare(inclusive ? kSeekInclusive : kSeekExclusive));
  scan.Bind(1, bucket_);
  scan.Bind(2, lower);
  scan_.emplace(std::move(scan));
  return common::Status::Ok();
}

common::Result<bool> ObjectListCursor::Next() {
  if (!scan_) return false;
  return scan_->Step();
}

std::string_view ObjectListCursor::key() const { return scan_->ColumnText(1); }

common::Result<ObjectRecord> ObjectListCursor::Record() {
  return ReadObjectRow(*scan_, OnBadMetadata::kFail);
}

}  // namespace strata::meta::sqlite::internal
