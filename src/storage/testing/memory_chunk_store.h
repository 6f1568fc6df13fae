// MemoryChunkStore: a ChunkStore test double that keeps each location's
// content in a map, with controls to damage shards, fail calls and age
// files, and counts of every call. It models a K+M shard set only as far as
// the interface shows it: a chunk reads while at most M shards are bad, heals
// while at least K are good, and a heal makes every shard good again. Test
// code only (built when STRATA_TESTS is on).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "common/status.h"
#include "meta/meta_store.h"
#include "storage/chunk_store.h"

namespace strata::storage::testing {

// How many times each ChunkStore method was called (failed calls included).
struct ChunkStoreCalls {
  uint64_t write = 0;
  uint64_t read = 0;
  uint64_t remove = 0;  // Delete
  uint64_t heal = 0;
  uint64_t for_each = 0;  // ForEachLocation
  bool operator==(const ChunkStoreCalls&) const = default;
};

// Thread-safe: every method may be called from any thread. Callbacks
// (ForEachLocation's visit, the degraded-read callback) run without the
// store's lock held, so they may call back into the store.
class MemoryChunkStore final : public ChunkStore {
 public:
  // `clock` stamps each Write's modified_ms; it must outlive the store.
  // Writes produce chunks with K = data_shards, M = parity_shards.
  // REQUIRES: data_shards >= 1, parity_shards >= 0.
  explicit MemoryChunkStore(const common::Clock& clock, int data_shards = 4, int parity_shards = 2);

  // ChunkStore.
  //
  // Write: kInvalidArgument when data is empty, longer than kMaxChunkSize, or
  // its SHA-256 is not `hash`. The new location is 32 lower-case hex digits,
  // never used before by this store (a counter, so tests are deterministic).
  common::Result<meta::ChunkInfo> Write(std::string_view hash, std::string_view data) override;
  // kUnavailable for an unknown location or fewer than K shards present,
  // kCorruption for fewer than K good shards or when chunk.hash does not name
  // the stored content, kInvalidArgument for a range outside the chunk. With
  // 1..M bad shards the read succeeds and reports the chunk to the
  // degraded-read callback.
  common::Status ReadRange(const meta::ChunkInfo& chunk, uint64_t offset,
                           std::span<uint8_t> out) override;
  // Removes the location and its damage marks; an unknown location is OK.
  common::Status Delete(std::string_view location) override;
  // Checks all K+M shards. With at least K good shards every bad one is
  // rebuilt; otherwise fails as ReadRange does (kUnavailable, kCorruption)
  // and changes nothing. An unknown location has all shards missing.
  common::Result<HealResult> Heal(const meta::ChunkInfo& chunk) override;
  // Visits a snapshot taken under the lock, so visit may call the store.
  common::Status ForEachLocation(const std::function<void(const StoredLocation&)>& visit) override;
  void SetDegradedReadCallback(std::function<void(const meta::ChunkInfo&)> callback) override;

  // --- Test controls ---

  // Marks shard `shard` (0 .. K+M-1) of the location missing or corrupt
  // until a Heal or Delete. Returns false (and does nothing) for an unknown
  // location or shard index.
  bool MarkMissing(std::string_view location, int shard);
  bool MarkCorrupt(std::string_view location, int shard);
  // Sets the modified_ms ForEachLocation reports. False for an unknown
  // location.
  bool SetModifiedMs(std::string_view location, int64_t modified_ms);
  // Makes every later ReadRange, Delete and Heal of the location fail with
  // `status` (and change nothing); an OK status clears it. The location
  // need not exist.
  void SetFailure(std::string_view location, common::Status status);
  // Makes every later ForEachLocation fail with `status` before visiting
  // anything; an OK status clears it.
  void SetForEachFailure(common::Status status);

  // --- Inspection ---

  bool Contains(std::string_view location) const;
  // The stored content, or nullopt for an unknown location.
  std::optional<std::string> Content(std::string_view location) const;
  // Number of bad (missing + corrupt) shards at the location; 0 if unknown.
  int BadShards(std::string_view location) const;
  size_t LocationCount() const;
  ChunkStoreCalls calls() const;

 private:
  struct Entry {
    std::string hash;
    std::string data;
    int64_t modified_ms = 0;
    std::set<int> missing;
    std::set<int> corrupt;
  };

  // REQUIRES: mu_ held.
  common::Status FailureFor(std::string_view location) const;
  bool Mark(std::string_view location, int shard, bool corrupt);

  const common::Clock& clock_;
  const int data_shards_;
  const int parity_shards_;

  mutable std::mutex mu_;
  std::map<std::string, Entry, std::less<>> entries_;              // GUARDED_BY(mu_)
  std::map<std::string, common::Status, std::less<>> failures_;    // GUARDED_BY(mu_)
  common::Status for_each_failure_;                                // GUARDED_BY(mu_)
  uint64_t next_location_ = 1;                                     // GUARDED_BY(mu_)
  ChunkStoreCalls calls_;                                          // GUARDED_BY(mu_)
  std::function<void(const meta::ChunkInfo&)> degraded_callback_;  // GUARDED_BY(mu_)
};

}  // namespace strata::storage::testing
