// ErasureChunkStore: the ChunkStore that stores each chunk as K data + M
// parity Reed-Solomon shards, one shard file each, spread over the drives
// (ARCHITECTURE.md section 3; file layout and placement in
// docs/storage-format.md section 3 and layout.h).
//
// Write encodes a chunk, writes its K + M shards in parallel through the
// durable recipe and needs write_quorum of them durable. ReadRange serves a
// range from the data shards' covering blocks and rebuilds from any K
// verified shards when a data shard is missing or corrupt. Heal rewrites
// missing and corrupt shards. A drive whose I/O fails is taken offline for a
// retry interval (DriveHealth), so one dead drive costs one missing shard per
// chunk, not one error per request. Every file operation goes through one
// Drive per drive folder (storage/drive/drive.h): LocalDrives the store
// builds from paths, or Drives the caller supplies (OpenOnDrives).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "meta/meta_store.h"
#include "storage/chunk_store.h"
#include "storage/chunk_store/drive_health.h"
#include "storage/drive/drive.h"
#include "storage/erasure/codec.h"
#include "storage/shard/shard_format.h"

namespace strata::storage {

struct ErasureChunkStoreOptions {
  int data_shards = 4;    // K
  int parity_shards = 2;  // M
  // Shards per chunk that must be durable for a write to succeed.
  // 0 means the default: K, or K + 1 when K == M (as MinIO). Otherwise
  // K <= write_quorum <= K + M.
  int write_quorum = 0;
  // Payload bytes per checksummed block in new shard files (1 .. 16 MiB).
  // Stored in each shard header, so changing it never affects old shards.
  uint32_t block_size = kDefaultShardBlockSize;
  // How long a drive whose I/O failed stays offline before it is tried
  // again; > 0.
  int64_t drive_retry_ms = 10'000;
};

class ErasureChunkStore : public ChunkStore {
 public:
  // Opens the store over the drive folders `drives`, each through a
  // LocalDrive the store owns. Creates each drive's layout (chunks/, made
  // durable, and tmp/) when missing and clears the temporary files a crash
  // left in tmp/ (they were never committed). A drive whose layout cannot be
  // created is not fatal: it starts offline (see DriveStatuses) and is
  // retried like any failed drive.
  // Fewer drives than K + M is allowed: shards then share drives
  // round-robin, and losing one drive loses several shards of a chunk.
  // The drive list's count and order are part of the stored format
  // (layout.h): reopen with the same list.
  // Errors: kInvalidArgument for no drives, a drive listed twice, or bad
  // options. random and clock must outlive the store; random is used under
  // the store's mutex, clock times the drive retry intervals.
  static common::Result<std::unique_ptr<ErasureChunkStore>> Open(
      std::vector<std::filesystem::path> drives, common::Random& random, const common::Clock& clock,
      ErasureChunkStoreOptions options = {});
  // The same on the system clock (owned by the store).
  static common::Result<std::unique_ptr<ErasureChunkStore>> Open(
      std::vector<std::filesystem::path> drives, common::Random& random,
      ErasureChunkStoreOptions options = {});
  // The same over Drives the caller built (a FaultyDrive in tests, a
  // decorated LocalDrive); drive i is the folder Drive::root() names, and
  // the list's order is part of the format as above. Two drives with the
  // same root are kInvalidArgument. The drives are not owned and must
  // outlive the store.
  static common::Result<std::unique_ptr<ErasureChunkStore>> OpenOnDrives(
      std::vector<Drive*> drives, common::Random& random, const common::Clock& clock,
      ErasureChunkStoreOptions options = {});

  // See ChunkStore::Write. Shards on offline drives are not attempted and
  // count as failed. kInvalidArgument unless hash is 64 lower-case hex
  // characters and data is 1 .. kMaxChunkSize bytes.
  // REQUIRES: hash is the SHA-256 of data (not re-checked: the caller
  // computed it to decide on dedup, and it is a 4 MiB pass).
  common::Result<meta::ChunkInfo> Write(std::string_view hash, std::string_view data) override;

  // See ChunkStore::ReadRange. Reads the chunk with its own K and M, whatever
  // the store's options are now. Shards on offline drives count as missing.
  // kInvalidArgument also for a malformed chunk (hash, location, K/M, size).
  common::Status ReadRange(const meta::ChunkInfo& chunk, uint64_t offset,
                           std::span<uint8_t> out) override;

