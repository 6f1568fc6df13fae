// PostgresMetaStore's multipart upload methods (the rest are in
// postgres_meta_store.cc): uploads and parts, whose manifests hold chunk
// references exactly as object rows do.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "meta/internal/multipart_rules.h"
#include "meta/internal/record_checks.h"
#include "meta/internal/record_codec.h"
#include "meta/internal/store_errors.h"
#include "meta/postgres/internal/chunk_refs.h"
#include "meta/postgres/internal/connection.h"
#include "meta/postgres/internal/object_rows.h"
#include "meta/postgres/internal/runner.h"
#include "meta/postgres/internal/text_bounds.h"
#include "meta/postgres/internal/upload_rows.h"
#include "meta/postgres/postgres_meta_store.h"
#include "meta/upload_list_walker.h"

namespace strata::meta::postgres {
namespace {

using internal::Connection;
using internal::Params;
using internal::Rows;
using internal::TxnMode;
using meta::internal::kMaxPartNumber;
using meta::internal::NoSuchUpload;
using meta::internal::OnBadMetadata;

#define STRATA_PG_UPLOAD_COLUMNS                                                         \
  "upload_id, bucket, key, initiated_ms, content_type, user_metadata, system_metadata, " \
  "checksum_algorithm, checksum_type, owner, tags"

constexpr std::string_view kInsertUpload =
    "INSERT INTO multipart_uploads (" STRATA_PG_UPLOAD_COLUMNS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
constexpr std::string_view kSelectUpload =
    "SELECT " STRATA_PG_UPLOAD_COLUMNS " FROM multipart_uploads WHERE upload_id = $1";
constexpr std::string_view kUploadExists = "SELECT 1 FROM multipart_uploads WHERE upload_id = $1";
// Listing seeks on the multipart_uploads_by_key index, in (key, upload_id)
// order; the row-value comparison is a range on that index too.
constexpr std::string_view kUploadSeekInclusive =
    "SELECT " STRATA_PG_UPLOAD_COLUMNS
    " FROM multipart_uploads WHERE bucket = $1 AND key >= $2 ORDER BY key, upload_id LIMIT $3";
constexpr std::string_view kUploadSeekExclusive =
    "SELECT " STRATA_PG_UPLOAD_COLUMNS
    " FROM multipart_uploads WHERE bucket = $1 AND key > $2 ORDER BY key, upload_id LIMIT $3";
constexpr std::string_view kUploadSeekAfter =
    "SELECT " STRATA_PG_UPLOAD_COLUMNS
    " FROM multipart_uploads WHERE bucket = $1 AND (key, upload_id) > ($2, $3)"
    " ORDER BY key, upload_id LIMIT $4";
constexpr std::string_view kUploadSeekFrom =
    "SELECT " STRATA_PG_UPLOAD_COLUMNS
    " FROM multipart_uploads WHERE bucket = $1 AND (key, upload_id) >= ($2, $3)"
    " ORDER BY key, upload_id LIMIT $4";
// A walk of the multipart_uploads_by_age index.
constexpr std::string_view kSelectStaleUploads =
    "SELECT " STRATA_PG_UPLOAD_COLUMNS
    " FROM multipart_uploads WHERE initiated_ms <= $1 ORDER BY initiated_ms, upload_id LIMIT $2";
#undef STRATA_PG_UPLOAD_COLUMNS

#define STRATA_PG_PART_COLUMNS                                                 \
  "upload_id, part_number, size, etag, last_modified_ms, checksum_algorithm, " \
  "checksum_value, checksum_type, manifest"

constexpr std::string_view kSelectPartManifest =
    "SELECT manifest FROM multipart_parts WHERE upload_id = $1 AND part_number = $2";
constexpr std::string_view kUpsertPart =
    "INSERT INTO multipart_parts (" STRATA_PG_PART_COLUMNS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    " ON CONFLICT (upload_id, part_number) DO UPDATE SET size = excluded.size,"
    " etag = excluded.etag, last_modified_ms = excluded.last_modified_ms,"
    " checksum_algorithm = excluded.checksum_algorithm,"
    " checksum_value = excluded.checksum_value, checksum_type = excluded.checksum_type,"
    " manifest = excluded.manifest";
// A range of the primary key, in part-number order.
constexpr std::string_view kSelectParts =
    "SELECT " STRATA_PG_PART_COLUMNS
    " FROM multipart_parts WHERE upload_id = $1 AND part_number > $2 ORDER BY part_number"
    " LIMIT $3";
#undef STRATA_PG_PART_COLUMNS

constexpr int64_t kFirstBatch = 16;
constexpr int64_t kMaxBatch = 256;

// Reads a row selected with STRATA_PG_UPLOAD_COLUMNS.
common::Result<MultipartUpload> ReadUpload(const Rows& rows, int row,
                                           OnBadMetadata on_bad_metadata) {
  MultipartUpload upload;
  upload.upload_id = rows.Bytes(row, 0);
  upload.bucket = rows.Bytes(row, 1);
  upload.key = rows.Bytes(row, 2);
  upload.initiated_ms = rows.Int(row, 3);
  upload.content_type = rows.Bytes(row, 4);
  upload.checksum_algorithm = rows.Bytes(row, 7);
  upload.checksum_type = rows.Bytes(row, 8);
  upload.owner = rows.Bytes(row, 9);
  STRATA_RETURN_IF_ERROR(meta::internal::DecodeUploadJson(
      rows.Bytes(row, 5), rows.Bytes(row, 6), rows.Bytes(row, 10), on_bad_metadata, upload));
  return upload;
}

// Reads a row selected with STRATA_PG_PART_COLUMNS; the manifest only when
// `with_manifest` (kCorruption when it cannot be decoded or does not add up
// to the part's size).
common::Result<PartRecord> ReadPart(const Rows& rows, int row, bool with_manifest) {
  PartRecord part;
  part.upload_id = rows.Bytes(row, 0);
  part.part_number = static_cast<int>(rows.Int(row, 1));  // CHECK: 1 .. 10000
  part.size = static_cast<uint64_t>(rows.Int(row, 2));    // CHECK (size >= 0)
  part.etag = rows.Bytes(row, 3);
  part.last_modified_ms = rows.Int(row, 4);
  part.checksum = {.algorithm = std::string(rows.Bytes(row, 5)),
                   .value = std::string(rows.Bytes(row, 6)),
                   .type = std::string(rows.Bytes(row, 7))};
  if (with_manifest) {
    STRATA_RETURN_IF_ERROR(meta::internal::DecodePartManifest(rows.Bytes(row, 8), part));
  }
  return part;
}

common::Result<std::optional<MultipartUpload>> FindUpload(Connection& connection,
                                                          std::string_view upload_id,
                                                          OnBadMetadata on_bad_metadata) {
  STRATA_ASSIGN_OR_RETURN(Rows rows, connection.Query(kSelectUpload, Params().Text(upload_id)));
  if (rows.empty()) return std::optional<MultipartUpload>();
  STRATA_ASSIGN_OR_RETURN(MultipartUpload upload, ReadUpload(rows, 0, on_bad_metadata));
  return std::optional<MultipartUpload>(std::move(upload));
}

common::Result<bool> UploadExists(Connection& connection, std::string_view upload_id) {
  STRATA_ASSIGN_OR_RETURN(Rows rows, connection.Query(kUploadExists, Params().Text(upload_id)));
  return !rows.empty();
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
  STRATA_ASSIGN_OR_RETURN(
      Rows rows,
      connection.Query(kSelectParts, Params().Text(upload_id).Int(part_number_marker).Int(limit)));
  std::vector<PartRecord> parts;
  for (int row = 0; row < rows.size(); ++row) {
    STRATA_ASSIGN_OR_RETURN(PartRecord part, ReadPart(rows, row, with_manifests));
    parts.push_back(std::move(part));
  }
  return parts;
}

// UploadListCursor over one bucket's uploads, inside a snapshot transaction;
// batched as internal::ObjectListCursor is.
class PostgresUploadCursor : public UploadListCursor {
 public:
  PostgresUploadCursor(Connection& connection, std::string_view bucket)
      : connection_(connection), bucket_(bucket) {}

