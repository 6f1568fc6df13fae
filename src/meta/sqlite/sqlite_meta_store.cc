#include "meta/sqlite/sqlite_meta_store.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>

#include "meta/internal/record_codec.h"
#include "meta/internal/store_errors.h"
#include "meta/internal/version_rules.h"
#include "meta/list_walker.h"
#include "meta/metadata_json.h"
#include "meta/sqlite/internal/bucket_cache.h"
#include "meta/sqlite/internal/chunk_refs.h"
#include "meta/sqlite/internal/connection.h"
#include "meta/sqlite/internal/migrator.h"
#include "meta/sqlite/internal/object_rows.h"
#include "meta/sqlite/internal/read_pool.h"
#include "meta/sqlite/internal/upload_rows.h"

namespace strata::meta::sqlite {
namespace {

using common::Code;
using common::Error;
using common::Status;
using internal::BucketHasObjects;
using internal::CheckBucketExists;
using internal::ChunkRow;
using internal::Connection;
using internal::FindObject;
using internal::SqlLimit;
using internal::Statement;
using internal::Transaction;
using meta::internal::NoSuchBucket;
using meta::internal::OnBadMetadata;

// Puts one commit may carry. More would only lengthen the wait of the first
// in the batch; 64 is far above what concurrent requests queue here.
constexpr size_t kMaxPutsPerCommit = 64;

#define STRATA_BUCKET_COLUMNS "name, region, owner, created_ms, policy, cors, tagging, versioning"
constexpr std::string_view kSelectBucket =
    "SELECT " STRATA_BUCKET_COLUMNS " FROM buckets WHERE name = ?1";
constexpr std::string_view kSelectBuckets =
    "SELECT " STRATA_BUCKET_COLUMNS " FROM buckets ORDER BY name";
constexpr std::string_view kInsertBucket =
    "INSERT INTO buckets (" STRATA_BUCKET_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
#undef STRATA_BUCKET_COLUMNS
constexpr std::string_view kDeleteBucket = "DELETE FROM buckets WHERE name = ?1";
constexpr std::string_view kSetBucketPolicy = "UPDATE buckets SET policy = ?2 WHERE name = ?1";
constexpr std::string_view kSetBucketCors = "UPDATE buckets SET cors = ?2 WHERE name = ?1";
constexpr std::string_view kSetBucketTagging = "UPDATE buckets SET tagging = ?2 WHERE name = ?1";
constexpr std::string_view kSetBucketVersioning =
    "UPDATE buckets SET versioning = ?2 WHERE name = ?1";
// Tags only: etag and last_modified_ms stay as they are (meta_store.h).
constexpr std::string_view kSetObjectTags =
    "UPDATE objects SET tags = ?3 WHERE bucket = ?1 AND key = ?2";

#define STRATA_CHUNK_COLUMNS "hash, location, data_shards, parity_shards, size"
// GC's scan: a walk of the partial index chunks_unreferenced.
constexpr std::string_view kSelectUnreferenced =
    "SELECT " STRATA_CHUNK_COLUMNS
    " FROM chunks WHERE refcount = 0 AND zero_since_ms <= ?1 ORDER BY zero_since_ms, hash"
    " LIMIT ?2";
constexpr std::string_view kSelectChunksAfter =
    "SELECT " STRATA_CHUNK_COLUMNS " FROM chunks WHERE hash > ?1 ORDER BY hash LIMIT ?2";
#undef STRATA_CHUNK_COLUMNS
// Never backwards: a clock stepping back must not shorten the grace period.
constexpr std::string_view kTouchUnreferenced =
    "UPDATE chunks SET zero_since_ms = ?2"
    " WHERE hash = ?1 AND refcount = 0 AND zero_since_ms < ?2";
constexpr std::string_view kDeleteUnreferenced =
    "DELETE FROM chunks"
    " WHERE hash = ?1 AND location = ?2 AND refcount = 0 AND zero_since_ms <= ?3";
constexpr std::string_view kChunkAtLocation = "SELECT 1 FROM chunks WHERE location = ?1";
constexpr std::string_view kObjectStats =
    "SELECT count(*), COALESCE(SUM(size), 0), COALESCE(SUM(length(inline_data)), 0)"
    " FROM objects";
// Versions that are not the latest object, and delete markers (latest or not).
constexpr std::string_view kVersionStats =
    "SELECT COALESCE(SUM(1 - delete_marker), 0),"
    " COALESCE(SUM(CASE WHEN delete_marker = 0 THEN size ELSE 0 END), 0),"
    " COALESCE(SUM(delete_marker), 0) FROM object_versions";
constexpr std::string_view kChunkStats =
    "SELECT count(*), COALESCE(SUM(size), 0),"
    " COALESCE(SUM(CASE WHEN refcount = 0 THEN 1 ELSE 0 END), 0) FROM chunks";

common::Result<Bucket> ReadBucket(const Statement& row) {
  Bucket bucket{.name = std::string(row.ColumnText(0)),
                .region = std::string(row.ColumnText(1)),
                .owner = std::string(row.ColumnText(2)),
                .created_ms = row.ColumnInt(3),
                .policy = std::string(row.ColumnText(4)),
                .cors = std::string(row.ColumnText(5))};
  STRATA_ASSIGN_OR_RETURN(bucket.tagging,
                          meta::internal::DecodeBucketTagging(bucket.name, row.ColumnText(6)));
  STRATA_ASSIGN_OR_RETURN(bucket.versioning,
                          meta::internal::ParseVersioning(bucket.name, row.ColumnText(7)));
  return bucket;
}

common::Result<std::optional<Bucket>> FindBucket(Connection& connection, std::string_view name) {
  STRATA_ASSIGN_OR_RETURN(Statement select, connection.Prepare(kSelectBucket));
  select.Bind(1, name);
  STRATA_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return std::optional<Bucket>();
  STRATA_ASSIGN_OR_RETURN(Bucket bucket, ReadBucket(select));
  return std::optional<Bucket>(std::move(bucket));
}

// UPDATE buckets SET <column> = value WHERE name = name, in one write
// transaction; kNoSuchBucket when there is no such bucket.
common::Status UpdateBucketColumn(Connection& writer, std::string_view sql, std::string_view name,
                                  std::string_view value) {
  Transaction txn(writer);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_RETURN_IF_ERROR(CheckBucketExists(writer, name));
  {
    STRATA_ASSIGN_OR_RETURN(Statement update, writer.Prepare(sql));
    update.Bind(1, name);
    update.Bind(2, value);
    STRATA_RETURN_IF_ERROR(update.Run());
  }
  return txn.Commit();
}

// Invalidates a bucket's cached row when it goes out of scope. Declared
// before a write's lock and transaction, it runs after the commit or the
// rollback, so no reader can cache the row as it was before the write once
// the write has returned.
class InvalidateBucketOnExit {
 public:
  InvalidateBucketOnExit(internal::BucketCache& cache, std::string_view name)
      : cache_(cache), name_(name) {}
  ~InvalidateBucketOnExit() { cache_.Invalidate(name_); }
  InvalidateBucketOnExit(const InvalidateBucketOnExit&) = delete;
  InvalidateBucketOnExit& operator=(const InvalidateBucketOnExit&) = delete;

