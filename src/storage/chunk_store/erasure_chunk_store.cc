#include "storage/chunk_store/erasure_chunk_store.h"

#include <algorithm>
#include <set>
#include <system_error>

#include "storage/chunk_store/internal/chunk_decode.h"
#include "storage/chunk_store/internal/chunk_encode.h"
#include "storage/chunk_store/internal/chunk_heal.h"
#include "storage/chunk_store/internal/location_scan.h"
#include "storage/chunk_store/internal/shard_files.h"
#include "storage/chunk_store/layout.h"
#include "storage/chunker/chunker.h"
#include "storage/drive/durable_file.h"

namespace strata::storage {
namespace {

// Creates <drive>/chunks and an empty <drive>/tmp.
common::Status PrepareDrive(const std::filesystem::path& drive) {
  std::error_code ec;
  std::filesystem::create_directories(drive / kChunksDirName, ec);
  if (ec) return IoError("mkdir", drive / kChunksDirName, ec.value());
  // A crash mid-write leaves temporary shards that were never committed.
  std::filesystem::remove_all(drive / kChunkTempDirName, ec);
  if (ec) return IoError("clear", drive / kChunkTempDirName, ec.value());
  std::filesystem::create_directories(drive / kChunkTempDirName, ec);
  if (ec) return IoError("mkdir", drive / kChunkTempDirName, ec.value());
  return common::Status::Ok();
}

// The drive's folder with "." and ".." resolved and no trailing separator,
// so two spellings of one folder compare equal.
std::filesystem::path NormalDrivePath(const std::filesystem::path& drive) {
  std::filesystem::path normal = drive.lexically_normal();
  if (!normal.has_filename() && normal.has_relative_path()) normal = normal.parent_path();
  return normal;
}

}  // namespace

common::Result<std::unique_ptr<ErasureChunkStore>> ErasureChunkStore::Open(
    std::vector<std::filesystem::path> drives, common::Random& random, const common::Clock& clock,
    ErasureChunkStoreOptions options) {
  return OpenWithClock(std::move(drives), random, &clock, options);
}

common::Result<std::unique_ptr<ErasureChunkStore>> ErasureChunkStore::Open(
    std::vector<std::filesystem::path> drives, common::Random& random,
    ErasureChunkStoreOptions options) {
  return OpenWithClock(std::move(drives), random, nullptr, options);
}

common::Result<std::unique_ptr<ErasureChunkStore>> ErasureChunkStore::OpenWithClock(
    std::vector<std::filesystem::path> drives, common::Random& random, const common::Clock* clock,
    const ErasureChunkStoreOptions& options) {
  if (drives.empty()) return common::Error(common::Code::kInvalidArgument, "no drives configured");
  std::set<std::filesystem::path> distinct;
  for (const auto& drive : drives) {
    // Two entries for one folder would silently put "distinct" shards of a
    // chunk on the same disk.
    if (!distinct.insert(NormalDrivePath(drive)).second) {
      return common::Error(common::Code::kInvalidArgument,
                           "drive " + drive.string() + " is listed twice");
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
      new ErasureChunkStore(std::move(drives), random, clock, std::move(codec), options, quorum));
  for (size_t d = 0; d < store->health_.size(); ++d) {
    // Drive failures are data (STYLE.md rule 8): a dead drive at startup is
    // an offline drive, and the quorum decides whether writes still work.
    if (common::Status status = PrepareDrive(store->health_.path(d)); !status.ok()) {
      store->health_.RecordFailure(d, status);
    }
  }
  return store;
}

ErasureChunkStore::ErasureChunkStore(std::vector<std::filesystem::path> drives,
                                     common::Random& random, const common::Clock* clock,
                                     ErasureCodec codec, const ErasureChunkStoreOptions& options,
                                     int write_quorum)
    : own_clock_(clock ? nullptr : std::make_unique<common::SystemClock>()),
      health_(std::move(drives), clock ? *clock : *own_clock_, options.drive_retry_ms),
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
                          chunk_internal::ChunkShardFiles::Create(health_, chunk, codec_));
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
                          chunk_internal::ChunkShardFiles::Create(health_, chunk, *codec));
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
    if (degraded_read_callback_) degraded_read_callback_(chunk);
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
  for (size_t d = 0; d < health_.size(); ++d) {
    const auto dir = ChunkLocationDir(health_.path(d), location);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    // A drive whose folder is gone (or replaced by a file) holds nothing.
    if (!ec || ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) {
      continue;
    }
    common::Status status = IoError("remove", dir, ec.value());
    health_.RecordFailure(d, status);
    if (first_error.ok()) first_error = status;
  }
  return first_error;
}

common::Result<HealResult> ErasureChunkStore::Heal(const meta::ChunkInfo& chunk) {
  std::optional<ErasureCodec> scratch;
  STRATA_ASSIGN_OR_RETURN(const ErasureCodec* codec, CodecFor(chunk, scratch));
  STRATA_ASSIGN_OR_RETURN(chunk_internal::ChunkShardFiles files,
                          chunk_internal::ChunkShardFiles::Create(health_, chunk, *codec));
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
  return chunk_internal::ScanLocations(health_, visit);
}

}  // namespace strata::storage
