#include "meta/postgres/postgres_meta_store.h"

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <utility>

#include "meta/internal/record_codec.h"
#include "meta/internal/store_errors.h"
#include "meta/internal/version_rules.h"
#include "meta/list_walker.h"
#include "meta/metadata_json.h"
#include "meta/postgres/internal/chunk_refs.h"
#include "meta/postgres/internal/connection.h"
#include "meta/postgres/internal/migrator.h"
#include "meta/postgres/internal/object_rows.h"
#include "meta/postgres/internal/pool.h"
#include "meta/postgres/internal/runner.h"
#include "meta/postgres/internal/upload_rows.h"
#include "meta/postgres/internal/version_rows.h"

namespace strata::meta::postgres {
namespace {

using common::Code;
using common::Error;
using internal::ChunkRow;
using internal::Connection;
using internal::Params;
using internal::Rows;
using internal::TxnMode;

#define STRATA_PG_BUCKET_COLUMNS \
  "name, region, owner, created_ms, policy, cors, tagging, versioning"
constexpr std::string_view kSelectBucket =
    "SELECT " STRATA_PG_BUCKET_COLUMNS " FROM buckets WHERE name = $1";
constexpr std::string_view kSelectBuckets =
    "SELECT " STRATA_PG_BUCKET_COLUMNS " FROM buckets ORDER BY name";
constexpr std::string_view kInsertBucket =
    "INSERT INTO buckets (" STRATA_PG_BUCKET_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
#undef STRATA_PG_BUCKET_COLUMNS
constexpr std::string_view kDeleteBucket = "DELETE FROM buckets WHERE name = $1";
constexpr std::string_view kSetBucketPolicy = "UPDATE buckets SET policy = $2 WHERE name = $1";
constexpr std::string_view kSetBucketCors = "UPDATE buckets SET cors = $2 WHERE name = $1";
constexpr std::string_view kSetBucketTagging = "UPDATE buckets SET tagging = $2 WHERE name = $1";
// Tags only: etag and last_modified_ms stay as they are (meta_store.h).
constexpr std::string_view kSetObjectTags =
    "UPDATE objects SET tags = $3 WHERE bucket = $1 AND key = $2";

// GC's scan: a walk of the partial index chunks_unreferenced.
constexpr std::string_view kSelectUnreferenced =
    "SELECT " STRATA_PG_CHUNK_COLUMNS
    " FROM chunks WHERE refcount = 0 AND zero_since_ms <= $1 ORDER BY zero_since_ms, hash"
    " LIMIT $2";
constexpr std::string_view kSelectChunksAfter =
    "SELECT " STRATA_PG_CHUNK_COLUMNS " FROM chunks WHERE hash > $1 ORDER BY hash LIMIT $2";
// Never backwards: a clock stepping back must not shorten the grace period.
constexpr std::string_view kTouchUnreferenced =
    "UPDATE chunks SET zero_since_ms = $2"
    " WHERE hash = $1 AND refcount = 0 AND zero_since_ms < $2";
constexpr std::string_view kDeleteUnreferenced =
    "DELETE FROM chunks"
    " WHERE hash = $1 AND location = $2 AND refcount = 0 AND zero_since_ms <= $3";
constexpr std::string_view kChunkAtLocation = "SELECT 1 FROM chunks WHERE location = $1";
// SUM of a BIGINT is NUMERIC in PostgreSQL (DECIMAL in CockroachDB): cast
// back, so every column arrives as a binary int8.
constexpr std::string_view kObjectStats =
    "SELECT count(*), CAST(COALESCE(SUM(size), 0) AS BIGINT),"
    " CAST(COALESCE(SUM(octet_length(inline_data)), 0) AS BIGINT) FROM objects";
constexpr std::string_view kChunkStats =
    "SELECT count(*), CAST(COALESCE(SUM(size), 0) AS BIGINT),"
    " CAST(COALESCE(SUM(CASE WHEN refcount = 0 THEN 1 ELSE 0 END), 0) AS BIGINT) FROM chunks";

common::Result<Bucket> ReadBucket(const Rows& rows, int row) {
  Bucket bucket{.name = std::string(rows.Bytes(row, 0)),
                .region = std::string(rows.Bytes(row, 1)),
                .owner = std::string(rows.Bytes(row, 2)),
                .created_ms = rows.Int(row, 3),
                .policy = std::string(rows.Bytes(row, 4)),
                .cors = std::string(rows.Bytes(row, 5))};
  STRATA_ASSIGN_OR_RETURN(bucket.tagging,
                          meta::internal::DecodeBucketTagging(bucket.name, rows.Bytes(row, 6)));
  STRATA_ASSIGN_OR_RETURN(bucket.versioning,
                          meta::internal::ParseVersioning(bucket.name, rows.Bytes(row, 7)));
  return bucket;
}

common::Result<std::optional<Bucket>> FindBucket(Connection& connection, std::string_view name) {
  STRATA_ASSIGN_OR_RETURN(Rows rows, connection.Query(kSelectBucket, Params().Text(name)));
  if (rows.empty()) return std::optional<Bucket>();
  STRATA_ASSIGN_OR_RETURN(Bucket bucket, ReadBucket(rows, 0));
  return std::optional<Bucket>(std::move(bucket));
}

// LIMIT takes a BIGINT; a size_t beyond INT64_MAX means "no limit" anyway.
int64_t SqlLimit(size_t limit) {
  return static_cast<int64_t>(
      std::min<size_t>(limit, static_cast<size_t>(std::numeric_limits<int64_t>::max())));
}

std::vector<ChunkInfo> ReadChunks(const Rows& rows) {
  std::vector<ChunkInfo> chunks;
  chunks.reserve(rows.size());
  for (int row = 0; row < rows.size(); ++row) chunks.push_back(internal::ReadChunkInfo(rows, row));
  return chunks;
}

common::Status CheckOptions(const PostgresOptions& options) {
  if (options.connections < 1 || options.max_attempts < 1 || options.max_reconnects < 0 ||
      options.acquire_timeout_ms < 0 || options.connect_timeout_s < 0) {
    return Error(Code::kInvalidArgument,
                 "PostgreSQL options: connections and max_attempts must be >= 1, the rest >= 0");
  }
  return common::Status::Ok();
}

// PQconninfoParse, for its error message and its values. kInvalidArgument
// when libpq refuses the string.
common::Result<std::vector<std::pair<std::string, std::string>>> ParseConninfo(
    std::string_view conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(std::string(conninfo).c_str(), &error);
  if (options == nullptr) {
    std::string message = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return Error(Code::kInvalidArgument, "invalid PostgreSQL connection string: " + message);
  }
  std::vector<std::pair<std::string, std::string>> values;
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (option->val != nullptr) values.emplace_back(option->keyword, option->val);
  }
  PQconninfoFree(options);
  return values;
}

}  // namespace