  common::Status Seek(std::string_view key, bool inclusive) override {
    batch_ = kFirstBatch;
    std::optional<std::string> bound = internal::LeastStorableAtLeast(key);
    if (!bound) return Clear();
    // A replaced bound is not a key, so ">= bound" is right either way.
    const bool from_bound = inclusive || *bound != key;
    return Fetch(from_bound ? kUploadSeekInclusive : kUploadSeekExclusive,
                 Params().Text(bucket_).Text(*bound).Int(batch_));
  }

  common::Status SeekAfter(std::string_view key, std::string_view upload_id) override {
    if (!internal::IsStorableText(key)) return Seek(key, /*inclusive=*/false);
    batch_ = kFirstBatch;
    if (internal::IsStorableText(upload_id)) {
      return Fetch(kUploadSeekAfter, Params().Text(bucket_).Text(key).Text(upload_id).Int(batch_));
    }
    // No upload has this id: (key, id) > (key, upload_id) <=> (key, id) >=
    // (key, least storable id above it); none such means "later keys only".
    std::optional<std::string> id_bound = internal::LeastStorableAtLeast(upload_id);
    if (!id_bound) return Seek(key, /*inclusive=*/false);
    return Fetch(kUploadSeekFrom, Params().Text(bucket_).Text(key).Text(*id_bound).Int(batch_));
  }

