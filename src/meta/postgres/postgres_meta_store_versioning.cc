// PostgresMetaStore's versioning methods (the rest are in
// postgres_meta_store.cc): deletes that write delete markers or remove one
// version, and reads of one version or a page of them. Versioned writes are
// internal::WriteObject's (object_rows.h); the tables' rules are
// version_rows.h's.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "meta/internal/record_codec.h"
#include "meta/internal/store_errors.h"
#include "meta/internal/version_rules.h"
#include "meta/metadata_json.h"
#include "meta/postgres/internal/chunk_refs.h"
#include "meta/postgres/internal/connection.h"
#include "meta/postgres/internal/object_rows.h"
#include "meta/postgres/internal/runner.h"
#include "meta/postgres/internal/version_cursor.h"
#include "meta/postgres/internal/version_rows.h"
#include "meta/postgres/postgres_meta_store.h"
#include "meta/version_list_walker.h"

namespace strata::meta::postgres {
namespace {

using internal::Connection;
using internal::TxnMode;
using meta::internal::OnBadMetadata;

constexpr std::string_view kSetBucketVersioning =
    "UPDATE buckets SET versioning = $2 WHERE name = $1";

}  // namespace

common::Status PostgresMetaStore::SetBucketVersioning(std::string_view name,
                                                      Versioning versioning) {
  STRATA_RETURN_IF_ERROR(meta::internal::CheckVersioningChange(versioning));
  return UpdateBucketColumn(kSetBucketVersioning, name, meta::internal::VersioningText(versioning));
}

common::Result<MetaStore::DeleteResult> PostgresMetaStore::DeleteLatest(
    std::string_view bucket, std::string_view key, std::string_view marker_version_id,
    int64_t now_ms) {
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Result<DeleteResult> {
    STRATA_ASSIGN_OR_RETURN(internal::ObjectLookup lookup,
                            internal::LookupObject(connection, bucket, key, OnBadMetadata::kDrop));
    if (!lookup.bucket_exists) return meta::internal::NoSuchBucket(bucket);
    std::optional<std::string> current_id;
    if (lookup.object) current_id = lookup.object->version_id;
    STRATA_ASSIGN_OR_RETURN(
        meta::internal::VersionPlan plan,
        meta::internal::PlanDeleteLatest(lookup.versioning, marker_version_id, current_id));
    if (lookup.versioning == Versioning::kEnabled) {
      STRATA_ASSIGN_OR_RETURN(bool taken,
                              internal::VersionIdExists(connection, bucket, key, plan.version_id));
      if (taken) return meta::internal::VersionIdInUse(key, plan.version_id);
    }
    DeleteResult result;
    if (plan.remove_null_version) {
      STRATA_ASSIGN_OR_RETURN(result.removed, internal::TakeVersion(connection, bucket, key, ""));
      if (result.removed) {
        STRATA_RETURN_IF_ERROR(
            internal::DropReferences(connection, result.removed->manifest, now_ms));
      }
    }
    if (plan.archive_current) {
      STRATA_RETURN_IF_ERROR(internal::ArchiveCurrent(connection, bucket, key).status());
    }
    if (plan.replace_current) {
      STRATA_ASSIGN_OR_RETURN(result.removed,
                              internal::RemoveObject(connection, bucket, key, now_ms));
    }
    if (plan.new_version) {
      ObjectRecord marker = meta::internal::MakeDeleteMarker(bucket, key, plan.version_id, now_ms);
      STRATA_RETURN_IF_ERROR(internal::InsertDeleteMarker(connection, marker));
      result.delete_marker = std::move(marker);
    }
    return result;
  });
}

common::Result<MetaStore::DeleteResult> PostgresMetaStore::DeleteVersion(
    std::string_view bucket, std::string_view key, std::string_view version_id, int64_t now_ms) {
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Result<DeleteResult> {
    STRATA_ASSIGN_OR_RETURN(
        internal::VersionLookup lookup,
        internal::FindVersion(connection, bucket, key, version_id, OnBadMetadata::kDrop));
    if (!lookup.bucket_exists) return meta::internal::NoSuchBucket(bucket);
    DeleteResult result;
    if (!lookup.version) return result;  // S3 answers 204 all the same
    if (lookup.is_current) {
      STRATA_ASSIGN_OR_RETURN(result.removed,
                              internal::RemoveObject(connection, bucket, key, now_ms));
    } else {
      STRATA_ASSIGN_OR_RETURN(result.removed,
                              internal::TakeVersion(connection, bucket, key, version_id));
      if (result.removed) {
        STRATA_RETURN_IF_ERROR(
            internal::DropReferences(connection, result.removed->manifest, now_ms));
      }
    }
    if (result.removed) result.removed->is_latest = lookup.version->is_latest;
    // When it was the latest, the next newest version becomes the latest:
    // the current object again, unless it is a delete marker.
    STRATA_RETURN_IF_ERROR(internal::PromoteNewestVersion(
        connection, bucket, key, /*has_current=*/lookup.current.has_value() && !lookup.is_current));
    return result;
  });
}

common::Result<ObjectRecord> PostgresMetaStore::GetObjectVersion(std::string_view bucket,
                                                                 std::string_view key,
                                                                 std::string_view version_id) {
  // One snapshot: the current row and the version row must agree on which
  // is the latest.
  STRATA_ASSIGN_OR_RETURN(
      internal::VersionLookup lookup, runner_->Run(TxnMode::kSnapshot, [&](Connection& connection) {
        return internal::FindVersion(connection, bucket, key, version_id, OnBadMetadata::kFail);
      }));
  if (!lookup.bucket_exists) return meta::internal::NoSuchBucket(bucket);
  if (!lookup.version) return meta::internal::NoSuchVersion(key, version_id);
  return *std::move(lookup.version);
}

common::Result<ListVersionsPage> PostgresMetaStore::ListObjectVersions(
    std::string_view bucket, const ListVersionsQuery& query) {
  // One snapshot for the bucket check and every query of the page.
  return runner_->Run(TxnMode::kSnapshot,
                      [&](Connection& connection) -> common::Result<ListVersionsPage> {
                        STRATA_RETURN_IF_ERROR(internal::CheckBucketExists(connection, bucket));
                        internal::PostgresVersionCursor cursor(connection, bucket);
                        return WalkVersions(query, cursor);
                      });
}

common::Status PostgresMetaStore::SetObjectVersionTags(std::string_view bucket,
                                                       std::string_view key,
                                                       std::string_view version_id,
                                                       const MetadataPairs& tags) {
  STRATA_ASSIGN_OR_RETURN(std::string encoded, EncodeTags(tags));
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Status {
    STRATA_ASSIGN_OR_RETURN(
        internal::VersionLookup lookup,
        internal::FindVersion(connection, bucket, key, version_id, OnBadMetadata::kDrop));
    if (!lookup.bucket_exists) return meta::internal::NoSuchBucket(bucket);
    if (!lookup.version) return meta::internal::NoSuchVersion(key, version_id);
    if (lookup.version->delete_marker) {
      return meta::internal::VersionIsDeleteMarker(key, version_id);
    }
    return internal::SetVersionTags(connection, bucket, key, version_id, lookup.is_current, encoded)
        .status();
  });
}

}  // namespace strata::meta::postgres