common::Result<std::string> DescribeConninfo(std::string_view conninfo) {
  STRATA_ASSIGN_OR_RETURN(auto values, ParseConninfo(conninfo));
  auto get = [&](std::string_view keyword) {
    for (const auto& [key, value] : values) {
      if (key == keyword) return value;
    }
    return std::string();
  };
  std::string host = get("host");
  if (host.empty()) host = get("hostaddr");
  // An IPv6 address needs brackets in a URI.
  if (host.find(':') != std::string::npos && host.find(',') == std::string::npos) {
    host = "[" + host + "]";
  }
  std::string description = "postgres://";
  if (std::string user = get("user"); !user.empty()) description += user + "@";
  description += host;
  if (std::string port = get("port"); !port.empty()) description += ":" + port;
  description += "/" + get("dbname");
  return description;
}

common::Result<std::unique_ptr<PostgresMetaStore>> PostgresMetaStore::Open(
    std::string_view conninfo) {
  return Open(conninfo, PostgresOptions());
}

common::Result<std::unique_ptr<PostgresMetaStore>> PostgresMetaStore::Open(
    std::string_view conninfo, const PostgresOptions& options) {
  STRATA_RETURN_IF_ERROR(CheckOptions(options));
  // A malformed URI is the caller's mistake (kInvalidArgument), not an outage.
  STRATA_RETURN_IF_ERROR(ParseConninfo(conninfo).status());
  // Settings before "dbname" are defaults the URI may override; the one after
  // it is not negotiable: the store reads and writes UTF-8 bytes as they are.
  // The TCP settings bound how long a dead server or network goes unnoticed
  // (the kernel's defaults are hours): unanswered sends give up after 30 s,
  // an idle connection is probed after 30 s.
  internal::ConnectSpec spec;
  spec.settings = {{"connect_timeout", std::to_string(options.connect_timeout_s)},
                   {"application_name", "strata"},
                   {"keepalives_idle", "30"},
                   {"keepalives_interval", "10"},
                   {"keepalives_count", "3"},
                   {"tcp_user_timeout", "30000"},
                   {"dbname", std::string(conninfo)},
                   {"client_encoding", "UTF8"}};
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Connection> first, Connection::Open(spec));
  STRATA_RETURN_IF_ERROR(internal::CheckDatabase(*first));
  auto pool = std::make_unique<internal::Pool>(
      std::move(spec), options.connections, std::chrono::milliseconds(options.acquire_timeout_ms));
  pool->Add(std::move(first));
  auto runner = std::make_unique<internal::Runner>(
      *pool, internal::RetryPolicy{.max_attempts = options.max_attempts,
                                   .max_reconnects = options.max_reconnects,
                                   .before_commit = options.before_commit_for_testing});
  STRATA_RETURN_IF_ERROR(internal::ApplyMigrations(*runner));
  return std::unique_ptr<PostgresMetaStore>(
      new PostgresMetaStore(std::move(pool), std::move(runner), options.clock));
}