  common::Result<bool> Next() override {
    if (row_ + 1 < rows_.size()) {
      ++row_;
      return true;
    }
    if (!more_) return false;
    // The batch ran out: continue after its last (key, upload_id).
    const int last = rows_.size() - 1;
    const std::string last_key(rows_.Bytes(last, 2));
    const std::string last_id(rows_.Bytes(last, 0));
    batch_ = std::min(batch_ * 2, kMaxBatch);
    STRATA_RETURN_IF_ERROR(
        Fetch(kUploadSeekAfter, Params().Text(bucket_).Text(last_key).Text(last_id).Int(batch_)));
    if (rows_.empty()) return false;
    row_ = 0;
    return true;
  }

  std::string_view key() const override { return rows_.Bytes(row_, 2); }

  common::Result<MultipartUpload> Record() override {
    return ReadUpload(rows_, row_, OnBadMetadata::kFail);
  }

 private:
  common::Status Clear() {
    rows_ = Rows();
    row_ = -1;
    more_ = false;
    return common::Status::Ok();
  }

  common::Status Fetch(std::string_view sql, const Params& params) {
    STRATA_ASSIGN_OR_RETURN(rows_, connection_.Query(sql, params));
    row_ = -1;
    more_ = rows_.size() == batch_;
    return common::Status::Ok();
  }

  Connection& connection_;
  const std::string bucket_;
  Rows rows_;
  int row_ = -1;
  int64_t batch_ = kFirstBatch;
  bool more_ = false;
};

}  // namespace

common::Status PostgresMetaStore::CreateMultipartUpload(const MultipartUpload& upload) {
  STRATA_ASSIGN_OR_RETURN(meta::internal::EncodedUpload encoded,
                          meta::internal::EncodeUpload(upload));
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Status {
    STRATA_RETURN_IF_ERROR(internal::CheckBucketExists(connection, upload.bucket));
    STRATA_ASSIGN_OR_RETURN(bool taken, UploadExists(connection, upload.upload_id));
    if (taken) return meta::internal::UploadIdInUse(upload.upload_id);
    return connection
        .Execute(kInsertUpload, Params()
                                    .Text(upload.upload_id)
                                    .Text(upload.bucket)
                                    .Text(upload.key)
                                    .Int(upload.initiated_ms)
                                    .Text(upload.content_type)
                                    .Text(encoded.user_metadata)
                                    .Text(encoded.system_metadata)
                                    .Text(upload.checksum_algorithm)
                                    .Text(upload.checksum_type)
                                    .Text(upload.owner)
                                    .Text(encoded.tags))
        .status();
  });
}

