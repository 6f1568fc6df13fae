// SqliteMetaStore's versioning methods (the rest are in sqlite_meta_store.cc;
// PutObject's versioning is in internal/object_rows.cc): deletes that write
// markers or remove one version, reads of one version, ListObjectVersions
// and version tags. What happens to which row is decided by
// meta/internal/version_rules.h, shared with the PostgreSQL store.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "meta/internal/record_codec.h"
#include "meta/internal/store_errors.h"
#include "meta/internal/version_rules.h"
#include "meta/metadata_json.h"
#include "meta/sqlite/internal/connection.h"
#include "meta/sqlite/internal/object_rows.h"
#include "meta/sqlite/internal/read_pool.h"
#include "meta/sqlite/internal/version_rows.h"
#include "meta/sqlite/sqlite_meta_store.h"
#include "meta/version_list_walker.h"

namespace strata::meta::sqlite {
namespace {

using internal::CheckBucketExists;
using internal::Connection;
using internal::FindObject;
using internal::Statement;
using internal::StoredVersion;
using internal::Transaction;
using meta::internal::OnBadMetadata;

constexpr std::string_view kSetCurrentTags =
    "UPDATE objects SET tags = ?4 WHERE bucket = ?1 AND key = ?2 AND version_id = ?3";
constexpr std::string_view kSetVersionTags =
    "UPDATE object_versions SET tags = ?4 WHERE bucket = ?1 AND key = ?2 AND version_id = ?3";

// Runs one of the tag updates above; returns whether it changed a row.
common::Result<bool> UpdateTags(Connection& writer, std::string_view sql, std::string_view bucket,
                                std::string_view key, std::string_view version_id,
                                std::string_view tags) {
  {
    STRATA_ASSIGN_OR_RETURN(Statement update, writer.Prepare(sql));
    update.Bind(1, bucket);
    update.Bind(2, key);
    update.Bind(3, version_id);
    update.Bind(4, tags);
    STRATA_RETURN_IF_ERROR(update.Run());
  }
  return writer.Changes() > 0;
}

}  // namespace

common::Result<MetaStore::DeleteResult> SqliteMetaStore::DeleteLatest(
    std::string_view bucket, std::string_view key, std::string_view marker_version_id,
    int64_t now_ms) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_ASSIGN_OR_RETURN(Versioning versioning, internal::ReadVersioning(*writer_, bucket));
  STRATA_ASSIGN_OR_RETURN(std::optional<ObjectRecord> current,
                          FindObject(*writer_, bucket, key, OnBadMetadata::kDrop));
  std::optional<std::string> current_id;
  if (current) current_id = current->version_id;
  STRATA_ASSIGN_OR_RETURN(
      meta::internal::VersionPlan plan,
      meta::internal::PlanDeleteLatest(versioning, marker_version_id, current_id));
  DeleteResult result;
  if (plan.replace_current) {
    STRATA_ASSIGN_OR_RETURN(result.removed, internal::RemoveObject(*writer_, bucket, key, now_ms));
  }
  if (plan.archive_current) {
    STRATA_RETURN_IF_ERROR(internal::ArchiveCurrent(*writer_, bucket, key));
  }
  if (plan.remove_null_version) {
    STRATA_ASSIGN_OR_RETURN(result.removed,
                            internal::RemoveVersion(*writer_, bucket, key, "", now_ms));
  }
  if (plan.new_version) {
    // After the moves above, so it is the key's newest row (and its id is
    // free: a suspended bucket's null version is gone by now).
    ObjectRecord marker = meta::internal::MakeDeleteMarker(bucket, key, plan.version_id, now_ms);
    STRATA_RETURN_IF_ERROR(internal::InsertDeleteMarker(*writer_, marker));
    result.delete_marker = std::move(marker);
  }
  STRATA_RETURN_IF_ERROR(txn.Commit());
  return result;
}