 private:
  internal::BucketCache& cache_;
  std::string_view name_;
};

}  // namespace

common::Result<std::unique_ptr<SqliteMetaStore>> SqliteMetaStore::Open(const std::string& path) {
  return Open(path, SqliteOptions());
}

common::Result<std::unique_ptr<SqliteMetaStore>> SqliteMetaStore::Open(
    const std::string& path, const SqliteOptions& options) {
  if (options.read_connections < 1 || options.busy_timeout_ms < 0 ||
      options.bucket_cache_ttl_ms < 0) {
    return Error(Code::kInvalidArgument,
                 "read_connections must be >= 1, busy_timeout_ms and bucket_cache_ttl_ms >= 0");
  }
  // The writer opens first: it creates the file and the WAL index that the
  // query-only readers need.
  STRATA_ASSIGN_OR_RETURN(
      std::unique_ptr<Connection> writer,
      Connection::Open(path, {.busy_timeout_ms = options.busy_timeout_ms, .query_only = false}));
  STRATA_RETURN_IF_ERROR(internal::ApplyMigrations(*writer));
  auto readers = std::make_unique<internal::ReadPool>(
      path,
      internal::ConnectionOptions{.busy_timeout_ms = options.busy_timeout_ms, .query_only = true},
      options.read_connections);
  return std::unique_ptr<SqliteMetaStore>(
      new SqliteMetaStore(std::move(writer), std::move(readers), options.clock,
                          std::chrono::milliseconds(options.bucket_cache_ttl_ms)));
}

SqliteMetaStore::SqliteMetaStore(std::unique_ptr<Connection> writer,
                                 std::unique_ptr<internal::ReadPool> readers,
                                 const common::Clock* clock,
                                 std::chrono::milliseconds bucket_cache_ttl)
    : clock_(clock != nullptr ? *clock : system_clock_),
      writer_(std::move(writer)),
      readers_(std::move(readers)),
      put_commits_(std::make_unique<internal::GroupCommit<PendingPut>>(kMaxPutsPerCommit)),
      buckets_(std::make_unique<internal::BucketCache>(bucket_cache_ttl)) {}

SqliteMetaStore::~SqliteMetaStore() = default;

common::Status SqliteMetaStore::CreateBucket(const Bucket& bucket) {
  STRATA_ASSIGN_OR_RETURN(std::string tagging, EncodeTags(bucket.tagging));
  InvalidateBucketOnExit invalidate(*buckets_, bucket.name);
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_ASSIGN_OR_RETURN(std::optional<Bucket> existing, FindBucket(*writer_, bucket.name));
  if (existing) return meta::internal::BucketTaken(bucket.name, existing->owner, bucket.owner);
  {
    STRATA_ASSIGN_OR_RETURN(Statement insert, writer_->Prepare(kInsertBucket));
    insert.Bind(1, bucket.name);
    insert.Bind(2, bucket.region);
    insert.Bind(3, bucket.owner);
    insert.Bind(4, bucket.created_ms);
    insert.Bind(5, bucket.policy);
    insert.Bind(6, bucket.cors);
    insert.Bind(7, tagging);
    insert.Bind(8, meta::internal::VersioningText(bucket.versioning));
    STRATA_RETURN_IF_ERROR(insert.Run());
  }
  return txn.Commit();
}

common::Result<Bucket> SqliteMetaStore::GetBucket(std::string_view name) {
  if (std::optional<Bucket> cached = buckets_->Find(name)) return *std::move(cached);
  const uint64_t ticket = buckets_->Ticket();
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  STRATA_ASSIGN_OR_RETURN(std::optional<Bucket> bucket, FindBucket(*reader, name));
  if (!bucket) return NoSuchBucket(name);
  buckets_->Fill(ticket, *bucket);
  return *std::move(bucket);
}

common::Result<std::vector<Bucket>> SqliteMetaStore::ListBuckets() {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  STRATA_ASSIGN_OR_RETURN(Statement select, reader->Prepare(kSelectBuckets));
  std::vector<Bucket> buckets;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    STRATA_ASSIGN_OR_RETURN(Bucket bucket, ReadBucket(select));
    buckets.push_back(std::move(bucket));
  }
  return buckets;
}