common::Result<MultipartUpload> PostgresMetaStore::GetMultipartUpload(std::string_view bucket,
                                                                      std::string_view key,
                                                                      std::string_view upload_id) {
  STRATA_ASSIGN_OR_RETURN(std::optional<MultipartUpload> upload,
                          runner_->Run(TxnMode::kStatement, [&](Connection& connection) {
                            return FindUpload(connection, upload_id, OnBadMetadata::kFail);
                          }));
  STRATA_RETURN_IF_ERROR(meta::internal::CheckUploadIsFor(upload, upload_id, bucket, key));
  return *std::move(upload);
}

common::Result<MetaStore::PutResult> PostgresMetaStore::PutPart(
    const PartRecord& part, const std::vector<ChunkInfo>& written_chunks, int64_t now_ms) {
  STRATA_ASSIGN_OR_RETURN(const std::string encoded_manifest,
                          meta::internal::EncodePart(part, written_chunks));

  // As PutObject: every early return rolls back, so a failed part (the
  // upload completed or aborted meanwhile, too) changes no count.
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Result<PutResult> {
    STRATA_RETURN_IF_ERROR(CheckUploadExists(connection, part.upload_id));
    std::optional<Manifest> replaced;
    {
      STRATA_ASSIGN_OR_RETURN(
          Rows rows, connection.Query(kSelectPartManifest,
                                      Params().Text(part.upload_id).Int(part.part_number)));
      // An undecodable manifest leaks its references (as in the SQLite store).
      if (!rows.empty()) replaced = meta::internal::DecodeManifestOrEmpty(rows.Bytes(0, 0));
    }
    STRATA_ASSIGN_OR_RETURN(
        meta::internal::ReplacedReferences references,
        internal::ReplaceReferences(connection, part.manifest, encoded_manifest,
                                    replaced ? &*replaced : nullptr, written_chunks, now_ms));
    STRATA_RETURN_IF_ERROR(connection
                               .Execute(kUpsertPart, Params()
                                                         .Text(part.upload_id)
                                                         .Int(part.part_number)
                                                         .Int(static_cast<int64_t>(part.size))
                                                         .Text(part.etag)
                                                         .Int(part.last_modified_ms)
                                                         .Text(part.checksum.algorithm)
                                                         .Text(part.checksum.value)
                                                         .Text(part.checksum.type)
                                                         .Text(references.manifest_json))
                               .status());
    return PutResult{.replaced = std::nullopt,
                     .unused_chunks = std::move(references.unused_chunks)};
  });
}

common::Result<ListPartsPage> PostgresMetaStore::ListParts(std::string_view upload_id,
                                                           int part_number_marker, int max_parts) {
  STRATA_RETURN_IF_ERROR(meta::internal::CheckMaxParts(max_parts));
  // One snapshot for the upload check and the page.
  return runner_->Run(
      TxnMode::kSnapshot, [&](Connection& connection) -> common::Result<ListPartsPage> {
        STRATA_RETURN_IF_ERROR(CheckUploadExists(connection, upload_id));
        if (max_parts == 0) return ListPartsPage();
        STRATA_ASSIGN_OR_RETURN(std::vector<PartRecord> rows,
                                SelectParts(connection, upload_id, part_number_marker,
                                            int64_t{max_parts} + 1, /*with_manifests=*/false));
        return meta::internal::PartsPage(std::move(rows), max_parts);
      });
}