PostgresMetaStore::PostgresMetaStore(std::unique_ptr<internal::Pool> pool,
                                     std::unique_ptr<internal::Runner> runner,
                                     const common::Clock* clock)
    : clock_(clock != nullptr ? *clock : system_clock_),
      pool_(std::move(pool)),
      runner_(std::move(runner)) {}

PostgresMetaStore::~PostgresMetaStore() = default;

PostgresMetaStore::RetryCounts PostgresMetaStore::retry_counts() const {
  return {.conflict_retries = runner_->conflict_retries(), .reconnects = runner_->reconnects()};
}

common::Status PostgresMetaStore::CreateBucket(const Bucket& bucket) {
  STRATA_ASSIGN_OR_RETURN(std::string tagging, EncodeTags(bucket.tagging));
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Status {
    STRATA_ASSIGN_OR_RETURN(std::optional<Bucket> existing, FindBucket(connection, bucket.name));
    if (existing) return meta::internal::BucketTaken(bucket.name, existing->owner, bucket.owner);
    return connection
        .Execute(kInsertBucket, Params()
                                    .Text(bucket.name)
                                    .Text(bucket.region)
                                    .Text(bucket.owner)
                                    .Int(bucket.created_ms)
                                    .Text(bucket.policy)
                                    .Text(bucket.cors)
                                    .Text(tagging)
                                    .Text(meta::internal::VersioningText(bucket.versioning)))
        .status();
  });
}

common::Result<Bucket> PostgresMetaStore::GetBucket(std::string_view name) {
  STRATA_ASSIGN_OR_RETURN(std::optional<Bucket> bucket,
                          runner_->Run(TxnMode::kStatement, [&](Connection& connection) {
                            return FindBucket(connection, name);
                          }));
  if (!bucket) return meta::internal::NoSuchBucket(name);
  return *std::move(bucket);
}

common::Result<std::vector<Bucket>> PostgresMetaStore::ListBuckets() {
  return runner_->Run(TxnMode::kStatement,
                      [&](Connection& connection) -> common::Result<std::vector<Bucket>> {
                        STRATA_ASSIGN_OR_RETURN(Rows rows, connection.Query(kSelectBuckets));
                        std::vector<Bucket> buckets;
                        for (int row = 0; row < rows.size(); ++row) {
                          STRATA_ASSIGN_OR_RETURN(Bucket bucket, ReadBucket(rows, row));
                          buckets.push_back(std::move(bucket));
                        }
                        return buckets;
                      });
}

common::Status PostgresMetaStore::DeleteBucket(std::string_view name) {
  // Read once, outside the retries: the time the bucket's uploads end at.
  const int64_t now_ms = clock_.NowMillis();
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Status {
    STRATA_RETURN_IF_ERROR(internal::CheckBucketExists(connection, name));
    STRATA_ASSIGN_OR_RETURN(bool not_empty, internal::BucketHasObjects(connection, name));
    if (not_empty) return meta::internal::BucketNotEmpty(name);
    // As in the SQLite store: uploads in progress end with the bucket, in
    // this transaction, releasing their parts' chunks.
    STRATA_RETURN_IF_ERROR(internal::DeleteBucketUploads(connection, name, now_ms));
    return connection.Execute(kDeleteBucket, Params().Text(name)).status();
  });
}

common::Status PostgresMetaStore::UpdateBucketColumn(std::string_view sql, std::string_view name,
                                                     std::string_view value) {
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Status {
    STRATA_ASSIGN_OR_RETURN(int64_t changed,
                            connection.Execute(sql, Params().Text(name).Text(value)));
    if (changed == 0) return meta::internal::NoSuchBucket(name);
    return common::Status::Ok();
  });
}

