// SqliteMetaStore: the embedded MetaStore, one SQLite database file in WAL
// mode with synchronous=FULL. The default for single-node deployments.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "meta/meta_store.h"

namespace strata::meta::sqlite {

namespace internal {
class Connection;
class ReadPool;
}  // namespace internal

struct SqliteOptions {
  // Most read connections open at once; reads beyond that wait for one.
  int read_connections = 4;
  // How long a statement waits for a lock held by another process before
  // failing with kUnavailable.
  int busy_timeout_ms = 5000;
};

// Thread-safe: every method may be called from any number of threads.
//
// Concurrency: writes go through one connection under a mutex, each in a
// BEGIN IMMEDIATE transaction, so they are serialized and a conditional
// PutObject's check and write are atomic. Reads use a small pool of
// query-only connections; in WAL mode each read sees the last committed
// state (read-after-write holds across threads) without waiting for the
// writer's fsync. A ListObjects page is read inside one transaction, so it
// is one consistent snapshot.
//
// Durability: a method that returns OK has committed, and the commit is
// fsynced (synchronous=FULL) before it returns.
class SqliteMetaStore final : public MetaStore {
 public:
  // Opens the database file at `path`, creating it if missing (its directory
  // must exist), and applies pending schema migrations (each once, in its own
  // transaction). Fails with kInvalidArgument when the file's schema is newer
  // than this build knows, kCorruption when it is not a Strata database with
  // a matching history or not a database at all, kUnavailable when another
  // process holds the lock past busy_timeout_ms, kInternal otherwise.
  static common::Result<std::unique_ptr<SqliteMetaStore>> Open(const std::string& path);
  static common::Result<std::unique_ptr<SqliteMetaStore>> Open(const std::string& path,
                                                               const SqliteOptions& options);
  // REQUIRES: no call is in progress.
  ~SqliteMetaStore() override;

  // MetaStore. Besides the codes meta_store.h names, any method may fail with
  // kUnavailable (lock timeout), kCorruption (unreadable row or file) or
  // kInternal (I/O error).
  //
  // PutObject also returns kInvalidArgument, changing nothing, for metadata
  // that is not valid UTF-8, a size above INT64_MAX, a body that breaks
  // ObjectRecord's rules (both inline_data and a manifest; pieces whose
  // lengths, or inline_data's, do not add up to size; an entry breaking
  // ManifestEntry's rules), a written chunk with a negative shard count or a
  // size above INT64_MAX, or an entry whose K, M or size differ from the
  // written chunk or stored row it names. An entry counts as written when
  // written_chunks holds its (hash, location); a written chunk that no entry
  // names still gets its row (at count 0, so GC removes it after the grace
  // period). Manifest entries that end up naming a stored row carry that
  // row's K, M and size.
  //
  // A stored row whose metadata or manifest cannot be decoded fails reads with
  // kCorruption but can still be replaced or deleted; the record returned then
  // has empty metadata (and manifest), and the chunks a lost manifest named
  // keep their counts: they leak rather than risk deleting data in use.
  common::Status CreateBucket(const Bucket& bucket) override;
  common::Result<Bucket> GetBucket(std::string_view name) override;
  common::Result<std::vector<Bucket>> ListBuckets() override;
  common::Status DeleteBucket(std::string_view name) override;
  common::Result<ObjectRecord> GetObject(std::string_view bucket, std::string_view key) override;
  common::Result<PutResult> PutObject(const ObjectRecord& object, const WriteCondition& condition,
                                      const std::vector<ChunkInfo>& written_chunks,
                                      int64_t now_ms) override;
  common::Result<std::optional<ObjectRecord>> DeleteObject(std::string_view bucket,
                                                           std::string_view key,
                                                           int64_t now_ms) override;
  common::Result<ListPage> ListObjects(std::string_view bucket, const ListQuery& query) override;

  // Chunks. FindChunk reads through the pool and takes the write connection
  // only for a chunk at count 0 (to restart its grace period); it never moves
  // zero_since_ms backwards (a clock step back must not shorten the grace
  // period). GetStorageStats reads every row of both tables: an admin and
  // metrics call, not a per-request one.
  common::Result<std::optional<ChunkInfo>> FindChunk(std::string_view hash,
                                                     int64_t now_ms) override;
  common::Result<std::vector<ChunkInfo>> ListUnreferencedChunks(int64_t zero_before_ms,
                                                                size_t limit) override;
  common::Result<bool> DeleteUnreferencedChunk(const ChunkInfo& chunk,
                                               int64_t zero_before_ms) override;
  common::Result<bool> ChunkLocationExists(std::string_view location) override;
  common::Result<std::vector<ChunkInfo>> ListChunks(std::string_view after_hash,
                                                    size_t limit) override;
  common::Result<StorageStats> GetStorageStats() override;

 private:
  SqliteMetaStore(std::unique_ptr<internal::Connection> writer,
                  std::unique_ptr<internal::ReadPool> readers);

  std::mutex write_mu_;
  // The only connection that writes. GUARDED_BY(write_mu_)
  std::unique_ptr<internal::Connection> writer_;
  // Thread-safe itself.
  std::unique_ptr<internal::ReadPool> readers_;
};

}  // namespace strata::meta::sqlite
