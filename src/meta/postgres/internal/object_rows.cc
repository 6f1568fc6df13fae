#include "meta/postgres/internal/object_rows.h"

#include <algorithm>
#include <utility>

#include "meta/internal/record_checks.h"
#include "meta/internal/store_errors.h"
#include "meta/internal/version_rules.h"
#include "meta/metadata_json.h"
#include "meta/postgres/internal/chunk_refs.h"
#include "meta/postgres/internal/text_bounds.h"
#include "meta/postgres/internal/version_rows.h"

namespace strata::meta::postgres::internal {
namespace {

using meta::internal::OnBadMetadata;

constexpr std::string_view kBucketExists = "SELECT 1 FROM buckets WHERE name = $1";
constexpr std::string_view kAnyObject =
    "SELECT 1 WHERE EXISTS (SELECT 1 FROM objects WHERE bucket = $1)"
    " OR EXISTS (SELECT 1 FROM object_versions WHERE bucket = $1)";
// One row when the bucket exists; its object columns are NULL when the key
// has no current object. The bucket's versioning state comes last.
constexpr std::string_view kLookupObject =
    "SELECT " STRATA_PG_OBJECT_COLUMNS("o.") ", b.versioning FROM buckets b LEFT JOIN objects o"
    " ON o.bucket = b.name AND o.key = $2 WHERE b.name = $1";
constexpr std::string_view kSelectObject =
    "SELECT " STRATA_PG_OBJECT_COLUMNS("") " FROM objects WHERE bucket = $1 AND key = $2";
// Insert-or-replace in place, as in the SQLite store.
constexpr std::string_view kUpsertObject =
    "INSERT INTO objects (" STRATA_PG_OBJECT_COLUMNS(
        "") ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
            " ON CONFLICT (bucket, key) DO UPDATE SET size = excluded.size,"
            " etag = excluded.etag, content_type = excluded.content_type,"
            " user_metadata = excluded.user_metadata,"
            " system_metadata = excluded.system_metadata,"
            " last_modified_ms = excluded.last_modified_ms,"
            " storage_class = excluded.storage_class, manifest = excluded.manifest,"
            " inline_data = excluded.inline_data,"
            " checksum_algorithm = excluded.checksum_algorithm,"
            " checksum_value = excluded.checksum_value,"
            " checksum_type = excluded.checksum_type, part_sizes = excluded.part_sizes,"
            " tags = excluded.tags, version_id = excluded.version_id";
constexpr std::string_view kDeleteObject = "DELETE FROM objects WHERE bucket = $1 AND key = $2";
// Listing seeks: ranges of the (bucket, key) primary key, in key order.
constexpr std::string_view kSeekInclusive =
    "SELECT " STRATA_PG_OBJECT_COLUMNS("") " FROM objects WHERE bucket = $1 AND key >= $2"
                                           " ORDER BY key LIMIT $3";
constexpr std::string_view kSeekExclusive =
    "SELECT " STRATA_PG_OBJECT_COLUMNS("") " FROM objects WHERE bucket = $1 AND key > $2"
                                           " ORDER BY key LIMIT $3";
constexpr int64_t kFirstBatch = 16;
constexpr int64_t kMaxBatch = 256;

}  // namespace

common::Result<ObjectRecord> ReadObject(const Rows& rows, int row, OnBadMetadata on_bad_metadata) {
  ObjectRecord record;
  record.bucket = rows.Bytes(row, 0);
  record.key = rows.Bytes(row, 1);
  record.size = static_cast<uint64_t>(rows.Int(row, 2));  // CHECK (size >= 0)
  record.etag = rows.Bytes(row, 3);
  record.content_type = rows.Bytes(row, 4);
  record.last_modified_ms = rows.Int(row, 7);
  record.storage_class = rows.Bytes(row, 8);
  record.inline_data = rows.Bytes(row, 10);  // NULL reads as ""
  record.checksum = {.algorithm = std::string(rows.Bytes(row, 11)),
                     .value = std::string(rows.Bytes(row, 12)),
                     .type = std::string(rows.Bytes(row, 13))};
  STRATA_RETURN_IF_ERROR(meta::internal::DecodeObjectJson({.user_metadata = rows.Bytes(row, 5),
                                                           .system_metadata = rows.Bytes(row, 6),
                                                           .manifest = rows.Bytes(row, 9),
                                                           .part_sizes = rows.Bytes(row, 14),
                                                           .tags = rows.Bytes(row, 15)},
                                                          on_bad_metadata, record));
  record.version_id = rows.Bytes(row, 16);
  return record;
}

common::Status CheckBucketExists(Connection& connection, std::string_view name) {
  STRATA_ASSIGN_OR_RETURN(Rows rows, connection.Query(kBucketExists, Params().Text(name)));
  if (rows.empty()) return meta::internal::NoSuchBucket(name);
  return common::Status::Ok();
}

common::Result<bool> BucketHasObjects(Connection& connection, std::string_view name) {
  STRATA_ASSIGN_OR_RETURN(Rows rows, connection.Query(kAnyObject, Params().Text(name)));
  return !rows.empty();
}

common::Result<ObjectLookup> LookupObject(Connection& connection, std::string_view bucket,
                                          std::string_view key, OnBadMetadata on_bad_metadata) {
  STRATA_ASSIGN_OR_RETURN(Rows rows,
                          connection.Query(kLookupObject, Params().Text(bucket).Text(key)));
  ObjectLookup lookup;
  if (rows.empty()) return lookup;
  lookup.bucket_exists = true;
  STRATA_ASSIGN_OR_RETURN(lookup.versioning,
                          meta::internal::ParseVersioning(bucket, rows.Bytes(0, kObjectColumns)));
  if (rows.IsNull(0, 0)) return lookup;
  STRATA_ASSIGN_OR_RETURN(ObjectRecord record, ReadObject(rows, 0, on_bad_metadata));
  lookup.object = std::move(record);
  return lookup;
}

common::Result<MetaStore::PutResult> WriteObject(Connection& connection, const ObjectRecord& object,
                                                 const meta::internal::EncodedObject& encoded,
                                                 const WriteCondition& condition,
                                                 ObjectLookup lookup,
                                                 const std::vector<ChunkInfo>& written_chunks,
                                                 int64_t now_ms) {
  // Only the current object counts: a key whose latest version is a delete
  // marker has none.
  STRATA_RETURN_IF_ERROR(meta::internal::CheckCondition(condition, lookup.object));
  std::optional<std::string> current_id;
  if (lookup.object) current_id = lookup.object->version_id;
  STRATA_ASSIGN_OR_RETURN(
      meta::internal::VersionPlan plan,
      meta::internal::PlanPut(lookup.versioning, object.version_id, current_id));
  if (lookup.versioning == Versioning::kEnabled) {
    STRATA_ASSIGN_OR_RETURN(
        bool taken, VersionIdExists(connection, object.bucket, object.key, plan.version_id));
    if (taken) return meta::internal::VersionIdInUse(object.key, plan.version_id);
  }
  // The version dropped for good (at most one). Its references are dropped
  // by ReplaceReferences after the new ones are added, so a chunk both use
  // never passes through 0.
  std::optional<ObjectRecord> replaced;
  if (plan.replace_current) replaced = std::move(lookup.object);
  if (plan.remove_null_version) {
    STRATA_ASSIGN_OR_RETURN(replaced, TakeVersion(connection, object.bucket, object.key, ""));
  }
  if (plan.archive_current) {
    STRATA_RETURN_IF_ERROR(ArchiveCurrent(connection, object.bucket, object.key).status());
  }
  STRATA_ASSIGN_OR_RETURN(
      meta::internal::ReplacedReferences references,
      ReplaceReferences(connection, object.manifest, encoded.manifest,
                        replaced ? &replaced->manifest : nullptr, written_chunks, now_ms));
  Params params;
  params.Text(object.bucket)
      .Text(object.key)
      .Int(static_cast<int64_t>(object.size))  // EncodeObject checked it fits
      .Text(object.etag)
      .Text(object.content_type)
      .Text(encoded.user_metadata)
      .Text(encoded.system_metadata)
      .Int(object.last_modified_ms)
      .Text(object.storage_class)
      .Text(references.manifest_json);
  if (object.inline_data.empty()) {
    params.NullBytes();
  } else {
    params.Bytes(object.inline_data);
  }
  params.Text(object.checksum.algorithm)
      .Text(object.checksum.value)
      .Text(object.checksum.type)
      .Text(encoded.part_sizes)
      .Text(encoded.tags)
      .Text(plan.version_id);
  STRATA_RETURN_IF_ERROR(connection.Execute(kUpsertObject, params).status());
  return MetaStore::PutResult{.replaced = std::move(replaced),
                              .unused_chunks = std::move(references.unused_chunks),
                              .version_id = std::move(plan.version_id)};
}

common::Result<std::optional<ObjectRecord>> RemoveObject(Connection& connection,
                                                         std::string_view bucket,
                                                         std::string_view key, int64_t now_ms) {
  STRATA_ASSIGN_OR_RETURN(Rows rows,
                          connection.Query(kSelectObject, Params().Text(bucket).Text(key)));
  if (rows.empty()) return std::optional<ObjectRecord>();
  STRATA_ASSIGN_OR_RETURN(ObjectRecord removed, ReadObject(rows, 0, OnBadMetadata::kDrop));
  STRATA_RETURN_IF_ERROR(
      connection.Execute(kDeleteObject, Params().Text(bucket).Text(key)).status());
  STRATA_RETURN_IF_ERROR(DropReferences(connection, removed.manifest, now_ms));
  return std::optional<ObjectRecord>(std::move(removed));
}

common::Status ObjectListCursor::Fetch(std::string_view sql, std::string_view bound,
                                       int64_t limit) {
  STRATA_ASSIGN_OR_RETURN(rows_,
                          connection_.Query(sql, Params().Text(bucket_).Text(bound).Int(limit)));
  row_ = -1;
  more_ = rows_.size() == limit;
  return common::Status::Ok();
}

common::Status ObjectListCursor::Seek(std::string_view lower, bool inclusive) {
  batch_ = kFirstBatch;
  std::optional<std::string> bound = LeastStorableAtLeast(lower);
  if (!bound) {  // no key can be at or above `lower`
    rows_ = Rows();
    row_ = -1;
    more_ = false;
    return common::Status::Ok();
  }
  // A replaced bound is not a key, so ">= bound" is right either way.
  const bool from_bound = inclusive || *bound != lower;
  return Fetch(from_bound ? kSeekInclusive : kSeekExclusive, *bound, batch_);
}

common::Result<bool> ObjectListCursor::Next() {
  if (row_ + 1 < rows_.size()) {
    ++row_;
    return true;
  }
  if (!more_) return false;
  // The batch ran out: continue after its last key, with a larger batch.
  const std::string last(rows_.Bytes(rows_.size() - 1, 1));
  batch_ = std::min(batch_ * 2, kMaxBatch);
  STRATA_RETURN_IF_ERROR(Fetch(kSeekExclusive, last, batch_));
  if (rows_.empty()) return false;
  row_ = 0;
  return true;
}

std::string_view ObjectListCursor::key() const { return rows_.Bytes(row_, 1); }

common::Result<ObjectRecord> ObjectListCursor::Record() {
  return ReadObject(rows_, row_, OnBadMetadata::kFail);
}

}  // namespace strata::meta::postgres::internal
