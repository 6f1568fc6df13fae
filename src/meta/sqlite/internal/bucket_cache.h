// BucketCache: the rows of the buckets table, kept in memory by the
// SqliteMetaStore. Every S3 object request reads its bucket (existence,
// versioning, policy), and each of those reads was a read transaction of its
// own: about 5 % of a small GET's CPU and 6 % of a small PUT's, a third of
// it the file-lock system calls that begin and end a WAL read
// (bench/README.md).
//
// Exact for this process: every write of a bucket row goes through the
// store, which calls Invalidate after the write (committed or not), and a
// reader that read the database before an invalidation cannot store what it
// read (Fill with a ticket taken before the read is refused once any
// invalidation has come after the ticket). Entries also expire after `ttl`,
// which bounds how long a write by another process (an operator's sqlite3
// shell, another store on the same file) goes unseen; a ttl of zero turns
// the cache off. Only buckets that exist are cached. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/string_hash.h"
#include "meta/meta_store.h"

namespace strata::meta::sqlite::internal {

class BucketCache {
 public:
  using Clock = std::chrono::steady_clock;

  explicit BucketCache(Clock::duration ttl = std::chrono::seconds(1), size_t capacity = 4096)
      : ttl_(ttl), capacity_(capacity) {}

  // The bucket, if cached and younger than the ttl.
  std::optional<Bucket> Find(std::string_view name);
  // Taken before reading the database for a Fill.
  uint64_t Ticket();
  // Stores `bucket`, read after `ticket` was taken, unless an invalidation
  // came in between.
  void Fill(uint64_t ticket, const Bucket& bucket);
  // Forgets `name`, and refuses every Fill whose ticket is older.
  void Invalidate(std::string_view name);

  size_t size();

 private:
  struct Entry {
    Bucket bucket;
    Clock::time_point filled_at;
  };

  const Clock::duration ttl_;
  const size_t capacity_;
  std::mutex mu_;
  uint64_t generation_ = 0;  // GUARDED_BY(mu_): +1 per invalidation
  std::unordered_map<std::string, Entry, common::StringHash, std::equal_to<>>
      entries_;  // GUARDED_BY(mu_)
};

}  // namespace strata::meta::sqlite::internal
