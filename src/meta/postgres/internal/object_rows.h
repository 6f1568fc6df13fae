// The objects table as the store's methods see it: reading, writing and
// deleting object rows, with their chunk references, inside the caller's
// transaction. Shared by the object methods and CompleteMultipartUpload. The
// same rules as meta/sqlite/internal/object_rows.h. The objects row is a
// key's current object; its other versions live in object_versions
// (version_rows.h, migration 0008). Private to meta/postgres.
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
#include "meta/postgres/internal/connection.h"

namespace strata::meta::postgres::internal {

// The object columns, in the order ReadObject reads them. object_versions has
// the same columns (and seq, delete_marker besides).
#define STRATA_PG_OBJECT_COLUMNS(p)                                                     \
  p "bucket, " p "key, " p "size, " p "etag, " p "content_type, " p "user_metadata, " p \
    "system_metadata, " p "last_modified_ms, " p "storage_class, " p "manifest, " p     \
    "inline_data, " p "checksum_algorithm, " p "checksum_value, " p "checksum_type, " p \
    "part_sizes, " p "tags, " p "version_id"
// How many columns STRATA_PG_OBJECT_COLUMNS names.
inline constexpr int kObjectColumns = 17;

// The record in columns 0 .. kObjectColumns - 1 of `row` (is_latest true,
// delete_marker false). With kFail, kCorruption for a row that cannot be
// decoded; with kDrop what cannot be decoded is left empty.
common::Result<ObjectRecord> ReadObject(const Rows& rows, int row,
                                        meta::internal::OnBadMetadata on_bad_metadata);

// OK when bucket `name` exists, else kNoSuchBucket.
common::Status CheckBucketExists(Connection& connection, std::string_view name);

// Whether bucket `name` holds any object, non-current version or delete
// marker.
common::Result<bool> BucketHasObjects(Connection& connection, std::string_view name);

// The bucket (its existence and versioning state) and the current object at
// (bucket, key), read in one statement (one snapshot, one round trip).
struct ObjectLookup {
  bool bucket_exists = false;
  Versioning versioning = Versioning::kUnversioned;
  std::optional<ObjectRecord> object;
};
common::Result<ObjectLookup> LookupObject(Connection& connection, std::string_view bucket,
                                          std::string_view key,
                                          meta::internal::OnBadMetadata on_bad_metadata);

// PutObject's write (meta_store.h, versioning included): checks `condition`
// against lookup.object (the current row as the transaction read it;
// kPreconditionFailed), then carries out meta::internal::PlanPut's plan
// (version_rules.h): keeps the current row as a non-current version, or
// replaces it (or the key's null version) for good, moving chunk counts from
// the replaced version's manifest to object.manifest
// (meta::internal::ReplaceReferences), and inserts or replaces the objects
// row. kInvalidArgument for a version id that is not valid or that the key
// already has (versioning enabled). On failure rows may have changed: the
// caller must roll back.
// REQUIRES: inside a write transaction on `connection` that read `lookup`
// with LookupObject(..., kDrop); the bucket exists. `encoded` is
// meta::internal::EncodeObject(object, written_chunks).
common::Result<MetaStore::PutResult> WriteObject(Connection& connection, const ObjectRecord& object,
                                                 const meta::internal::EncodedObject& encoded,
                                                 const WriteCondition& condition,
                                                 ObjectLookup lookup,
                                                 const std::vector<ChunkInfo>& written_chunks,
                                                 int64_t now_ms);

// DeleteObject's write: removes the object's row and its chunk references;
// returns the row (read leniently, OnBadMetadata::kDrop), or nullopt when
// there was none. REQUIRES: inside a write transaction on `connection`.
common::Result<std::optional<ObjectRecord>> RemoveObject(Connection& connection,
                                                         std::string_view bucket,
                                                         std::string_view key, int64_t now_ms);

// ListCursor over one bucket's objects. Each seek runs one range query on the
// (bucket, key) primary key; rows arrive in batches that start small (a seek
// after a common prefix often needs one row) and double while the walk keeps
// reading. REQUIRES: `connection` is inside a snapshot transaction for the
// cursor's whole life, and outlives it.
class ObjectListCursor : public ListCursor {
 public:
  ObjectListCursor(Connection& connection, std::string_view bucket)
      : connection_(connection), bucket_(bucket) {}

  common::Status Seek(std::string_view lower, bool inclusive) override;
  common::Result<bool> Next() override;
  std::string_view key() const override;
  common::Result<ObjectRecord> Record() override;

 private:
  common::Status Fetch(std::string_view sql, std::string_view bound, int64_t limit);

  Connection& connection_;
  const std::string bucket_;
  Rows rows_;
  int row_ = -1;
  int64_t batch_ = 0;
  bool more_ = false;  // the last batch was full: rows may follow it
};

}  // namespace strata::meta::postgres::internal
