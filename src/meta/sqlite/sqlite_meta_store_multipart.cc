// SqliteMetaStore's multipart upload methods (the rest are in
// sqlite_meta_store.cc): uploads and parts, whose manifests hold chunk
// references exactly as object rows do.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "meta/internal/multipart_rules.h"
#include "meta/internal/record_checks.h"
#include "meta/internal/record_codec.h"
#include "meta/internal/store_errors.h"
#include "meta/sqlite/internal/chunk_refs.h"
#include "meta/sqlite/internal/connection.h"
#include "meta/sqlite/internal/object_rows.h"
#include "meta/sqlite/internal/read_pool.h"
#include "meta/sqlite/internal/upload_rows.h"
#include "meta/sqlite/sqlite_meta_store.h"
#include "meta/upload_list_walker.h"

namespace strata::meta::sqlite {
namespace {

using internal::CheckBucketExists;
using internal::Connection;
using internal::SqlLimit;
using internal::Statement;
using internal::Transaction;
using meta::internal::kMaxPartNumber;
using meta::internal::NoSuchUpload;
using meta::internal::OnBadMetadata;

#define STRATA_UPLOAD_COLUMNS                                                            \
  "upload_id, bucket, key, initiated_ms, content_type, user_metadata, system_metadata, " \
  "checksum_algorithm, checksum_type, owner, tags"

constexpr std::string_view kInsertUpload =
    "INSERT INTO multipart_uploads (" STRATA_UPLOAD_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
constexpr std::string_view kSelectUpload =
    "SELECT " STRATA_UPLOAD_COLUMNS " FROM multipart_uploads WHERE upload_id = ?1";
constexpr std::string_view kUploadExists = "SELECT 1 FROM multipart_uploads WHERE upload_id = ?1";
// Listing seeks: all three walk the multipart_uploads_by_key index from the
// bound in (key, upload_id) order, with no sort step. The row-value
// comparison of the third is a range on that index too (SQLite >= 3.15,
// PostgreSQL).
constexpr std::string_view kUploadSeekInclusive =
    "SELECT " STRATA_UPLOAD_COLUMNS
    " FROM multipart_uploads WHERE bucket = ?1 AND key >= ?2 ORDER BY key, upload_id";
constexpr std::string_view kUploadSeekExclusive =
    "SELECT " STRATA_UPLOAD_COLUMNS
    " FROM multipart_uploads WHERE bucket = ?1 AND key > ?2 ORDER BY key, upload_id";
constexpr std::string_view kUploadSeekAfter =
    "SELECT " STRATA_UPLOAD_COLUMNS
    " FROM multipart_uploads WHERE bucket = ?1 AND (key, upload_id) > (?2, ?3)"
    " ORDER BY key, upload_id";
// A walk of the multipart_uploads_by_age index.
constexpr std::string_view kSelectStaleUploads =
    "SELECT " STRATA_UPLOAD_COLUMNS
    " FROM multipart_uploads WHERE initiated_ms <= ?1 ORDER BY initiated_ms, upload_id"
    " LIMIT ?2";
#undef STRATA_UPLOAD_COLUMNS

#define STRATA_PART_COLUMNS                                                    \
  "upload_id, part_number, size, etag, last_modified_ms, checksum_algorithm, " \
  "checksum_value, checksum_type, manifest"

constexpr std::string_view kSelectPartManifest =
    "SELECT manifest FROM multipart_parts WHERE upload_id = ?1 AND part_number = ?2";
// In place, as objects are (sqlite/internal/object_rows.cc).
constexpr std::string_view kUpsertPart =
    "INSERT INTO multipart_parts (" STRATA_PART_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
    " ON CONFLICT (upload_id, part_number) DO UPDATE SET size = excluded.size,"
    " etag = excluded.etag, last_modified_ms = excluded.last_modified_ms,"
    " checksum_algorithm = excluded.checksum_algorithm,"
    " checksum_value = excluded.checksum_value, checksum_type = excluded.checksum_type,"
    " manifest = excluded.manifest";
// A range of the primary key, in part-number order.
constexpr std::string_view kSelectParts =
    "SELECT " STRATA_PART_COLUMNS
    " FROM multipart_parts WHERE upload_id = ?1 AND part_number > ?2 ORDER BY part_number"
    " LIMIT ?3";
#undef STRATA_PART_COLUMNS

// Reads a row selected with STRATA_UPLOAD_COLUMNS.
common::Result<MultipartUpload> ReadUpload(const Statement& row, OnBadMetadata on_bad_metadata) {
  MultipartUpload upload;
  upload.upload_id = row.ColumnText(0);
  upload.bucket = row.ColumnText(1);
  upload.key = row.ColumnText(2);
  upload.initiated_ms = row.ColumnInt(3);
  upload.content_type = row.ColumnText(4);
  upload.checksum_algorithm = row.ColumnText(7);
  upload.checksum_type = row.ColumnText(8);
  upload.owner = row.ColumnText(9);
  STRATA_RETURN_IF_ERROR(meta::internal::DecodeUploadJson(
      row.ColumnText(5), row.ColumnText(6), row.ColumnText(10), on_bad_metadata, upload));
  return upload;
}

// Reads a row selected with STRATA_PART_COLUMNS; the manifest only when
// `with_manifest` (kCorruption when it cannot be decoded or does not add up
// to the part's size).
common::Result<PartRecord> ReadPart(const Statement& row, bool with_manifest) {
  PartRecord part;
  part.upload_id = row.ColumnText(0);
  part.part_number = static_cast<int>(row.ColumnInt(1));  // CHECK: 1 .. 10000
  part.size = static_cast<uint64_t>(row.ColumnInt(2));    // CHECK (size >= 0)
  part.etag = row.ColumnText(3);
  part.last_modified_ms = row.ColumnInt(4);
  part.checksum = {.algorithm = std::string(row.ColumnText(5)),
                   .value = std::string(row.ColumnText(6)),
                   .type = std::string(row.ColumnText(7))};
  if (with_manifest) {
    STRATA_RETURN_IF_ERROR(meta::internal::DecodePartManifest(row.ColumnText(8), part));
  }
  return part;
}

common::Result<std::optional<MultipartUpload>> FindUpload(Connection& connection,
                                                          std::string_view upload_id,
                                                          OnBadMetadata on_bad_metadata) {
  STRATA_ASSIGN_OR_RETURN(Statement select, connection.Prepare(kSelectUpload));
  select.Bind(1, upload_id);
  STRATA_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return std::optional<MultipartUpload>();
  STRATA_ASSIGN_OR_RETURN(MultipartUpload upload, ReadUpload(select, on_bad_metadata));
  return std::optional<MultipartUpload>(std::move(upload));
}

common::Result<bool> UploadExists(Connection& connection, std::string_view upload_id) {
  STRATA_ASSIGN_OR_RETURN(Statement select, connection.Prepare(kUploadExists));
  select.Bind(1, upload_id);
  return select.Step();
}

// OK when the upload exists, else kNoSuchUpload.
common::Status CheckUploadExists(Connection& connection, std::string_view upload_id) {
  STRATA_ASSIGN_OR_RETURN(bool found, UploadExists(connection, upload_id));
  if (!found) return NoSuchUpload(upload_id);
  return common::Status::Ok();
}

// Up to `limit` parts after part_number_marker, ascending.
common::Result<std::vector<PartRecord>> SelectParts(Connection& connection,
                                                    std::string_view upload_id,
                                                    int part_number_marker, int64_t limit,
                                                    bool with_manifests) {
  STRATA_ASSIGN_OR_RETURN(Statement select, connection.Prepare(kSelectParts));
  select.Bind(1, upload_id);
  select.Bind(2, int64_t{part_number_marker});
  select.Bind(3, limit);
  std::vector<PartRecord> parts;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    STRATA_ASSIGN_OR_RETURN(PartRecord part, ReadPart(select, with_manifests));
    parts.push_back(std::move(part));
  }
  return parts;
}

// UploadListCursor over one bucket's uploads on a connection inside a read
// transaction.
class SqliteUploadCursor : public UploadListCursor {
 public:
  SqliteUploadCursor(Connection& connection, std::string_view bucket)
      : connection_(connection), bucket_(bucket) {}