common::Status SqliteMetaStore::DeleteBucket(std::string_view name) {
  // Read before the lock: the time the bucket's uploads are aborted at.
  const int64_t now_ms = clock_.NowMillis();
  InvalidateBucketOnExit invalidate(*buckets_, name);
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_RETURN_IF_ERROR(CheckBucketExists(*writer_, name));
  STRATA_ASSIGN_OR_RETURN(bool not_empty, BucketHasObjects(*writer_, name));
  if (not_empty) return meta::internal::BucketNotEmpty(name);
  // AWS refuses only while objects remain. Uploads in progress are aborted
  // with the bucket, in this transaction: their rows would otherwise dangle
  // from a deleted bucket (and block its deletion through the foreign key),
  // and their parts' chunks would never be released.
  STRATA_RETURN_IF_ERROR(internal::DeleteBucketUploads(*writer_, name, now_ms));
  {
    STRATA_ASSIGN_OR_RETURN(Statement del, writer_->Prepare(kDeleteBucket));
    del.Bind(1, name);
    STRATA_RETURN_IF_ERROR(del.Run());
  }
  return txn.Commit();
}

common::Status SqliteMetaStore::SetBucketPolicy(std::string_view name, std::string_view policy) {
  InvalidateBucketOnExit invalidate(*buckets_, name);
  std::lock_guard lock(write_mu_);
  return UpdateBucketColumn(*writer_, kSetBucketPolicy, name, policy);
}

