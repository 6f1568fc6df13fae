// SqliteMetaStore: the embedded MetaStore, one SQLite database file in WAL
// mode with synchronous=FULL. The default for single-node deployments.
#pragma once

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
  // kInternal (I/O error). PutObject also returns kInvalidArgument for
  // metadata that is not valid UTF-8 or a size above INT64_MAX. A stored row
  // whose metadata cannot be decoded fails reads with kCorruption but can
  // still be replaced or deleted; the record returned then has empty metadata.
  common::Status CreateBucket(const Bucket& bucket) override;
  common::Result<Bucket> GetBucket(std::string_view name) override;
  common::Result<std::vector<Bucket>> ListBuckets() override;
  common::Status DeleteBucket(std::string_view name) override;
  common::Result<ObjectRecord> GetObject(std::string_view bucket, std::string_view key) override;
  common::Result<std::optional<ObjectRecord>> PutObject(const ObjectRecord& object,
                                                        const WriteCondition& condition) override;
  common::Result<std::optional<ObjectRecord>> DeleteObject(std::string_view bucket,
                                                           std::string_view key) override;
  common::Result<ListPage> ListObjects(std::string_view bucket, const ListQuery& query) override;

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
