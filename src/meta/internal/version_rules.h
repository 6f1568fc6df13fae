// The versioning rules that do not depend on a database (meta_store.h,
// migrations/0008_versioning.sql): how a bucket's state is stored, which id a
// new version gets, and what a write or a delete does to the versions a key
// already has. Every backend applies the same plan, with the same schema:
// the key's current object in `objects`, every other version and every
// delete marker in `object_versions`, ordered by a per-key seq (larger is
// newer). Pure functions: no I/O, thread-safe. Private to meta/.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"
#include "meta/meta_store.h"

namespace strata::meta::internal {

// The text of buckets.versioning: "" (kUnversioned), "Enabled", "Suspended".
std::string_view VersioningText(Versioning versioning);
// The state a buckets.versioning column holds. kCorruption naming the bucket
// for any other text.
common::Result<Versioning> ParseVersioning(std::string_view bucket, std::string_view text);

// kInvalidArgument for SetBucketVersioning(kUnversioned): a bucket never goes
// back.
common::Status CheckVersioningChange(Versioning versioning);

// What a PutObject, CompleteMultipartUpload or DeleteLatest does to a key,
// decided from the bucket's state and the key's current objects row. The
// backend then, in its write transaction and in this order:
//   1. checks the write condition against the current row (PutObject only);
//   2. if remove_null_version: deletes the key's null version ("") from
//      object_versions for good, if it has one there, dropping its
//      references (it is what PutResult::replaced / DeleteResult::removed
//      report);
//   3. if archive_current: moves the current row into object_versions with
//      seq = the key's largest seq + 1 (0 for the first), keeping its id and
//      references;
//      if replace_current: the current row is dropped for good (its
//      references drop; PutResult::replaced / DeleteResult::removed);
//   4. writes the new version, if new_version: a PutObject's record as the
//      objects row (upsert), a delete marker as an object_versions row with
//      seq = largest + 1 (after step 3, so it is the newest), with
//      `version_id` as its id.
// At most one of archive_current and replace_current is set, and at most one
// version is dropped for good in all. With kEnabled the backend refuses a new
// id the key already has (VersionIdInUse) before changing anything: ids are
// unique per key across both tables.
struct VersionPlan {
  std::string version_id;   // the new version's id ("" is the null version)
  bool new_version = true;  // false only for DeleteLatest on an unversioned bucket
  bool archive_current = false;
  bool replace_current = false;
  bool remove_null_version = false;
};

// The plan for PutObject / CompleteMultipartUpload. `requested_id` is
// ObjectRecord::version_id, used only when kEnabled (CheckVersionId:
// kInvalidArgument). `current_version_id` is the current objects row's
// version id, nullopt when the key has no current object.
common::Result<VersionPlan> PlanPut(Versioning versioning, std::string_view requested_id,
                                    const std::optional<std::string>& current_version_id);

// The plan for DeleteLatest: kUnversioned removes the current object (no new
// version); otherwise a delete marker is written, with `marker_version_id`
// when kEnabled (CheckVersionId: kInvalidArgument) and "" when kSuspended.
common::Result<VersionPlan> PlanDeleteLatest(Versioning versioning,
                                             std::string_view marker_version_id,
                                             const std::optional<std::string>& current_version_id);

// A delete marker as DeleteLatest writes it: size 0, etag "", no manifest,
// content_type "", storage_class "STANDARD", last modified now_ms, no tags.
ObjectRecord MakeDeleteMarker(std::string_view bucket, std::string_view key,
                              std::string_view version_id, int64_t now_ms);

// DeleteVersion's rule after removing a version: when the key has no current
// objects row left and its newest object_versions row is not a delete marker,
// that row moves back into `objects` (the invariant of 0008: a current object
// lives in `objects`). Returns whether the newest row (delete_marker as read,
// nullopt when the key has no version left) must move.
bool PromoteNewest(bool has_current, std::optional<bool> newest_is_delete_marker);

// kNoSuchVersion: "version '<id>' of key '<key>' does not exist" (the null
// version printed as "null").
common::Status NoSuchVersion(std::string_view key, std::string_view version_id);

// kInvalidArgument: a new version's id that the key already has.
common::Status VersionIdInUse(std::string_view key, std::string_view version_id);

// kMethodNotAllowed: SetObjectVersionTags on a delete marker.
common::Status VersionIsDeleteMarker(std::string_view key, std::string_view version_id);

// The id as ListObjectVersions' markers print it: kNullVersionMarker for the
// null version (""), else the id itself.
std::string VersionMarker(std::string_view version_id);
// The version id a version_id_marker names: "" for kNullVersionMarker, else
// the marker itself. REQUIRES: marker is not "" (which means "no marker").
std::string VersionIdFromMarker(std::string_view marker);

}  // namespace strata::meta::internal
