#include "storage/testing/memory_chunk_store.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <utility>
#include <vector>

#include "common/hash.h"
#include "storage/chunker/chunker.h"

namespace strata::storage::testing {

using common::Code;
using common::Error;
using common::Result;
using common::Status;

MemoryChunkStore::MemoryChunkStore(const common::Clock& clock, int data_shards, int parity_shards)
    : clock_(clock), data_shards_(data_shards), parity_shards_(parity_shards) {
  assert(data_shards >= 1 && parity_shards >= 0);
}

Status MemoryChunkStore::FailureFor(std::string_view location) const {
  auto it = failures_.find(location);
  return it == failures_.end() ? Status() : it->second;
}

namespace {

// Whether a shard set with these bad shards can be read (and so healed):
// the same rule ReadRange and Heal apply, K present and K good.
Status Readable(int data_shards, int total_shards, size_t missing, size_t corrupt) {
  const int present = total_shards - static_cast<int>(missing);
  if (present < data_shards) {
    return Error(Code::kUnavailable, "fewer than K shards present");
  }
  if (present - static_cast<int>(corrupt) < data_shards) {
    return Error(Code::kCorruption, "fewer than K good shards");
  }
  return Status();
}

}  // namespace

Result<meta::ChunkInfo> MemoryChunkStore::Write(std::string_view hash, std::string_view data) {
  {
    std::lock_guard lock(mu_);
    ++calls_.write;
  }
  if (data.empty() || data.size() > kMaxChunkSize) {
    return Error(Code::kInvalidArgument, "chunk size out of range");
  }
  if (common::Sha256Hex(data) != hash) {
    return Error(Code::kInvalidArgument, "hash does not match the data");
  }
  std::lock_guard lock(mu_);
  char location[33];
  std::snprintf(location, sizeof(location), "%032llx",
                static_cast<unsigned long long>(next_location_++));
  entries_[location] = Entry{std::string(hash), std::string(data), clock_.NowMillis(), {}, {}};
  return meta::ChunkInfo{std::string(hash), location, data_shards_, parity_shards_, data.size()};
}

Status MemoryChunkStore::ReadRange(const meta::ChunkInfo& chunk, uint64_t offset,
                                   std::span<uint8_t> out) {
  std::function<void(const meta::ChunkInfo&)> callback;
  {
    std::lock_guard lock(mu_);
    ++calls_.read;
    STRATA_RETURN_IF_ERROR(FailureFor(chunk.location));
    auto it = entries_.find(chunk.location);
    if (it == entries_.end()) return Error(Code::kUnavailable, "no shards at location");
    const Entry& entry = it->second;
    STRATA_RETURN_IF_ERROR(Readable(data_shards_, data_shards_ + parity_shards_,
                                    entry.missing.size(), entry.corrupt.size()));
    if (entry.hash != chunk.hash) return Error(Code::kCorruption, "content hash mismatch");
    if (offset > entry.data.size() || out.size() > entry.data.size() - offset) {
      return Error(Code::kInvalidArgument, "range outside the chunk");
    }
    std::copy_n(entry.data.data() + offset, out.size(), reinterpret_cast<char*>(out.data()));
    if (!entry.missing.empty() || !entry.corrupt.empty()) callback = degraded_callback_;
  }
  // Outside the lock: the callback (the healer's queue) may call back in.
  if (callback) callback(chunk);
  return Status();
}

Status MemoryChunkStore::Delete(std::string_view location) {
  std::lock_guard lock(mu_);
  ++calls_.remove;
  STRATA_RETURN_IF_ERROR(FailureFor(location));
  if (auto it = entries_.find(location); it != entries_.end()) entries_.erase(it);
  return Status();
}

Result<HealResult> MemoryChunkStore::Heal(const meta::ChunkInfo& chunk) {
  std::lock_guard lock(mu_);
  ++calls_.heal;
  STRATA_RETURN_IF_ERROR(FailureFor(chunk.location));
  const int total = data_shards_ + parity_shards_;
  auto it = entries_.find(chunk.location);
  if (it == entries_.end()) {
    return Error(Code::kUnavailable, "no shards at location");
  }
  Entry& entry = it->second;
  if (entry.hash != chunk.hash) return Error(Code::kCorruption, "content hash mismatch");
  STRATA_RETURN_IF_ERROR(Readable(data_shards_, total, entry.missing.size(), entry.corrupt.size()));
  HealResult result;
  result.shards_checked = total;
  result.shards_missing = static_cast<int>(entry.missing.size());
  result.shards_corrupt = static_cast<int>(entry.corrupt.size());
  result.shards_rebuilt = result.shards_missing + result.shards_corrupt;
  entry.missing.clear();
  entry.corrupt.clear();
  // A rebuilt shard is a freshly written file.
  if (result.shards_rebuilt > 0) entry.modified_ms = clock_.NowMillis();
  return result;
}

Status MemoryChunkStore::ForEachLocation(const std::function<void(const StoredLocation&)>& visit) {
  std::vector<StoredLocation> snapshot;
  {
    std::lock_guard lock(mu_);
    ++calls_.for_each;
    STRATA_RETURN_IF_ERROR(for_each_failure_);
    snapshot.reserve(entries_.size());
    for (const auto& [location, entry] : entries_) {
      snapshot.push_back(StoredLocation{location, entry.modified_ms});
    }
  }
  for (const StoredLocation& stored : snapshot) visit(stored);
  return Status();
}

void MemoryChunkStore::SetDegradedReadCallback(
    std::function<void(const meta::ChunkInfo&)> callback) {
  std::lock_guard lock(mu_);
  degraded_callback_ = std::move(callback);
}

bool MemoryChunkStore::Mark(std::string_view location, int shard, bool corrupt) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(location);
  if (it == entries_.end() || shard < 0 || shard >= data_shards_ + parity_shards_) return false;
  // A shard is either missing or corrupt, never both.
  if (corrupt) {
    it->second.missing.erase(shard);
    it->second.corrupt.insert(shard);
  } else {
    it->second.corrupt.erase(shard);
    it->second.missing.insert(shard);
  }
  return true;
}