common::Status SqliteMetaStore::SetBucketCors(std::string_view name, std::string_view cors) {
  InvalidateBucketOnExit invalidate(*buckets_, name);
  std::lock_guard lock(write_mu_);
  return UpdateBucketColumn(*writer_, kSetBucketCors, name, cors);
}

common::Status SqliteMetaStore::SetBucketTagging(std::string_view name,
                                                 const MetadataPairs& tagging) {
  STRATA_ASSIGN_OR_RETURN(std::string encoded, EncodeTags(tagging));
  InvalidateBucketOnExit invalidate(*buckets_, name);
  std::lock_guard lock(write_mu_);
  return UpdateBucketColumn(*writer_, kSetBucketTagging, name, encoded);
}

common::Status SqliteMetaStore::SetBucketVersioning(std::string_view name, Versioning versioning) {
  STRATA_RETURN_IF_ERROR(meta::internal::CheckVersioningChange(versioning));
  InvalidateBucketOnExit invalidate(*buckets_, name);
  std::lock_guard lock(write_mu_);
  return UpdateBucketColumn(*writer_, kSetBucketVersioning, name,
                            meta::internal::VersioningText(versioning));
}

common::Status SqliteMetaStore::SetObjectTags(std::string_view bucket, std::string_view key,
                                              const MetadataPairs& tags) {
  STRATA_ASSIGN_OR_RETURN(std::string encoded, EncodeTags(tags));
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  {
    STRATA_ASSIGN_OR_RETURN(Statement update, writer_->Prepare(kSetObjectTags));
    update.Bind(1, bucket);
    update.Bind(2, key);
    update.Bind(3, encoded);
    STRATA_RETURN_IF_ERROR(update.Run());
  }
  if (writer_->Changes() == 0) {
    STRATA_RETURN_IF_ERROR(CheckBucketExists(*writer_, bucket));
    return meta::internal::NoSuchKey(key);
  }
  return txn.Commit();
}

common::Result<ObjectRecord> SqliteMetaStore::GetObject(std::string_view bucket,
                                                        std::string_view key) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  {
    // The common case, a hit, is one statement: atomic by itself, so it
    // needs no BEGIN and COMMIT (about 5 % of a small GET's CPU).
    STRATA_ASSIGN_OR_RETURN(std::optional<ObjectRecord> record,
                            FindObject(*reader, bucket, key, OnBadMetadata::kFail));
    if (record) return *std::move(record);
  }
  // A miss: NoSuchKey or NoSuchBucket, looked up again in one snapshot so
  // the error names the state at one instant.
  Transaction txn(*reader);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kRead));
  STRATA_ASSIGN_OR_RETURN(std::optional<ObjectRecord> record,
                          FindObject(*reader, bucket, key, OnBadMetadata::kFail));
  if (!record) {
    STRATA_RETURN_IF_ERROR(CheckBucketExists(*reader, bucket));
    return meta::internal::NoSuchKey(key);
  }
  STRATA_RETURN_IF_ERROR(txn.Commit());
  return *std::move(record);
}

struct SqliteMetaStore::PendingPut {
  const ObjectRecord& object;
  const meta::internal::EncodedObject& encoded;
  const WriteCondition& condition;
  const std::vector<ChunkInfo>& written_chunks;
  int64_t now_ms;
  std::optional<common::Result<PutResult>> result;  // set by CommitPuts
};

common::Result<MetaStore::PutResult> SqliteMetaStore::PutObject(
    const ObjectRecord& object, const WriteCondition& condition,
    const std::vector<ChunkInfo>& written_chunks, int64_t now_ms) {
  // Checked and encoded before queueing: nothing here needs the writer.
  STRATA_ASSIGN_OR_RETURN(meta::internal::EncodedObject encoded,
                          meta::internal::EncodeObject(object, written_chunks));
  PendingPut put{object, encoded, condition, written_chunks, now_ms, std::nullopt};
  put_commits_->Submit(put, [this](std::span<PendingPut* const> batch) { CommitPuts(batch); });
  if (!put.result) return Status(common::Code::kInternal, "put was not committed");
  return *std::move(put.result);
}

