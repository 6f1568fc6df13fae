#include "meta/sqlite/sqlite_meta_store.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

#include "meta/list_walker.h"
#include "meta/metadata_json.h"
#include "meta/sqlite/internal/chunk_refs.h"
#include "meta/sqlite/internal/connection.h"
#include "meta/sqlite/internal/migrator.h"
#include "meta/sqlite/internal/read_pool.h"

namespace strata::meta::sqlite {
namespace {

using common::Code;
using common::Error;
using internal::ChunkRow;
using internal::Connection;
using internal::Statement;
using internal::Transaction;

#define STRATA_OBJECT_COLUMNS                                                                 \
  "bucket, key, size, etag, content_type, user_metadata, system_metadata, last_modified_ms, " \
  "storage_class, manifest, inline_data"

constexpr std::string_view kSelectBucket =
    "SELECT name, region, owner, created_ms FROM buckets WHERE name = ?1";
constexpr std::string_view kSelectBuckets =
    "SELECT name, region, owner, created_ms FROM buckets ORDER BY name";
constexpr std::string_view kInsertBucket =
    "INSERT INTO buckets (name, region, owner, created_ms) VALUES (?1, ?2, ?3, ?4)";
constexpr std::string_view kDeleteBucket = "DELETE FROM buckets WHERE name = ?1";
constexpr std::string_view kAnyObject = "SELECT 1 FROM objects WHERE bucket = ?1 LIMIT 1";
constexpr std::string_view kSelectObject =
    "SELECT " STRATA_OBJECT_COLUMNS " FROM objects WHERE bucket = ?1 AND key = ?2";
// Insert-or-replace in place (not INSERT OR REPLACE, which deletes the row
// first and would fire ON DELETE actions of future child tables).
constexpr std::string_view kUpsertObject =
    "INSERT INTO objects (" STRATA_OBJECT_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
    " ON CONFLICT (bucket, key) DO UPDATE SET size = excluded.size, etag = excluded.etag,"
    " content_type = excluded.content_type, user_metadata = excluded.user_metadata,"
    " system_metadata = excluded.system_metadata,"
    " last_modified_ms = excluded.last_modified_ms, storage_class = excluded.storage_class,"
    " manifest = excluded.manifest, inline_data = excluded.inline_data";
constexpr std::string_view kDeleteObject = "DELETE FROM objects WHERE bucket = ?1 AND key = ?2";
// Listing seeks: both walk the (bucket, key) primary-key index from the bound,
// in key order, with no sort step; rows are produced lazily as stepped.
constexpr std::string_view kSeekInclusive = "SELECT " STRATA_OBJECT_COLUMNS
                                            " FROM objects WHERE bucket = ?1 AND key >= ?2"
                                            " ORDER BY key";
constexpr std::string_view kSeekExclusive = "SELECT " STRATA_OBJECT_COLUMNS
                                            " FROM objects WHERE bucket = ?1 AND key > ?2"
                                            " ORDER BY key";
#undef STRATA_OBJECT_COLUMNS

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
constexpr std::string_view kChunkStats =
    "SELECT count(*), COALESCE(SUM(size), 0),"
    " COALESCE(SUM(CASE WHEN refcount = 0 THEN 1 ELSE 0 END), 0) FROM chunks";

// The body size ObjectRecord's rules give: inline_data's or the sum of the
// manifest's lengths. nullopt when the record has both, or the sum overflows.
std::optional<uint64_t> BodySize(const ObjectRecord& record) {
  if (record.manifest.empty()) return record.inline_data.size();
  if (!record.inline_data.empty()) return std::nullopt;
  uint64_t total = 0;
  for (const ManifestEntry& entry : record.manifest) {
    if (entry.length > std::numeric_limits<uint64_t>::max() - total) return std::nullopt;
    total += entry.length;
  }
  return total;
}

// A SQL LIMIT for a size_t count.
int64_t SqlLimit(size_t limit) {
  return static_cast<int64_t>(
      std::min<size_t>(limit, static_cast<size_t>(std::numeric_limits<int64_t>::max())));
}

Bucket ReadBucket(const Statement& row) {
  return Bucket{.name = std::string(row.ColumnText(0)),
                .region = std::string(row.ColumnText(1)),
                .owner = std::string(row.ColumnText(2)),
                .created_ms = row.ColumnInt(3)};
}

// How ReadObject treats metadata or a manifest it cannot decode.
enum class OnBadMetadata {
  kFail,  // kCorruption: reads must not return a record that lies
  // Empty metadata and manifest: a damaged row must stay replaceable and
  // removable. A lost manifest cannot release its chunks' references, so they
  // leak, which is the safe way round (no chunk in use is ever collected).
  kDrop,
};

// Reads a row selected with STRATA_OBJECT_COLUMNS.
common::Result<ObjectRecord> ReadObject(const Statement& row, OnBadMetadata on_bad_metadata) {
  ObjectRecord record;
  record.bucket = row.ColumnText(0);
  record.key = row.ColumnText(1);
  record.size = static_cast<uint64_t>(row.ColumnInt(2));  // CHECK (size >= 0)
  record.etag = row.ColumnText(3);
  record.content_type = row.ColumnText(4);
  auto user_metadata = DecodeMetadata(row.ColumnText(5));
  auto system_metadata = DecodeMetadata(row.ColumnText(6));
  if (user_metadata.ok() && system_metadata.ok()) {
    record.user_metadata = std::move(user_metadata).value();
    record.system_metadata = std::move(system_metadata).value();
  } else if (on_bad_metadata == OnBadMetadata::kFail) {
    return Error(Code::kCorruption, "object '" + record.key + "' has unreadable metadata");
  }
  record.last_modified_ms = row.ColumnInt(7);
  record.storage_class = row.ColumnText(8);
  record.inline_data = row.ColumnBlob(10);  // NULL reads as ""
  auto manifest = DecodeManifest(row.ColumnText(9));
  if (manifest.ok()) {
    record.manifest = std::move(manifest).value();
  } else if (on_bad_metadata == OnBadMetadata::kFail) {
    return Error(Code::kCorruption, "object '" + record.key + "' has an unreadable manifest");
  }
  if (on_bad_metadata == OnBadMetadata::kFail && BodySize(record) != record.size) {
    return Error(Code::kCorruption, "object '" + record.key + "' has a body that is not its size");
  }
  return record;
}

common::Status NoSuchBucket(std::string_view name) {
  return Error(Code::kNoSuchBucket, "bucket '" + std::string(name) + "' does not exist");
}

common::Result<std::optional<Bucket>> FindBucket(Connection& connection, std::string_view name) {
  STRATA_ASSIGN_OR_RETURN(Statement select, connection.Prepare(kSelectBucket));
  select.Bind(1, name);
  STRATA_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return std::optional<Bucket>();
  return std::optional<Bucket>(ReadBucket(select));
}

common::Status CheckBucketExists(Connection& connection, std::string_view name) {
  STRATA_ASSIGN_OR_RETURN(std::optional<Bucket> bucket, FindBucket(connection, name));
  if (!bucket) return NoSuchBucket(name);
  return common::Status::Ok();
}

common::Result<std::optional<ObjectRecord>> FindObject(Connection& connection,
                                                       std::string_view bucket,
                                                       std::string_view key,
                                                       OnBadMetadata on_bad_metadata) {
  STRATA_ASSIGN_OR_RETURN(Statement select, connection.Prepare(kSelectObject));
  select.Bind(1, bucket);
  select.Bind(2, key);
  STRATA_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return std::optional<ObjectRecord>();
  STRATA_ASSIGN_OR_RETURN(ObjectRecord record, ReadObject(select, on_bad_metadata));
  return std::optional<ObjectRecord>(std::move(record));
}

common::Status CheckCondition(const WriteCondition& condition,
                              const std::optional<ObjectRecord>& current) {
  switch (condition.kind) {
    case WriteCondition::Kind::kNone:
      return common::Status::Ok();
    case WriteCondition::Kind::kIfNoneMatchAny:
      if (current) return Error(Code::kPreconditionFailed, "the object already exists");
      return common::Status::Ok();
    case WriteCondition::Kind::kIfMatch:
      if (!current) return Error(Code::kPreconditionFailed, "the object does not exist");
      if (current->etag != condition.etag) {
        return Error(Code::kPreconditionFailed, "the object's ETag does not match");
      }
      return common::Status::Ok();
  }
  return Error(Code::kInternal, "unknown write condition");
}

// ListCursor over one bucket on a connection inside a read transaction.
class SqliteListCursor : public ListCursor {
 public:
  SqliteListCursor(Connection& connection, std::string_view bucket)
      : connection_(connection), bucket_(bucket) {}

