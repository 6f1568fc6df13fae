// The object_versions table (0008_versioning.sql) as the store's methods see
// it: a key's non-current versions and delete markers, ordered by a per-key
// seq (larger is newer), and the moves between it and `objects` that keep
// the invariant "a key's objects row is newer than all its object_versions
// rows". Moving a row between the tables moves no chunk count. All inside the
// caller's transaction. Private to meta/sqlite.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"
#include "meta/internal/record_codec.h"
#include "meta/meta_store.h"
#include "meta/sqlite/internal/connection.h"
#include "meta/version_list_walker.h"

namespace strata::meta::sqlite::internal {

// The bucket's versioning state. kNoSuchBucket; kCorruption for a state this
// code does not know. Any connection.
common::Result<Versioning> ReadVersioning(Connection& connection, std::string_view bucket);

// Whether (bucket, key) has a version `version_id` in either table. Any
// connection.
common::Result<bool> VersionIdExists(Connection& connection, std::string_view bucket,
                                     std::string_view key, std::string_view version_id);

// A row of object_versions.
struct StoredVersion {
  ObjectRecord record;  // delete_marker set; is_latest left true (the caller knows)
  int64_t seq = 0;
};

// The object_versions row of (bucket, key) with this id, or nullopt. Any
// connection.
common::Result<std::optional<StoredVersion>> FindVersion(
    Connection& connection, std::string_view bucket, std::string_view key,
    std::string_view version_id, meta::internal::OnBadMetadata on_bad_metadata);

// Moves the key's objects row, if any, to object_versions as its newest row
// (seq = largest + 1), with its id and references.
// REQUIRES: inside a write transaction on `connection`.
common::Status ArchiveCurrent(Connection& connection, std::string_view bucket,
                              std::string_view key);

// Adds `marker` (MakeDeleteMarker) as the key's newest object_versions row.
// kInvalidArgument when the key already has a row with its id.
// REQUIRES: inside a write transaction on `connection`.
common::Status InsertDeleteMarker(Connection& connection, const ObjectRecord& marker);

// Deletes the key's object_versions row with this id, if any, dropping its
// references, and returns it (read with OnBadMetadata::kDrop).
// REQUIRES: inside a write transaction on `connection`.
common::Result<std::optional<ObjectRecord>> RemoveVersion(Connection& connection,
                                                          std::string_view bucket,
                                                          std::string_view key,
                                                          std::string_view version_id,
                                                          int64_t now_ms);

// After a version was removed: when the key has no objects row and its
// newest object_versions row is an object (meta::internal::PromoteNewest),
// moves that row back into `objects`, where the current object lives.
// REQUIRES: inside a write transaction on `connection`.
common::Status PromoteNewestVersion(Connection& connection, std::string_view bucket,
                                    std::string_view key);

// The seq of the key's newest object_versions row, or nullopt. Any
// connection.
common::Result<std::optional<int64_t>> NewestSeq(Connection& connection, std::string_view bucket,
                                                 std::string_view key);

// VersionCursor over one bucket: the distinct keys of `objects` and
// `object_versions` merged in byte order, two index seeks per key (never a
// scan of the bucket), then per key its objects row followed by its
// object_versions rows by seq descending. REQUIRES: `connection` is inside a
// read transaction for the cursor's whole life (one snapshot per page), and
// outlives it.
class SqliteVersionCursor : public VersionCursor {
 public:
  SqliteVersionCursor(Connection& connection, std::string_view bucket)
      : connection_(connection), bucket_(bucket) {}

  common::Status SeekKey(std::string_view lower, bool inclusive) override;
  common::Result<bool> NextKey() override;
  std::string_view key() const override { return key_; }
  common::Result<std::vector<ObjectRecord>> Versions(
      const std::optional<std::string>& after_version_id, size_t limit) override;

 private:
  Connection& connection_;
  const std::string bucket_;
  // The next NextKey() returns the first key > lower_ (>= when inclusive_).
  std::string lower_;
  bool inclusive_ = true;
  std::string key_;
};

}  // namespace strata::meta::sqlite::internal
