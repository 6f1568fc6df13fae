// The objects table as the store's methods see it: reading, writing and
// deleting object rows, with their chunk references, inside the caller's
// transaction. Shared by the object methods and CompleteMultipartUpload,
// which writes its object exactly as PutObject does. Private to meta/sqlite.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "meta/internal/record_codec.h"
#include "meta/list_walker.h"
#include "meta/meta_store.h"
#include "meta/sqlite/internal/connection.h"

// The columns an object record is read from, in ReadObjectRow's order. The
// objects and object_versions tables both have them (0008_versioning.sql).
#define STRATA_SQLITE_OBJECT_COLUMNS                                                          \
  "bucket, key, size, etag, content_type, user_metadata, system_metadata, last_modified_ms, " \
  "storage_class, manifest, inline_data, checksum_algorithm, checksum_value, checksum_type, " \
  "part_sizes, tags, version_id"

namespace strata::meta::sqlite::internal {

// The record in the current row of `row`, selected with
// STRATA_SQLITE_OBJECT_COLUMNS first (delete_marker and is_latest are left to
// the caller). kCorruption as meta::internal::DecodeObjectJson.
common::Result<ObjectRecord> ReadObjectRow(const Statement& row,
                                           meta::internal::OnBadMetadata on_bad_metadata);

// OK when bucket `name` exists, else kNoSuchBucket. Any connection.
common::Status CheckBucketExists(Connection& connection, std::string_view name);

// Whether bucket `name` holds any object, non-current version or delete
// marker. Any connection.
common::Result<bool> BucketHasObjects(Connection& connection, std::string_view name);

// The object at (bucket, key), or nullopt. Any connection.
common::Result<std::optional<ObjectRecord>> FindObject(
    Connection& connection, std::string_view bucket, std::string_view key,
    meta::internal::OnBadMetadata on_bad_metadata);

// PutObject's write (meta_store.h): reads the bucket's versioning
// (kNoSuchBucket), checks `condition` against the current row
// (kPreconditionFailed), applies meta::internal::PlanPut (kInvalidArgument
// for a bad or taken version id): the current row is archived to
// object_versions or replaced, a replaced null version removed; moves chunk
// counts to object.manifest from whatever was replaced
// (meta::internal::ReplaceReferences: kUnavailable, kInvalidArgument), and
// inserts or replaces the row. `encoded` is
// meta::internal::EncodeObject(object, written_chunks), made before taking the
// write lock (nothing in it needs it). On failure rows may have changed: the
// caller must roll back.
// REQUIRES: inside a write transaction on `connection`.
common::Result<MetaStore::PutResult> WriteObject(Connection& connection, const ObjectRecord& object,
                                                 const meta::internal::EncodedObject& encoded,
                                                 const WriteCondition& condition,
                                                 const std::vector<ChunkInfo>& written_chunks,
                                                 int64_t now_ms);

// Deletes the object at (bucket, key) if there is one, dropping its
// references, and returns it (read with meta::internal::OnBadMetadata::kDrop).
// REQUIRES: inside a write transaction on `connection`.
common::Result<std::optional<ObjectRecord>> RemoveObject(Connection& connection,
                                                         std::string_view bucket,
                                                         std::string_view key, int64_t now_ms);

// ListCursor over one bucket's objects. REQUIRES: `connection` is inside a
// read transaction for the cursor's whole life (one snapshot per page), and
// outlives it.
class ObjectListCursor : public ListCursor {
 public:
  ObjectListCursor(Connection& connection, std::string_view bucket)
      : connection_(connection), bucket_(bucket) {}

  common::Status Seek(std::string_view lower, bool inclusive) override;
  common::Result<bool> Next() override;
  std::string_view key() const override;
  common::Result<ObjectRecord> Record() override;

 private:
  Connection& connection_;
  const std::string bucket_;
  std::optional<Statement> scan_;
};

}  // namespace strata::meta::sqlite::internal