  common::Status Seek(std::string_view lower, bool inclusive) override {
    // Release the previous use first: the same cached statement is reused.
    scan_.reset();
    STRATA_ASSIGN_OR_RETURN(Statement scan,
                            connection_.Prepare(inclusive ? kSeekInclusive : kSeekExclusive));
    scan.Bind(1, bucket_);
    scan.Bind(2, lower);
    scan_.emplace(std::move(scan));
    return common::Status::Ok();
  }

  common::Result<bool> Next() override {
    if (!scan_) return false;
    return scan_->Step();
  }

  std::string_view key() const override { return scan_->ColumnText(1); }

  common::Result<ObjectRecord> Record() override {
    return ReadObject(*scan_, OnBadMetadata::kFail);
  }

 private:
  Connection& connection_;
  const std::string bucket_;
  std::optional<Statement> scan_;
};

}  // namespace

common::Result<std::unique_ptr<SqliteMetaStore>> SqliteMetaStore::Open(const std::string& path) {
  return Open(path, SqliteOptions());
}

common::Result<std::unique_ptr<SqliteMetaStore>> SqliteMetaStore::Open(
    const std::string& path, const SqliteOptions& options) {
  if (options.read_connections < 1 || options.busy_timeout_ms < 0) {
    return Error(Code::kInvalidArgument, "read_connections must be >= 1, busy_timeout_ms >= 0");
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
      new SqliteMetaStore(std::move(writer), std::move(readers)));
}

SqliteMetaStore::SqliteMetaStore(std::unique_ptr<Connection> writer,
                                 std::unique_ptr<internal::ReadPool> readers)
    : writer_(std::move(writer)), readers_(std::move(readers)) {}

SqliteMetaStore::~SqliteMetaStore() = default;

common::Status SqliteMetaStore::CreateBucket(const Bucket& bucket) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_ASSIGN_OR_RETURN(std::optional<Bucket> existing, FindBucket(*writer_, bucket.name));
  if (existing) {
    if (existing->owner == bucket.owner) {
      return Error(Code::kBucketAlreadyOwnedByYou, "you already own bucket '" + bucket.name + "'");
    }
    return Error(Code::kBucketAlreadyExists, "bucket '" + bucket.name + "' already exists");
  }
  {
    STRATA_ASSIGN_OR_RETURN(Statement insert, writer_->Prepare(kInsertBucket));
    insert.Bind(1, bucket.name);
    insert.Bind(2, bucket.region);
    insert.Bind(3, bucket.owner);
    insert.Bind(4, bucket.created_ms);
    STRATA_RETURN_IF_ERROR(insert.Run());
  }
  return txn.Commit();
}