  // See ChunkStore::Delete. Tries every drive, offline ones too.
  // kInvalidArgument unless location is 32 lower-case hex characters.
  common::Status Delete(std::string_view location) override;

  // See ChunkStore::Heal and chunk_internal::HealChunk: the chunk is whole
  // again exactly when shards_rebuilt == shards_missing + shards_corrupt
  // (shards on offline drives, or whose rewrite failed, stay missing).
  // Heals of one location run one at a time (a second waits, then finds the
  // work done), so they never collide on a temporary file name.
  // kInvalidArgument for a malformed chunk.
  common::Result<HealResult> Heal(const meta::ChunkInfo& chunk) override;

  // See ChunkStore::ForEachLocation. Lists every <drive>/chunks/<xx>/<loc>
  // directory (an empty one too, so the orphan scan also removes what a
  // crash between mkdir and rename left); modified_ms is the newest mtime
  // of the directory and its files on any drive. Works one prefix directory
  // at a time, so memory is bounded by the largest prefix. Skips offline
  // drives; visits everything it could list, then returns kUnavailable when
  // some drive could not be listed (its locations may have been left out).
  common::Status ForEachLocation(const std::function<void(const StoredLocation&)>& visit) override;

  void SetDegradedReadCallback(std::function<void(const meta::ChunkInfo&)> callback) override {
    degraded_read_callback_ = std::move(callback);
  }

  // Every drive in configuration order: path, online, I/O error count.
  std::vector<DriveStatus> DriveStatuses() const { return health_.Statuses(); }
  // Chunks rebuilt from parity by reads since Open.
  uint64_t reconstructions() const { return reconstructions_.load(std::memory_order_relaxed); }
  // Corrupt shards (bad block or header) found by reads since Open.
  uint64_t corruptions_found() const { return corruptions_.load(std::memory_order_relaxed); }
  int write_quorum() const { return write_quorum_; }
  const std::vector<std::filesystem::path>& drives() const { return health_.paths(); }

  // Thread-safety: every method may be called concurrently, except
  // SetDegradedReadCallback (once, before any read).

 private:
  ErasureChunkStore(std::vector<std::unique_ptr<Drive>> owned_drives, std::vector<Drive*> drives,
                    common::Random& random, const common::Clock* clock, ErasureCodec codec,
                    const ErasureChunkStoreOptions& options, int write_quorum);
  // Open with clock, or with an owned system clock when it is nullptr, over
  // drives (of which owned_drives are the ones the store owns).
  static common::Result<std::unique_ptr<ErasureChunkStore>> OpenWithClock(
      std::vector<std::unique_ptr<Drive>> owned_drives, std::vector<Drive*> drives,
      common::Random& random, const common::Clock* clock, const ErasureChunkStoreOptions& options);

  std::string NewLocation();
  // The codec for the chunk's K and M: the store's own, or one built into
  // scratch. kInvalidArgument for K and M no codec accepts.
  common::Result<const ErasureCodec*> CodecFor(const meta::ChunkInfo& chunk,
                                               std::optional<ErasureCodec>& scratch) const;
  // Removes <drive>/chunks/<xx>/<location> everywhere; the first error wins.
  common::Status RemoveLocation(std::string_view location);

  // Set when Open got no clock; declared before health_, which keeps a
  // reference to the clock in use.
  const std::unique_ptr<common::SystemClock> own_clock_;
  const std::vector<std::unique_ptr<Drive>> owned_drives_;  // LocalDrives built by Open
  const std::vector<Drive*> drives_;                        // every drive, in order
  DriveHealth health_;                                      // one entry per drive
  std::mutex random_mutex_;
  common::Random& random_;  // GUARDED_BY(random_mutex_)
  const ErasureCodec codec_;
  const uint32_t block_size_;
  const int write_quorum_;
  std::mutex heal_mutex_;
  std::condition_variable heal_done_;
  std::set<std::string> healing_;  // GUARDED_BY(heal_mutex_): locations being healed
  std::atomic<uint64_t> reconstructions_{0};
  std::atomic<uint64_t> corruptions_{0};
  std::function<void(const meta::ChunkInfo&)> degraded_read_callback_;
};

}  // namespace strata::storage