void SqliteMetaStore::CommitPuts(std::span<PendingPut* const> batch) {
  auto fail_all = [&](const Status& status) {
    for (PendingPut* put : batch) put->result = status;
  };
  std::lock_guard lock(write_mu_);
  // IMMEDIATE: each put's condition is checked and its row and counts written
  // under one write lock, so two conditional PUTs on one key cannot both
  // succeed, in one batch or in two. Every early return rolls back.
  Transaction txn(*writer_);
  if (Status begun = txn.Begin(Transaction::Mode::kWrite); !begun.ok()) return fail_all(begun);
  const bool savepoints = batch.size() > 1;
  bool any_written = false;
  for (PendingPut* put : batch) {
    if (savepoints) {
      if (Status opened = writer_->RunCached("SAVEPOINT put"); !opened.ok()) {
        return fail_all(opened);
      }
    }
    put->result = [&]() -> common::Result<PutResult> {
      STRATA_RETURN_IF_ERROR(CheckBucketExists(*writer_, put->object.bucket));
      return internal::WriteObject(*writer_, put->object, put->encoded, put->condition,
                                   put->written_chunks, put->now_ms);
    }();
    any_written = any_written || put->result->ok();
    if (!savepoints) continue;
    // A failed put leaves nothing behind; if SQLite ended the transaction
    // itself (I/O error, disk full) the savepoint is gone and so is the batch.
    Status closed = writer_->RunCached(put->result->ok() ? "RELEASE put" : "ROLLBACK TO put");
    if (closed.ok() && !put->result->ok()) closed = writer_->RunCached("RELEASE put");
    if (!closed.ok()) return fail_all(closed);
  }
  if (!any_written) return;  // nothing to commit: the transaction rolls back
  // The objects exist from here on: COMMIT returns after the WAL fsync.
  if (Status committed = txn.Commit(); !committed.ok()) return fail_all(committed);
}

common::Result<ListPage> SqliteMetaStore::ListObjects(std::string_view bucket,
                                                      const ListQuery& query) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  // One snapshot for the bucket check and every seek of the page.
  Transaction txn(*reader);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kRead));
  STRATA_RETURN_IF_ERROR(CheckBucketExists(*reader, bucket));
  common::Result<ListPage> page = [&] {
    internal::ObjectListCursor cursor(*reader, bucket);  // its statement is reset before COMMIT
    return WalkListing(query, cursor);
  }();
  if (!page.ok()) return page;
  STRATA_RETURN_IF_ERROR(txn.Commit());
  return page;
}

common::Result<std::optional<ChunkInfo>> SqliteMetaStore::FindChunk(std::string_view hash,
                                                                    int64_t now_ms) {
  // Dedup asks this for every chunk it uploads, and almost every hit is
  // referenced, so the lookup stays off the write lock. A count that reaches
  // 0 after this read sets zero_since_ms to that (later) moment itself, so
  // the grace period still starts no earlier than now.
  {
    STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
    STRATA_ASSIGN_OR_RETURN(std::optional<ChunkRow> row, internal::SelectChunk(*reader, hash));
    if (!row) return std::optional<ChunkInfo>();
    if (row->refcount > 0) return std::optional<ChunkInfo>(std::move(row->info));
  }
  // At count 0: restart the grace period, and answer from the same
  // transaction (GC may have deleted the row, or a put re-referenced it).
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  {
    STRATA_ASSIGN_OR_RETURN(Statement touch, writer_->Prepare(kTouchUnreferenced));
    touch.Bind(1, hash);
    touch.Bind(2, now_ms);
    STRATA_RETURN_IF_ERROR(touch.Run());
  }
  STRATA_ASSIGN_OR_RETURN(std::optional<ChunkRow> row, internal::SelectChunk(*writer_, hash));
  // Committed before returning: GC must see the new time before the caller
  // relies on the chunk.
  STRATA_RETURN_IF_ERROR(txn.Commit());
  if (!row) return std::optional<ChunkInfo>();
  return std::optional<ChunkInfo>(std::move(row->info));
}