common::Result<Bucket> SqliteMetaStore::GetBucket(std::string_view name) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  STRATA_ASSIGN_OR_RETURN(std::optional<Bucket> bucket, FindBucket(*reader, name));
  if (!bucket) return NoSuchBucket(name);
  return *std::move(bucket);
}

common::Result<std::vector<Bucket>> SqliteMetaStore::ListBuckets() {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  STRATA_ASSIGN_OR_RETURN(Statement select, reader->Prepare(kSelectBuckets));
  std::vector<Bucket> buckets;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    buckets.push_back(ReadBucket(select));
  }
  return buckets;
}

common::Status SqliteMetaStore::DeleteBucket(std::string_view name) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_RETURN_IF_ERROR(CheckBucketExists(*writer_, name));
  {
    STRATA_ASSIGN_OR_RETURN(Statement any, writer_->Prepare(kAnyObject));
    any.Bind(1, name);
    STRATA_ASSIGN_OR_RETURN(bool not_empty, any.Step());
    if (not_empty) {
      return Error(Code::kBucketNotEmpty, "bucket '" + std::string(name) + "' is not empty");
    }
  }
  {
    STRATA_ASSIGN_OR_RETURN(Statement del, writer_->Prepare(kDeleteBucket));
    del.Bind(1, name);
    STRATA_RETURN_IF_ERROR(del.Run());
  }
  return txn.Commit();
}

common::Result<ObjectRecord> SqliteMetaStore::GetObject(std::string_view bucket,
                                                        std::string_view key) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  // One snapshot for both lookups, so the error names the state at one instant.
  Transaction txn(*reader);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kRead));
  STRATA_ASSIGN_OR_RETURN(std::optional<ObjectRecord> record,
                          FindObject(*reader, bucket, key, OnBadMetadata::kFail));
  if (!record) {
    STRATA_RETURN_IF_ERROR(CheckBucketExists(*reader, bucket));
    return Error(Code::kNoSuchKey, "key '" + std::string(key) + "' does not exist");
  }
  STRATA_RETURN_IF_ERROR(txn.Commit());
  return *std::move(record);
}