  common::Status Seek(std::string_view key, bool inclusive) override {
    return Start(inclusive ? kUploadSeekInclusive : kUploadSeekExclusive, key, std::nullopt);
  }

  common::Status SeekAfter(std::string_view key, std::string_view upload_id) override {
    return Start(kUploadSeekAfter, key, upload_id);
  }

  common::Result<bool> Next() override {
    if (!scan_) return false;
    return scan_->Step();
  }

  std::string_view key() const override { return scan_->ColumnText(2); }

  common::Result<MultipartUpload> Record() override {
    return ReadUpload(*scan_, OnBadMetadata::kFail);
  }

 private:
  common::Status Start(std::string_view sql, std::string_view key,
                       std::optional<std::string_view> upload_id) {
    // Release the previous use first: the same cached statement is reused.
    scan_.reset();
    STRATA_ASSIGN_OR_RETURN(Statement scan, connection_.Prepare(sql));
    scan.Bind(1, bucket_);
    scan.Bind(2, key);
    if (upload_id) scan.Bind(3, *upload_id);
    scan_.emplace(std::move(scan));
    return common::Status::Ok();
  }

  Connection& connection_;
  const std::string bucket_;
  std::optional<Statement> scan_;
};

}  // namespace

common::Status SqliteMetaStore::CreateMultipartUpload(const MultipartUpload& upload) {
  STRATA_ASSIGN_OR_RETURN(meta::internal::EncodedUpload encoded,
                          meta::internal::EncodeUpload(upload));
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_RETURN_IF_ERROR(CheckBucketExists(*writer_, upload.bucket));
  STRATA_ASSIGN_OR_RETURN(bool taken, UploadExists(*writer_, upload.upload_id));
  if (taken) return meta::internal::UploadIdInUse(upload.upload_id);
  {
    STRATA_ASSIGN_OR_RETURN(Statement insert, writer_->Prepare(kInsertUpload));
    insert.Bind(1, upload.upload_id);
    insert.Bind(2, upload.bucket);
    insert.Bind(3, upload.key);
    insert.Bind(4, upload.initiated_ms);
    insert.Bind(5, upload.content_type);
    insert.Bind(6, encoded.user_metadata);
    insert.Bind(7, encoded.system_metadata);
    insert.Bind(8, upload.checksum_algorithm);
    insert.Bind(9, upload.checksum_type);
    insert.Bind(10, upload.owner);
    insert.Bind(11, encoded.tags);
    STRATA_RETURN_IF_ERROR(insert.Run());
  }
  return txn.Commit();
}