common::Result<MetaStore::DeleteResult> SqliteMetaStore::DeleteVersion(std::string_view bucket,
                                                                       std::string_view key,
                                                                       std::string_view version_id,
                                                                       int64_t now_ms) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_RETURN_IF_ERROR(CheckBucketExists(*writer_, bucket));
  STRATA_ASSIGN_OR_RETURN(std::optional<ObjectRecord> current,
                          FindObject(*writer_, bucket, key, OnBadMetadata::kDrop));
  DeleteResult result;
  if (current && current->version_id == version_id) {
    STRATA_ASSIGN_OR_RETURN(result.removed, internal::RemoveObject(*writer_, bucket, key, now_ms));
  } else {
    STRATA_ASSIGN_OR_RETURN(result.removed,
                            internal::RemoveVersion(*writer_, bucket, key, version_id, now_ms));
  }
  // Removing the latest version (the current object, or a latest delete
  // marker) makes the next newest one the latest.
  if (result.removed) {
    STRATA_RETURN_IF_ERROR(internal::PromoteNewestVersion(*writer_, bucket, key));
  }
  STRATA_RETURN_IF_ERROR(txn.Commit());
  return result;
}

common::Result<ObjectRecord> SqliteMetaStore::GetObjectVersion(std::string_view bucket,
                                                               std::string_view key,
                                                               std::string_view version_id) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  // One snapshot: is_latest compares rows of both tables.
  Transaction txn(*reader);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kRead));
  STRATA_ASSIGN_OR_RETURN(std::optional<ObjectRecord> current,
                          FindObject(*reader, bucket, key, OnBadMetadata::kFail));
  if (current && current->version_id == version_id) {
    STRATA_RETURN_IF_ERROR(txn.Commit());
    return *std::move(current);
  }
  STRATA_ASSIGN_OR_RETURN(
      std::optional<StoredVersion> version,
      internal::FindVersion(*reader, bucket, key, version_id, OnBadMetadata::kFail));
  if (!version) {
    STRATA_RETURN_IF_ERROR(CheckBucketExists(*reader, bucket));
    return meta::internal::NoSuchVersion(key, version_id);
  }
  version->record.is_latest = false;
  if (!current) {
    STRATA_ASSIGN_OR_RETURN(std::optional<int64_t> newest,
                            internal::NewestSeq(*reader, bucket, key));
    version->record.is_latest = newest == version->seq;
  }
  STRATA_RETURN_IF_ERROR(txn.Commit());
  return std::move(version->record);
}

common::Result<ListVersionsPage> SqliteMetaStore::ListObjectVersions(
    std::string_view bucket, const ListVersionsQuery& query) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  // One snapshot for the bucket check and every seek of the page.
  Transaction txn(*reader);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kRead));
  STRATA_RETURN_IF_ERROR(CheckBucketExists(*reader, bucket));
  internal::SqliteVersionCursor cursor(*reader, bucket);
  STRATA_ASSIGN_OR_RETURN(ListVersionsPage page, WalkVersions(query, cursor));
  STRATA_RETURN_IF_ERROR(txn.Commit());
  return page;
}

common::Status SqliteMetaStore::SetObjectVersionTags(std::string_view bucket, std::string_view key,
                                                     std::string_view version_id,
                                                     const MetadataPairs& tags) {
  STRATA_ASSIGN_OR_RETURN(std::string encoded, EncodeTags(tags));
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_ASSIGN_OR_RETURN(bool changed,
                          UpdateTags(*writer_, kSetCurrentTags, bucket, key, version_id, encoded));
  if (!changed) {
    STRATA_ASSIGN_OR_RETURN(
        std::optional<StoredVersion> version,
        internal::FindVersion(*writer_, bucket, key, version_id, OnBadMetadata::kDrop));
    if (!version) {
      STRATA_RETURN_IF_ERROR(CheckBucketExists(*writer_, bucket));
      return meta::internal::NoSuchVersion(key, version_id);
    }
    if (version->record.delete_marker) {
      return meta::internal::VersionIsDeleteMarker(key, version_id);
    }
    STRATA_RETURN_IF_ERROR(
        UpdateTags(*writer_, kSetVersionTags, bucket, key, version_id, encoded).status());
  }
  return txn.Commit();
}

}  // namespace strata::meta::sqlite