common::Result<std::vector<PartRecord>> PostgresMetaStore::GetParts(std::string_view upload_id) {
  return runner_->Run(TxnMode::kSnapshot,
                      [&](Connection& connection) -> common::Result<std::vector<PartRecord>> {
                        STRATA_RETURN_IF_ERROR(CheckUploadExists(connection, upload_id));
                        return SelectParts(connection, upload_id, 0, int64_t{kMaxPartNumber},
                                           /*with_manifests=*/true);
                      });
}

common::Result<ListUploadsPage> PostgresMetaStore::ListMultipartUploads(
    std::string_view bucket, const ListUploadsQuery& query) {
  // One snapshot for the bucket check and every seek of the page.
  return runner_->Run(TxnMode::kSnapshot,
                      [&](Connection& connection) -> common::Result<ListUploadsPage> {
                        STRATA_RETURN_IF_ERROR(internal::CheckBucketExists(connection, bucket));
                        PostgresUploadCursor cursor(connection, bucket);
                        return WalkUploadListing(query, cursor);
                      });
}

common::Result<MetaStore::PutResult> PostgresMetaStore::CompleteMultipartUpload(
    std::string_view upload_id, const ObjectRecord& object, const WriteCondition& condition,
    int64_t now_ms) {
  // No written chunks: the object's entries name chunks the parts hold.
  STRATA_ASSIGN_OR_RETURN(meta::internal::EncodedObject encoded,
                          meta::internal::EncodeObject(object, {}));
  // One transaction: the object appears and the upload disappears together,
  // and every early return (gone, condition, a chunk that is not stored)
  // leaves both, and every count, as they were.
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Result<PutResult> {
    STRATA_ASSIGN_OR_RETURN(std::optional<MultipartUpload> upload,
                            FindUpload(connection, upload_id, OnBadMetadata::kDrop));
    STRATA_RETURN_IF_ERROR(
        meta::internal::CheckUploadIsFor(upload, upload_id, object.bucket, object.key));
    // The upload's row holds the bucket (foreign key), so the bucket exists.
    // The object's references are added before the parts' are dropped.
    STRATA_ASSIGN_OR_RETURN(
        internal::ObjectLookup lookup,
        internal::LookupObject(connection, object.bucket, object.key, OnBadMetadata::kDrop));
    STRATA_ASSIGN_OR_RETURN(PutResult put,
                            internal::WriteObject(connection, object, encoded, condition,
                                                  std::move(lookup), {}, now_ms));
    STRATA_RETURN_IF_ERROR(internal::DeleteUpload(connection, upload_id, now_ms));
    return put;
  });
}

common::Status PostgresMetaStore::AbortMultipartUpload(std::string_view upload_id, int64_t now_ms) {
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Status {
    STRATA_RETURN_IF_ERROR(CheckUploadExists(connection, upload_id));
    return internal::DeleteUpload(connection, upload_id, now_ms);
  });
}

common::Result<std::vector<MultipartUpload>> PostgresMetaStore::ListStaleUploads(
    int64_t initiated_before_ms, size_t limit) {
  const auto sql_limit = static_cast<int64_t>(
      std::min<size_t>(limit, static_cast<size_t>(std::numeric_limits<int64_t>::max())));
  return runner_->Run(TxnMode::kStatement,
                      [&](Connection& connection) -> common::Result<std::vector<MultipartUpload>> {
                        STRATA_ASSIGN_OR_RETURN(
                            Rows rows,
                            connection.Query(kSelectStaleUploads,
                                             Params().Int(initiated_before_ms).Int(sql_limit)));
                        std::vector<MultipartUpload> uploads;
                        for (int row = 0; row < rows.size(); ++row) {
                          // Lenient: GC only needs the id to abort it, even from a damaged row.
                          STRATA_ASSIGN_OR_RETURN(MultipartUpload upload,
                                                  ReadUpload(rows, row, OnBadMetadata::kDrop));
                          uploads.push_back(std::move(upload));
                        }
                        return uploads;
                      });
}

}  // namespace strata::meta::postgres