common::Result<std::vector<ChunkInfo>> SqliteMetaStore::ListUnreferencedChunks(
    int64_t zero_before_ms, size_t limit) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  STRATA_ASSIGN_OR_RETURN(Statement select, reader->Prepare(kSelectUnreferenced));
  select.Bind(1, zero_before_ms);
  select.Bind(2, SqlLimit(limit));
  std::vector<ChunkInfo> chunks;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    chunks.push_back(internal::ReadChunkInfo(select));
  }
  return chunks;
}

common::Result<bool> SqliteMetaStore::DeleteUnreferencedChunk(const ChunkInfo& chunk,
                                                              int64_t zero_before_ms) {
  std::lock_guard lock(write_mu_);
  // The conditions are rechecked under the write lock: a put that referenced
  // the chunk, or a FindChunk that restarted its grace period, since GC
  // listed it wins, and the row stays.
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  {
    STRATA_ASSIGN_OR_RETURN(Statement del, writer_->Prepare(kDeleteUnreferenced));
    del.Bind(1, chunk.hash);
    del.Bind(2, chunk.location);
    del.Bind(3, zero_before_ms);
    STRATA_RETURN_IF_ERROR(del.Run());
  }
  const bool deleted = writer_->Changes() == 1;
  // Only after this commit may the caller delete the shard files.
  STRATA_RETURN_IF_ERROR(txn.Commit());
  return deleted;
}

common::Result<bool> SqliteMetaStore::ChunkLocationExists(std::string_view location) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  STRATA_ASSIGN_OR_RETURN(Statement select, reader->Prepare(kChunkAtLocation));
  select.Bind(1, location);
  return select.Step();
}

common::Result<std::vector<ChunkInfo>> SqliteMetaStore::ListChunks(std::string_view after_hash,
                                                                   size_t limit) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  STRATA_ASSIGN_OR_RETURN(Statement select, reader->Prepare(kSelectChunksAfter));
  select.Bind(1, after_hash);
  select.Bind(2, SqlLimit(limit));
  std::vector<ChunkInfo> chunks;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    chunks.push_back(internal::ReadChunkInfo(select));
  }
  return chunks;
}

common::Result<StorageStats> SqliteMetaStore::GetStorageStats() {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  // One snapshot for every table.
  Transaction txn(*reader);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kRead));
  StorageStats stats;
  {
    STRATA_ASSIGN_OR_RETURN(Statement objects, reader->Prepare(kObjectStats));
    STRATA_ASSIGN_OR_RETURN(bool row, objects.Step());
    if (!row) return Error(Code::kInternal, "object statistics returned no row");
    stats.objects = static_cast<uint64_t>(objects.ColumnInt(0));
    stats.logical_bytes = static_cast<uint64_t>(objects.ColumnInt(1));
    stats.inline_bytes = static_cast<uint64_t>(objects.ColumnInt(2));
  }
  {
    STRATA_ASSIGN_OR_RETURN(Statement versions, reader->Prepare(kVersionStats));
    STRATA_ASSIGN_OR_RETURN(bool row, versions.Step());
    if (!row) return Error(Code::kInternal, "version statistics returned no row");
    stats.noncurrent_versions = static_cast<uint64_t>(versions.ColumnInt(0));
    stats.noncurrent_bytes = static_cast<uint64_t>(versions.ColumnInt(1));
    stats.delete_markers = static_cast<uint64_t>(versions.ColumnInt(2));
  }
  {
    STRATA_ASSIGN_OR_RETURN(Statement chunks, reader->Prepare(kChunkStats));
    STRATA_ASSIGN_OR_RETURN(bool row, chunks.Step());
    if (!row) return Error(Code::kInternal, "chunk statistics returned no row");
    stats.chunks = static_cast<uint64_t>(chunks.ColumnInt(0));
    stats.chunk_bytes = static_cast<uint64_t>(chunks.ColumnInt(1));
    stats.unreferenced_chunks = static_cast<uint64_t>(chunks.ColumnInt(2));
  }
  STRATA_RETURN_IF_ERROR(txn.Commit());
  return stats;
}

}  // namespace strata::meta::sqlite
