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
#include "meta/list_walker.h"
#include "meta/meta_store.h"
#include "meta/sqlite/internal/connection.h"

namespace strata::meta::sqlite::internal {

// kNoSuchBucket naming `name`.
common::Status NoSuchBucket(std::string_view name);

// OK when bucket `name` exists, else kNoSuchBucket. Any connection.
common::Status CheckBucketExists(Connection& connection, std::string_view name);

// Whether bucket `name` holds any object. Any connection.
common::Result<bool> BucketHasObjects(Connection& connection, std::string_view name);

// How a row's metadata, manifest or part sizes that cannot be decoded are
// treated.
enum class OnBadMetadata {
  kFail,  // kCorruption: reads must not return a record that lies
  // Empty metadata, manifest and part sizes: a damaged row must stay
  // replaceable and removable. A lost manifest cannot release its chunks'
  // references, so they leak, which is the safe way round (no chunk in use is
  // ever collected).
  kDrop,
};

// The object at (bucket, key), or nullopt. Any connection.
common::Result<std::optional<ObjectRecord>> FindObject(Connection& connection,
                                                       std::string_view bucket,
                                                       std::string_view key,
                                                       OnBadMetadata on_bad_metadata);

// An ObjectRecord checked against the rules PutObject enforces
// (sqlite_meta_store.h) and with its JSON columns encoded, ready for
// WriteObject. Made before taking the write lock: nothing in it needs it.
struct EncodedObject {
  std::string user_metadata;
  std::string system_metadata;
  std::string manifest;
  std::string part_sizes;
};

// kInvalidArgument, naming the rule, when `object` or `written_chunks` break
// one of PutObject's rules.
common::Result<EncodedObject> EncodeObject(const ObjectRecord& object,
                                           const std::vector<ChunkInfo>& written_chunks);

// PutObject's write (meta_store.h): checks `condition` against the current
// row (kPreconditionFailed), adds the references of object.manifest
// (internal::AddReferences: kUnavailable, kInvalidArgument), drops the
// replaced row's, and inserts or replaces the row. `encoded` is
// EncodeObject(object, written_chunks). On failure rows may have changed: the
// caller must roll back.
// REQUIRES: inside a write transaction on `connection`; the bucket exists.
common::Result<MetaStore::PutResult> WriteObject(Connection& connection, const ObjectRecord& object,
                                                 const EncodedObject& encoded,
                                                 const WriteCondition& condition,
                                                 const std::vector<ChunkInfo>& written_chunks,
                                                 int64_t now_ms);

// Deletes the object at (bucket, key) if there is one, dropping its
// references, and returns it (read with OnBadMetadata::kDrop).
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
