#include "storage/chunk_store/erasure_chunk_store.h"

#include <algorithm>
#include <set>

#include "storage/chunk_store/internal/chunk_decode.h"
#include "storage/chunk_store/internal/chunk_encode.h"
#include "storage/chunk_store/internal/chunk_heal.h"
#include "storage/chunk_store/internal/location_scan.h"
#include "storage/chunk_store/internal/shard_files.h"
#include "storage/chunk_store/layout.h"
#include "storage/chunker/chunker.h"
#include "storage/drive/durable_file.h"
#include "storage/drive/local_drive.h"

namespace strata::storage {
namespace {

// Creates chunks/ and an empty tmp/ (and the drive folder when missing).
common::Status PrepareDrive(Drive& drive) {
  // Durably: every shard lives under chunks/, so a chunks/ whose entry in
  // the drive folder was never synced could take them all in a power cut.
  const std::filesystem::path chunks(kChunksDirName);
  STRATA_RETURN_IF_ERROR(CreateDirectoriesDurably(drive, chunks));
  STRATA_ASSIGN_OR_RETURN(FileInfo info, drive.Stat(chunks));
  if (info.type != FileType::kDirectory) {
    return common::Error(common::Code::kUnavailable,
                         (drive.root() / chunks).string() + " is not a directory");
  }
  // A crash mid-write leaves temporary shards that were never committed.
  // Nothing in tmp/ needs to survive a crash, so it is not synced.
  STRATA_RETURN_IF_ERROR(drive.RemoveAll(std::filesystem::path(kChunkTempDirName)));
  return drive.CreateDirs(std::filesystem::path(kChunkTempDirName));
}

// The drive's folder with "." and ".." resolved and no trailing separator,
// so two spellings of one folder compare equal.
std::filesystem::path NormalDrivePath(const std::filesystem::path& drive) {
  std::filesystem::path normal = drive.lexically_normal();
  if (!normal.has_filename() && normal.has_relative_path()) normal = normal.parent_path();
  return normal;
}

// One LocalDrive per folder.
std::vector<std::unique_ptr<Drive>> LocalDrives(std::vector<std::filesystem::path> paths) {
  std::vector<std::unique_ptr<Drive>> drives;
  drives.reserve(paths.size());
  for (auto& path : paths) drives.push_back(std::make_unique<LocalDrive>(std::move(path)));
  return drives;
}

std::vector<std::filesystem::path> DriveRoots(const std::vector<Drive*>& drives) {
  std::vector<std::filesystem::path> roots;
  roots.reserve(drives.size());
  for (const Drive* drive : drives) roots.push_back(drive->root());
  return roots;
}

std::vector<Drive*> Pointers(const std::vector<std::unique_ptr<Drive>>& drives) {
  std::vector<Drive*> out;
  out.reserve(drives.size());
  for (const auto& drive : drives) out.push_back(drive.get());
  return out;
}

}  // namespace

common::Result<std::unique_ptr<ErasureChunkStore>> ErasureChunkStore::Open(
    std::vector<std::filesystem::path> drives, common::Random& random, const common::Clock& clock,
    ErasureChunkStoreOptions options) {
  std::vector<std::unique_ptr<Drive>> owned = LocalDrives(std::move(drives));
  std::vector<Drive*> pointers = Pointers(owned);
  return OpenWithClock(std::move(owned), std::move(pointers), random, &clock, options);
}

common::Result<std::unique_ptr<ErasureChunkStore>> ErasureChunkStore::Open(
    std::vector<std::filesystem::path> drives, common::Random& random,
    ErasureChunkStoreOptions options) {
  std::vector<std::unique_ptr<Drive>> owned = LocalDrives(std::move(drives));
  std::vector<Drive*> pointers = Pointers(owned);
  return OpenWithClock(std::move(owned), std::move(pointers), random, nullptr, options);
}

common::Result<std::unique_ptr<ErasureChunkStore>> ErasureChunkStore::OpenOnDrives(
    std::vector<Drive*> drives, common::Random& random, const common::Clock& clock,
    ErasureChunkStoreOptions options) {
  return OpenWithClock({}, std::move(drives), random, &clock, options);
}

common::Result<std::unique_ptr<ErasureChunkStore>> ErasureChunkStore::OpenWithClock(
    std::vector<std::unique_ptr<Drive>> owned_drives, std::vector<Drive*> drives,
    common::Random& random, const common::Clock* clock, const ErasureChunkStoreOptions& options) {
  if (drives.empty()) return common::Error(common::Code::kInvalidArgument, "no drives configured");
  std::set<std::filesystem::path> distinct;
  for (const Drive* drive : drives) {
    // Two entries for one folder would silently put "distinct" shards of a
    // chunk on the same disk.
    if (drive == nullptr || !distinct.insert(NormalDrivePath(drive->root())).second) {
      return common::Error(
          common::Code::kInvalidArgument,
          "drive " + (drive ? drive->root().string() : "(null)") + " is listed twice");
    }
  }
  STRATA_ASSIGN_OR_RETURN(ErasureCodec codec,
                          ErasureCodec::Create(options.data_shards, options.parity_shards));
  const int k = options.data_shards;
  const int m = options.parity_shards;
  int quorum = options.write_quorum;
  if (quorum == 0) quorum = k == m ? k + 1 : k;
  if (quorum < k || quorum > k + m) {
    return common::Error(common::Code::kInvalidArgument,
                         "write quorum " + std::to_string(quorum) + " is outside [K, K + M] = [" +
                             std::to_string(k) + ", " + std::to_string(k + m) + "]");
  }
  if (options.block_size == 0 || options.block_size > kMaxShardBlockSize) {
    return common::Error(common::Code::kInvalidArgument,
                         "block size " + std::to_string(options.block_size) + " is outside 1.." +
                             std::to_string(kMaxShardBlockSize));
  }
  if (options.drive_retry_ms <= 0) {
    return common::Error(common::Code::kInvalidArgument, "drive retry interval must be positive");
  }
  std::unique_ptr<ErasureChunkStore> store(
      new ErasureChunkStore(std::move(owned_drives), std::move(drives), random, clock,
                            std::move(codec), options, quorum));
  for (size_t d = 0; d < store->drives_.size(); ++d) {
    // Drive failures are data (STYLE.md rule 8): a dead drive at startup is
    // an offline drive, and the quorum decides whether writes still work.
    if (common::Status status = PrepareDrive(*store->drives_[d]); !status.ok()) {
      store->health_.RecordFailure(d, status);
    }
  }
  return store;
}

ErasureChunkStore::ErasureChunkStore(std::vector<std::unique_ptr<Drive>> owned_drives,
                                     std::vector<Drive*> drives, common::Random& random,
                                     const common::Clock* clock, ErasureCodec codec,
                                     const ErasureChunkStoreOptions& options, int write_quorum)
    : own_clock_(clock ? nullptr : std::make_unique<common::SystemClock>()),
      owned_drives_(std::move(owned_drives)),
      drives_(std::move(drives)),
      health_(DriveRoots(drives_), clock ? *clock : *own_clock_, options.drive_retry_ms),
      random_(random),
      codec_(std::move(codec)),
      block_size_(options.block_size),
      write_quorum_(write_quorum) {}

std::string ErasureChunkStore::NewLocation() {
  std::lock_guard lock(random_mutex_);
  return common::RandomHexId(random_);
}

common::Result<const ErasureCodec*> ErasureChunkStore::CodecFor(
    const meta::ChunkInfo& chunk, std::optional<ErasureCodec>& scratch) const {
  if (chunk.data_shards == codec_.data_shards() && chunk.parity_shards == codec_.parity_shards()) {
    return &codec_;
  }
  STRATA_ASSIGN_OR_RETURN(ErasureCodec codec,
                          ErasureCodec::Create(chunk.data_shards, chunk.parity_shards));
  scratch.emplace(std::move(codec));
  return &*scratch;
}

common::Result<meta::ChunkInfo> ErasureChunkStore::Write(std::string_view hash,
                                                         std::string_view data) {
  if (!IsValidChunkHash(hash)) {
    return common::Error(common::Code::kInvalidArgument,
                         "chunk hash is not 64 lower-case hex characters");
  }
  if (data.empty() || data.size() > kMaxChunkSize) {
    return common::Error(common::Code::kInvalidArgument, "chunk of " + std::to_string(data.size()) +
                                                             " bytes is outside 1.." +
                                                             std::to_string(kMaxChunkSize));
  }
  meta::ChunkInfo chunk{std::string(hash), NewLocation(), codec_.data_shards(),
                        codec_.parity_shards(), data.size()};
  STRATA_ASSIGN_OR_RETURN(chunk_internal::ChunkShardFiles files,
                          chunk_internal::ChunkShardFiles::Create(drives_, health_, chunk, codec_));
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  STRATA_ASSIGN_OR_RETURN(std::vector<common::Status> results,
                          chunk_internal::WriteChunkShards(files, codec_, bytes, block_size_));
  common::Status status = chunk_internal::ReduceQuorum(
      results, write_quorum_, "chunk " + chunk.hash + " at " + chunk.location);
  if (!status.ok()) {
    // Best effort: the write already failed, and the orphan scan collects
    // any shard a dead drive kept.
    (void)RemoveLocation(chunk.location);
    return status;
  }
  // Durable within the quorum but short of some shards (a drive offline):
  // the healer writes them once the drive is back, without waiting for a
  // full pass.
  const bool all_written =
      std::all_of(results.begin(), results.end(), [](const auto& r) { return r.ok(); });
  if (!all_written && degraded_read_callback_) degraded_read_callback_(chunk);
  return chunk;
}

common::Status ErasureChunkStore::ReadRange(const meta::ChunkInfo& chunk, uint64_t offset,
                                            std::span<uint8_t> out) {
  std::optional<ErasureCodec> scratch;
  STRATA_ASSIGN_OR_RETURN(const ErasureCodec* codec, CodecFor(chunk, scratch));
  STRATA_ASSIGN_OR_RETURN(chunk_internal::ChunkShardFiles files,
                          chunk_internal::ChunkShardFiles::Create(drives_, health_, chunk, *codec));
  if (offset > chunk.size || out.size() > chunk.size - offset) {
    return common::Error(common::Code::kInvalidArgument,
                         "range " + std::to_string(offset) + "+" + std::to_string(out.size()) +
                             " is past the end of a " + std::to_string(chunk.size) + "-byte chunk");
  }
  chunk_internal::ReadOutcome outcome;
  common::Status status = chunk_internal::ReadChunkRange(files, *codec, offset, out, outcome);
  if (outcome.corrupt_shards > 0) {
    corruptions_.fetch_add(static_cast<uint64_t>(outcome.corrupt_shards),
                           std::memory_order_relaxed);
  }
  if (outcome.rebuilt) {
    reconstructions_.fetch_add(1, std::memory_order_relaxed);
    // Not for shards on offline drives: each read of such a chunk would queue
    // a heal that reads and rebuilds the chunk only to find nowhere to write
    // (at --heal-rate 50 that doubled a degraded GET's CPU).
    if (outcome.repairable && degraded_read_callback_) degraded_read_callback_(chunk);
  }
  return status;
}

common::Status ErasureChunkStore::Delete(std::string_view location) {
  if (!IsValidChunkLocation(location)) {
    return common::Error(common::Code::kInvalidArgument,
                         "chunk location is not 32 lower-case hex characters");
  }
  return RemoveLocation(location);
}

common::Status ErasureChunkStore::RemoveLocation(std::string_view location) {
  common::Status first_error;
  for (size_t d = 0; d < drives_.size(); ++d) {
    // A drive whose folder is gone (or replaced by a file) holds nothing:
    // RemoveAll counts that as removed.
    common::Status status = drives_[d]->RemoveAll(ChunkLocationDir(location));
    if (status.ok()) continue;
    health_.RecordFailure(d, status);
    if (first_error.ok()) first_error = status;
  }
  return first_error;
}

common::Result<HealResult> ErasureChunkStore::Heal(const meta::ChunkInfo& chunk) {
  std::optional<ErasureCodec> scratch;
  STRATA_ASSIGN_OR_RETURN(const ErasureCodec* codec, CodecFor(chunk, scratch));
  STRATA_ASSIGN_OR_RETURN(chunk_internal::ChunkShardFiles files,
                          chunk_internal::ChunkShardFiles::Create(drives_, health_, chunk, *codec));
  {
    std::unique_lock lock(heal_mutex_);
    heal_done_.wait(lock, [&] { return !healing_.contains(chunk.location); });
    healing_.insert(chunk.location);
  }
  common::Result<HealResult> result = chunk_internal::HealChunk(files, *codec);
  {
    std::lock_guard lock(heal_mutex_);
    healing_.erase(chunk.location);
  }
  heal_done_.notify_all();
  return result;
}

common::Status ErasureChunkStore::ForEachLocation(
    const std::function<void(const StoredLocation&)>& visit) {
  return chunk_internal::ScanLocations(drives_, health_, visit);
}

}  // namespace strata::storage
