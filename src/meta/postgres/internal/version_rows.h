// The object_versions table (migration 0008) as the store's methods see it:
// a key's non-current versions and its delete markers, each with a per-key
// seq (larger is newer). A key's objects row, when it has one, is its latest
// version and newer than all of these rows; without one, the row with the
// largest seq is the latest. Moving a version between the two tables moves
// no chunk count: a version holds its references wherever it lives. Every
// function runs inside the caller's transaction. Private to meta/postgres.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"
#include "meta/internal/record_codec.h"
#include "meta/meta_store.h"
#include "meta/postgres/internal/connection.h"

namespace strata::meta::postgres::internal {

// Whether (bucket, key) has a version `version_id` in either table.
common::Result<bool> VersionIdExists(Connection& connection, std::string_view bucket,
                                     std::string_view key, std::string_view version_id);

// Moves the current objects row of (bucket, key), if there is one, to
// object_versions as the key's newest version, leaving the key without a
// current object. Returns whether there was one.
// REQUIRES: inside a write transaction on `connection`.
common::Result<bool> ArchiveCurrent(Connection& connection, std::string_view bucket,
                                    std::string_view key);

// Writes `marker` (meta::internal::MakeDeleteMarker) as its key's newest
// version. REQUIRES: inside a write transaction on `connection`; the key has
// no objects row and no version with the marker's id.
common::Status InsertDeleteMarker(Connection& connection, const ObjectRecord& marker);

// One version of a key found by id, with the bucket and the current row
// read in the same transaction.
struct VersionLookup {
  bool bucket_exists = false;
  Versioning versioning = Versioning::kUnversioned;
  // The key's objects row, if any.
  std::optional<ObjectRecord> current;
  // The version named, with delete_marker and is_latest set; nullopt when
  // the key has no such version.
  std::optional<ObjectRecord> version;
  // Whether `version` is the objects row (else a row of object_versions).
  bool is_current = false;
};
// Looks up version `version_id` ("" for the null version) of (bucket, key).
// An id that is not storable text names no version.
common::Result<VersionLookup> FindVersion(Connection& connection, std::string_view bucket,
                                          std::string_view key, std::string_view version_id,
                                          meta::internal::OnBadMetadata on_bad_metadata);

// Deletes the object_versions row of (bucket, key) with `version_id` and
// returns it (read leniently, OnBadMetadata::kDrop), or nullopt when there is
// none. Its chunk references are left to the caller to drop.
// REQUIRES: inside a write transaction on `connection`.
common::Result<std::optional<ObjectRecord>> TakeVersion(Connection& connection,
                                                        std::string_view bucket,
                                                        std::string_view key,
                                                        std::string_view version_id);

// After a version was removed: when the key has no objects row and its
// newest object_versions row is an object (meta::internal::PromoteNewest),
// moves that row into `objects`, where the current object lives; a delete
// marker stays where it is, the latest version.
// REQUIRES: inside a write transaction on `connection`.
common::Status PromoteNewestVersion(Connection& connection, std::string_view bucket,
                                    std::string_view key, bool has_current);

// Replaces the tags column (EncodeTags form) of the version with
// `version_id`, in whichever table it lives. Returns the rows changed.
// REQUIRES: inside a write transaction on `connection`.
common::Result<int64_t> SetVersionTags(Connection& connection, std::string_view bucket,
                                       std::string_view key, std::string_view version_id,
                                       bool is_current, std::string_view tags);

// GetStorageStats' versioning figures, over every bucket.
struct VersionStats {
  uint64_t noncurrent_versions = 0;
  uint64_t noncurrent_bytes = 0;
  uint64_t delete_markers = 0;
};
common::Result<VersionStats> ReadVersionStats(Connection& connection);

}  // namespace strata::meta::postgres::internal