bool MemoryChunkStore::MarkMissing(std::string_view location, int shard) {
  return Mark(location, shard, /*corrupt=*/false);
}

bool MemoryChunkStore::MarkCorrupt(std::string_view location, int shard) {
  return Mark(location, shard, /*corrupt=*/true);
}

bool MemoryChunkStore::SetModifiedMs(std::string_view location, int64_t modified_ms) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(location);
  if (it == entries_.end()) return false;
  it->second.modified_ms = modified_ms;
  return true;
}

void MemoryChunkStore::SetFailure(std::string_view location, Status status) {
  std::lock_guard lock(mu_);
  if (status.ok()) {
    if (auto it = failures_.find(location); it != failures_.end()) failures_.erase(it);
  } else {
    failures_.insert_or_assign(std::string(location), std::move(status));
  }
}

void MemoryChunkStore::SetForEachFailure(Status status) {
  std::lock_guard lock(mu_);
  for_each_failure_ = std::move(status);
}

bool MemoryChunkStore::Contains(std::string_view location) const {
  std::lock_guard lock(mu_);
  return entries_.find(location) != entries_.end();
}

std::optional<std::string> MemoryChunkStore::Content(std::string_view location) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(location);
  if (it == entries_.end()) return std::nullopt;
  return it->second.data;
}

int MemoryChunkStore::BadShards(std::string_view location) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(location);
  if (it == entries_.end()) return 0;
  return static_cast<int>(it->second.missing.size() + it->second.corrupt.size());
}

size_t MemoryChunkStore::LocationCount() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

ChunkStoreCalls MemoryChunkStore::calls() const {
  std::lock_guard lock(mu_);
  return calls_;
}

}  // namespace strata::storage::testing