common::Result<MetaStore::PutResult> SqliteMetaStore::PutObject(
    const ObjectRecord& object, const WriteCondition& condition,
    const std::vector<ChunkInfo>& written_chunks, int64_t now_ms) {
  constexpr auto kMaxSize = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (object.size > kMaxSize) {
    return Error(Code::kInvalidArgument, "object size does not fit in 63 bits");
  }
  if (BodySize(object) != object.size) {
    return Error(Code::kInvalidArgument,
                 "object body (inline data or manifest pieces) does not match its size");
  }
  for (const ChunkInfo& chunk : written_chunks) {
    if (chunk.data_shards < 0 || chunk.parity_shards < 0 || chunk.size > kMaxSize) {
      return Error(Code::kInvalidArgument, "written chunk " + chunk.hash + " is malformed");
    }
  }
  // Encode before taking the lock: nothing here needs it. The manifest is
  // encoded again below only when entries are rewritten.
  STRATA_ASSIGN_OR_RETURN(std::string user_metadata, EncodeMetadata(object.user_metadata));
  STRATA_ASSIGN_OR_RETURN(std::string system_metadata, EncodeMetadata(object.system_metadata));
  STRATA_ASSIGN_OR_RETURN(std::string manifest_json, EncodeManifest(object.manifest));

  std::lock_guard lock(write_mu_);
  // IMMEDIATE: the condition is checked and the row and counts written under
  // one write lock, so two conditional PUTs on one key cannot both succeed.
  // Every early return rolls back, so a failed put changes no count.
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_RETURN_IF_ERROR(CheckBucketExists(*writer_, object.bucket));
  STRATA_ASSIGN_OR_RETURN(std::optional<ObjectRecord> replaced,
                          FindObject(*writer_, object.bucket, object.key, OnBadMetadata::kDrop));
  STRATA_RETURN_IF_ERROR(CheckCondition(condition, replaced));
  // References are added before the replaced record's are dropped, so a
  // chunk both records use never passes through 0.
  Manifest manifest = object.manifest;
  STRATA_ASSIGN_OR_RETURN(internal::AddedReferences added,
                          internal::AddReferences(*writer_, manifest, written_chunks, now_ms));
  if (replaced) {
    STRATA_RETURN_IF_ERROR(internal::DropReferences(*writer_, replaced->manifest, now_ms));
  }
  if (added.rewritten) {
    STRATA_ASSIGN_OR_RETURN(manifest_json, EncodeManifest(manifest));
  }
  {
    STRATA_ASSIGN_OR_RETURN(Statement upsert, writer_->Prepare(kUpsertObject));
    upsert.Bind(1, object.bucket);
    upsert.Bind(2, object.key);
    upsert.Bind(3, static_cast<int64_t>(object.size));
    upsert.Bind(4, object.etag);
    upsert.Bind(5, object.content_type);
    upsert.Bind(6, user_metadata);
    upsert.Bind(7, system_metadata);
    upsert.Bind(8, object.last_modified_ms);
    upsert.Bind(9, object.storage_class);
    upsert.Bind(10, manifest_json);
    if (object.inline_data.empty()) {
      upsert.BindNull(11);
    } else {
      upsert.BindBlob(11, object.inline_data);
    }
    STRATA_RETURN_IF_ERROR(upsert.Run());
  }
  // The object exists from here on: COMMIT returns after the WAL fsync.
  STRATA_RETURN_IF_ERROR(txn.Commit());
  return PutResult{.replaced = std::move(replaced),
                   .unused_chunks = std::move(added.unused_chunks)};
}

common::Result<std::optional<ObjectRecord>> SqliteMetaStore::DeleteObject(std::string_view bucket,
                                                                          std::string_view key,
                                                                          int64_t now_ms) {
  std::lock_guard lock(write_mu_);
  Transaction txn(*writer_);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kWrite));
  STRATA_RETURN_IF_ERROR(CheckBucketExists(*writer_, bucket));
  STRATA_ASSIGN_OR_RETURN(std::optional<ObjectRecord> deleted,
                          FindObject(*writer_, bucket, key, OnBadMetadata::kDrop));
  if (deleted) {
    {
      STRATA_ASSIGN_OR_RETURN(Statement del, writer_->Prepare(kDeleteObject));
      del.Bind(1, bucket);
      del.Bind(2, key);
      STRATA_RETURN_IF_ERROR(del.Run());
    }
    STRATA_RETURN_IF_ERROR(internal::DropReferences(*writer_, deleted->manifest, now_ms));
  }
  STRATA_RETURN_IF_ERROR(txn.Commit());
  return deleted;
}

common::Result<ListPage> SqliteMetaStore::ListObjects(std::string_view bucket,
                                                      const ListQuery& query) {
  STRATA_ASSIGN_OR_RETURN(internal::ReadPool::Lease reader, readers_->Acquire());
  // One snapshot for the bucket check and every seek of the page.
  Transaction txn(*reader);
  STRATA_RETURN_IF_ERROR(txn.Begin(Transaction::Mode::kRead));
  STRATA_RETURN_IF_ERROR(CheckBucketExists(*reader, bucket));
  common::Result<ListPage> page = [&] {
    SqliteListCursor cursor(*reader, bucket);  // its statement is reset before COMMIT
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
  // One snapshot for both tables.
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