common::Result<MultipartUpload> SqliteMetaStore::GetMultipartUpload(std::string_view bucket,
                                                                    std::string_view key,
                                                                    std::string_view upload_id) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  STRATA_ASSIGN_OR_RETURN(std::optional<MultipartUpload> upload,
                          FindUpload(*reader, upload_id, OnBadMetadata::kFail));
  STRATA_RETURN_IF_ERROR(meta::internal::CheckUploadIsFor(upload, upload_id, bucket, key));
  return *std::move(upload);
}

common::Result<MetaStore::PutResult> SqliteMetaStore::PutPart(
    const PartRecord& part, const std::vector<ChunkInfo>& written_chunks, int64_t now_ms) {
  STRATA_ASSIGN_OR_RETURN(std::string manifest_json,
                          meta::internal::EncodePart(part, written_chunks));

  std::lock_guard lock(write_mu_);
  // As PutObject: every early return rolls back, so a failed part (the
  // upload completed or aborted meanwhile, too) changes no count.
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_RETURN_IF_ERROR(CheckUploadExists(*writer_, part.upload_id));
  std::optional<Manifest> replaced;
  {
    STRATA_ASSIGN_OR_RETURN(Statement select, writer_->Prepare(kSelectPartManifest));
    select.Bind(1, part.upload_id);
    select.Bind(2, int64_t{part.part_number});
    STRATA_ASSIGN_OR_RETURN(bool found, select.Step());
    // An undecodable manifest leaks its references (see the header).
    if (found) replaced = meta::internal::DecodeManifestOrEmpty(select.ColumnText(0));
  }
  STRATA_ASSIGN_OR_RETURN(
      meta::internal::ReplacedReferences references,
      internal::ReplaceReferences(*writer_, part.manifest, std::move(manifest_json),
                                  replaced ? &*replaced : nullptr, written_chunks, now_ms));
  {
    STRATA_ASSIGN_OR_RETURN(Statement upsert, writer_->Prepare(kUpsertPart));
    upsert.Bind(1, part.upload_id);
    upsert.Bind(2, int64_t{part.part_number});
    upsert.Bind(3, static_cast<int64_t>(part.size));
    upsert.Bind(4, part.etag);
    upsert.Bind(5, part.last_modified_ms);
    upsert.Bind(6, part.checksum.algorithm);
    upsert.Bind(7, part.checksum.value);
    upsert.Bind(8, part.checksum.type);
    upsert.Bind(9, references.manifest_json);
    STRATA_RETURN_IF_ERROR(upsert.Run());
  }
  STRATA_RETURN_IF_ERROR(txn.Commit());
  return PutResult{.replaced = std::nullopt, .unused_chunks = std::move(references.unused_chunks)};
}