common::Status PostgresMetaStore::SetBucketPolicy(std::string_view name, std::string_view policy) {
  return UpdateBucketColumn(kSetBucketPolicy, name, policy);
}

common::Status PostgresMetaStore::SetBucketCors(std::string_view name, std::string_view cors) {
  return UpdateBucketColumn(kSetBucketCors, name, cors);
}

common::Status PostgresMetaStore::SetBucketTagging(std::string_view name,
                                                   const MetadataPairs& tagging) {
  STRATA_ASSIGN_OR_RETURN(std::string encoded, EncodeTags(tagging));
  return UpdateBucketColumn(kSetBucketTagging, name, encoded);
}

common::Status PostgresMetaStore::SetObjectTags(std::string_view bucket, std::string_view key,
                                                const MetadataPairs& tags) {
  STRATA_ASSIGN_OR_RETURN(std::string encoded, EncodeTags(tags));
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Status {
    STRATA_ASSIGN_OR_RETURN(
        int64_t changed,
        connection.Execute(kSetObjectTags, Params().Text(bucket).Text(key).Text(encoded)));
    if (changed > 0) return common::Status::Ok();
    STRATA_RETURN_IF_ERROR(internal::CheckBucketExists(connection, bucket));
    return meta::internal::NoSuchKey(key);
  });
}

common::Result<ObjectRecord> PostgresMetaStore::GetObject(std::string_view bucket,
                                                          std::string_view key) {
  // One statement reads the bucket and the object, so the error names the
  // state at one instant.
  STRATA_ASSIGN_OR_RETURN(internal::ObjectLookup lookup,
                          runner_->Run(TxnMode::kStatement, [&](Connection& connection) {
                            return internal::LookupObject(connection, bucket, key,
                                                          meta::internal::OnBadMetadata::kFail);
                          }));
  if (!lookup.bucket_exists) return meta::internal::NoSuchBucket(bucket);
  if (!lookup.object) return meta::internal::NoSuchKey(key);
  return *std::move(lookup.object);
}

common::Result<MetaStore::PutResult> PostgresMetaStore::PutObject(
    const ObjectRecord& object, const WriteCondition& condition,
    const std::vector<ChunkInfo>& written_chunks, int64_t now_ms) {
  STRATA_ASSIGN_OR_RETURN(meta::internal::EncodedObject encoded,
                          meta::internal::EncodeObject(object, written_chunks));
  // SERIALIZABLE: the condition is checked against the row this transaction
  // read; a concurrent writer of the key makes one of the two fail
  // serialization, and the retry sees the winner's row. Every early return
  // rolls back, so a failed put changes no count.
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Result<PutResult> {
    STRATA_ASSIGN_OR_RETURN(internal::ObjectLookup lookup,
                            internal::LookupObject(connection, object.bucket, object.key,
                                                   meta::internal::OnBadMetadata::kDrop));
    if (!lookup.bucket_exists) return meta::internal::NoSuchBucket(object.bucket);
    return internal::WriteObject(connection, object, encoded, condition, std::move(lookup),
                                 written_chunks, now_ms);
  });
}

common::Result<ListPage> PostgresMetaStore::ListObjects(std::string_view bucket,
                                                        const ListQuery& query) {
  // One snapshot for the bucket check and every seek of the page.
  return runner_->Run(TxnMode::kSnapshot, [&](Connection& connection) -> common::Result<ListPage> {
    STRATA_RETURN_IF_ERROR(internal::CheckBucketExists(connection, bucket));
    internal::ObjectListCursor cursor(connection, bucket);
    return WalkListing(query, cursor);
  });
}

