// The objects table as the store's methods see it: reading, writing and
// deleting object rows, with their chunk references, inside the caller's
// transaction. Shared by the object methods and CompleteMultipartUpload. The
// same rules as meta/sqlite/internal/object_rows.h. Private to meta/postgres.
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

// OK when bucket `name` exists, else kNoSuchBucket.
common::Status CheckBucketExists(Connection& connection, std::string_view name);

// Whether bucket `name` holds any object.
common::Result<bool> BucketHasObjects(Connection& connection, std::string_view name);

// The bucket and the object at (bucket, key), read in one statement (one
// snapshot, one round trip).
struct ObjectLookup {
  bool bucket_exists = false;
  std::optional<ObjectRecord> object;
};
common::Result<ObjectLookup> LookupObject(Connection& connection, std::string_view bucket,
                                          std::string_view key,
                                          meta::internal::OnBadMetadata on_bad_metadata);

// PutObject's write: checks `condition` against `current` (the row as the
// transaction read it; kPreconditionFailed), moves chunk counts from its
// manifest to object.manifest (meta::internal::ReplaceReferences), and inserts
// or replaces the row. On failure rows may have changed: the caller must roll
// back.
// REQUIRES: inside a write transaction on `connection` that read `current`
// with LookupObject(..., kDrop); the bucket exists. `encoded` is
// meta::internal::EncodeObject(object, written_chunks).
common::Result<MetaStore::PutResult> WriteObject(Connection& connection, const ObjectRecord& object,
                                                 const meta::internal::EncodedObject& encoded,
                                                 const WriteCondition& condition,
                                                 std::optional<ObjectRecord> current,
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