common::Result<ListPartsPage> SqliteMetaStore::ListParts(std::string_view upload_id,
                                                         int part_number_marker, int max_parts) {
  STRATA_RETURN_IF_ERROR(meta::internal::CheckMaxParts(max_parts));
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  // One snapshot for the upload check and the page.
  Transaction txn(*reader);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kRead));
  STRATA_RETURN_IF_ERROR(CheckUploadExists(*reader, upload_id));
  ListPartsPage page;
  if (max_parts > 0) {
    STRATA_ASSIGN_OR_RETURN(std::vector<PartRecord> rows,
                            SelectParts(*reader, upload_id, part_number_marker,
                                        int64_t{max_parts} + 1, /*with_manifests=*/false));
    page = meta::internal::PartsPage(std::move(rows), max_parts);
  }
  STRATA_RETURN_IF_ERROR(txn.Commit());
  return page;
}

common::Result<std::vector<PartRecord>> SqliteMetaStore::GetParts(std::string_view upload_id) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  Transaction txn(*reader);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kRead));
  STRATA_RETURN_IF_ERROR(CheckUploadExists(*reader, upload_id));
  STRATA_ASSIGN_OR_RETURN(std::vector<PartRecord> parts,
                          SelectParts(*reader, upload_id, 0, int64_t{kMaxPartNumber},
                                      /*with_manifests=*/true));
  STRATA_RETURN_IF_ERROR(txn.Commit());
  return parts;
}

common::Result<ListUploadsPage> SqliteMetaStore::ListMultipartUploads(
    std::string_view bucket, const ListUploadsQuery& query) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  // One snapshot for the bucket check and every seek of the page.
  Transaction txn(*reader);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kRead));
  STRATA_RETURN_IF_ERROR(CheckBucketExists(*reader, bucket));
  common::Result<ListUploadsPage> page = [&] {
    SqliteUploadCursor cursor(*reader, bucket);  // its statement is reset before COMMIT
    return WalkUploadListing(query, cursor);
  }();
  if (!page.ok()) return page;
  STRATA_RETURN_IF_ERROR(txn.Commit());
  return page;
}

common::Result<MetaStore::PutResult> SqliteMetaStore::CompleteMultipartUpload(
    std::string_view upload_id, const ObjectRecord& object, const WriteCondition& condition,
    int64_t now_ms) {
  // No written chunks: the object's entries name chunks the parts hold.
  STRATA_ASSIGN_OR_RETURN(meta::internal::EncodedObject encoded,
                          meta::internal::EncodeObject(object, {}));
  std::lock_guard lock(write_mu_);
  // One transaction: the object appears and the upload disappears together,
  // and every early return (gone, condition, a chunk that is not stored)
  // leaves both, and every count, as they were.
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_ASSIGN_OR_RETURN(std::optional<MultipartUpload> upload,
                          FindUpload(*writer_, upload_id, OnBadMetadata::kDrop));
  STRATA_RETURN_IF_ERROR(
      meta::internal::CheckUploadIsFor(upload, upload_id, object.bucket, object.key));
  // The upload's row holds the bucket (foreign key), so the bucket exists.
  // The object's references are added before the parts' are dropped: a chunk
  // both use keeps its count and never passes through 0; a chunk only in
  // parts left out reaches 0 here and starts its grace period.
  STRATA_ASSIGN_OR_RETURN(PutResult put,
                          internal::WriteObject(*writer_, object, encoded, condition, {}, now_ms));
  STRATA_RETURN_IF_ERROR(internal::DeleteUpload(*writer_, upload_id, now_ms));
  STRATA_RETURN_IF_ERROR(txn.Commit());
  return put;
}

common::Status SqliteMetaStore::AbortMultipartUpload(std::string_view upload_id, int64_t now_ms) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_RETURN_IF_ERROR(CheckUploadExists(*writer_, upload_id));
  STRATA_RETURN_IF_ERROR(internal::DeleteUpload(*writer_, upload_id, now_ms));
  return txn.Commit();
}

common::Result<std::vector<MultipartUpload>> SqliteMetaStore::ListStaleUploads(
    int64_t initiated_before_ms, size_t limit) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  STRATA_ASSIGN_OR_RETURN(Statement select, reader->Prepare(kSelectStaleUploads));
  select.Bind(1, initiated_before_ms);
  select.Bind(2, SqlLimit(limit));
  std::vector<MultipartUpload> uploads;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    // Lenient: GC only needs the id to abort it, even from a damaged row.
    STRATA_ASSIGN_OR_RETURN(MultipartUpload upload, ReadUpload(select, OnBadMetadata::kDrop));
    uploads.push_back(std::move(upload));
  }
  return uploads;
}

}  // namespace strata::meta::sqlite
