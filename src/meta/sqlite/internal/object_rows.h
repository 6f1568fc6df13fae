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

namespace strata::meta::sqlite::internal {

// OK when bucket `name` exists, else kNoSuchBucket. Any connection.
common::Status CheckBucketExists(Connection& connection, std::string_view name);

// Whether bucket `name` holds any object. Any connection.
common::Result<bool> BucketHasObjects(Connection& connection, std::string_view name);

// The object at (bucket, key), or nullopt. Any connection.
common::Result<std::optional<ObjectRecord>> FindObject(
    Connection& connection, std::string_view bucket, std::string_view key,
    meta::internal::OnBadMetadata on_bad_metadata);

// PutObject's write (meta_store.h): checks `condition` against the current
// row (kPreconditionFailed), moves chunk counts from the replaced row's
// manifest to object.manifest (meta::internal::ReplaceReferences:
// kUnavailable, kInvalidArgument), and inserts or replaces the row. `encoded` is
// meta::internal::EncodeObject(object, written_chunks), made before taking the
// write lock (nothing in it needs it). On failure rows may have changed: the
// caller must roll back.
// REQUIRES: inside a write transaction on `connection`; the bucket exists.
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