common::Result<std::optional<ChunkInfo>> PostgresMetaStore::FindChunk(std::string_view hash,
                                                                      int64_t now_ms) {
  // Dedup asks this for every chunk it uploads, and almost every hit is
  // referenced: one read statement. A count that reaches 0 after this read
  // sets zero_since_ms to that (later) moment itself.
  STRATA_ASSIGN_OR_RETURN(std::optional<ChunkRow> row,
                          runner_->Run(TxnMode::kStatement, [&](Connection& connection) {
                            return internal::SelectChunk(connection, hash);
                          }));
  if (!row) return std::optional<ChunkInfo>();
  if (row->refcount > 0) return std::optional<ChunkInfo>(std::move(row->info));
  // At count 0: restart the grace period, and answer from the same
  // transaction (GC may have deleted the row, or a put re-referenced it).
  // Committed before returning: GC must see the new time before the caller
  // relies on the chunk.
  STRATA_ASSIGN_OR_RETURN(
      row,
      runner_->Run(
          TxnMode::kWrite, [&](Connection& connection) -> common::Result<std::optional<ChunkRow>> {
            STRATA_RETURN_IF_ERROR(
                connection.Execute(kTouchUnreferenced, Params().Text(hash).Int(now_ms)).status());
            return internal::SelectChunk(connection, hash);
          }));
  if (!row) return std::optional<ChunkInfo>();
  return std::optional<ChunkInfo>(std::move(row->info));
}

common::Result<std::vector<ChunkInfo>> PostgresMetaStore::ListUnreferencedChunks(
    int64_t zero_before_ms, size_t limit) {
  return runner_->Run(
      TxnMode::kStatement, [&](Connection& connection) -> common::Result<std::vector<ChunkInfo>> {
        STRATA_ASSIGN_OR_RETURN(
            Rows rows, connection.Query(kSelectUnreferenced,
                                        Params().Int(zero_before_ms).Int(SqlLimit(limit))));
        return ReadChunks(rows);
      });
}

common::Result<bool> PostgresMetaStore::DeleteUnreferencedChunk(const ChunkInfo& chunk,
                                                                int64_t zero_before_ms) {
  // The conditions are rechecked in the transaction: a put that referenced
  // the chunk, or a FindChunk that restarted its grace period, since GC
  // listed it wins, and the row stays. Only after this commit may the caller
  // delete the shard files.
  return runner_->Run(TxnMode::kWrite, [&](Connection& connection) -> common::Result<bool> {
    STRATA_ASSIGN_OR_RETURN(
        int64_t deleted,
        connection.Execute(kDeleteUnreferenced,
                           Params().Text(chunk.hash).Text(chunk.location).Int(zero_before_ms)));
    return deleted == 1;
  });
}

common::Result<bool> PostgresMetaStore::ChunkLocationExists(std::string_view location) {
  return runner_->Run(TxnMode::kStatement, [&](Connection& connection) -> common::Result<bool> {
    STRATA_ASSIGN_OR_RETURN(Rows rows, connection.Query(kChunkAtLocation, Params().Text(location)));
    return !rows.empty();
  });
}

common::Result<std::vector<ChunkInfo>> PostgresMetaStore::ListChunks(std::string_view after_hash,
                                                                     size_t limit) {
  return runner_->Run(
      TxnMode::kStatement, [&](Connection& connection) -> common::Result<std::vector<ChunkInfo>> {
        STRATA_ASSIGN_OR_RETURN(
            Rows rows,
            connection.Query(kSelectChunksAfter, Params().Text(after_hash).Int(SqlLimit(limit))));
        return ReadChunks(rows);
      });
}

common::Result<StorageStats> PostgresMetaStore::GetStorageStats() {
  // One snapshot for every table.
  return runner_->Run(TxnMode::kSnapshot,
                      [&](Connection& connection) -> common::Result<StorageStats> {
                        StorageStats stats;
                        STRATA_ASSIGN_OR_RETURN(Rows objects, connection.Query(kObjectStats));
                        STRATA_ASSIGN_OR_RETURN(Rows chunks, connection.Query(kChunkStats));
                        STRATA_ASSIGN_OR_RETURN(internal::VersionStats versions,
                                                internal::ReadVersionStats(connection));
                        if (objects.empty() || chunks.empty()) {
                          return Error(Code::kInternal, "storage statistics returned no row");
                        }
                        stats.objects = static_cast<uint64_t>(objects.Int(0, 0));
                        stats.logical_bytes = static_cast<uint64_t>(objects.Int(0, 1));
                        stats.inline_bytes = static_cast<uint64_t>(objects.Int(0, 2));
                        stats.chunks = static_cast<uint64_t>(chunks.Int(0, 0));
                        stats.chunk_bytes = static_cast<uint64_t>(chunks.Int(0, 1));
                        stats.unreferenced_chunks = static_cast<uint64_t>(chunks.Int(0, 2));
                        stats.noncurrent_versions = versions.noncurrent_versions;
                        stats.noncurrent_bytes = versions.noncurrent_bytes;
                        stats.delete_markers = versions.delete_markers;
                        return stats;
                      });
}

}  // namespace strata::meta::postgres
