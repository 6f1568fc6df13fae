#include "storage/chunk_store/internal/chunk_decode.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "common/hash.h"

namespace strata::storage::chunk_internal {
namespace {

// The fast path: only the data shards and blocks covering the range. Chunk
// byte x is byte x % S of data shard x / S (the codec lays the chunk out
// verbatim over the data shards). Every shard the range needs is opened
// before any is read, so a missing one (the common failure: a dead drive)
// sends the read to reconstruction without bytes read in vain.
common::Status ReadDirect(const ChunkShardFiles& files, uint64_t offset, std::span<uint8_t> out) {
  const uint64_t shard_size = files.shard_size();
  const int first = static_cast<int>(offset / shard_size);
  const int last = static_cast<int>((offset + out.size() - 1) / shard_size);
  std::vector<ShardReader> readers;
  readers.reserve(static_cast<size_t>(last - first + 1));
  for (int shard = first; shard <= last; ++shard) {
    STRATA_ASSIGN_OR_RETURN(ShardReader reader, files.Open(shard));
    readers.push_back(std::move(reader));
  }
  uint64_t done = 0;
  for (int shard = first; shard <= last; ++shard) {
    const uint64_t in_shard = (offset + done) % shard_size;
    const uint64_t n = std::min<uint64_t>(out.size() - done, shard_size - in_shard);
    STRATA_RETURN_IF_ERROR(files.ReadRange(readers[static_cast<size_t>(shard - first)], shard,
                                           in_shard, out.subspan(done, n)));
    done += n;
  }
  return common::Status::Ok();
}

// Reads the slice of shards that holds the range (data shards first, then
// parity) until K verify, decodes only the missing data shards the range
// needs, and copies the range out. Reed-Solomon codes each byte position on
// its own, so a range inside one shard reads and decodes only its own
// positions of the K sources; a wider range needs every position.
common::Status ReadReconstructed(const ChunkShardFiles& files, const ErasureCodec& codec,
                                 uint64_t offset, std::span<uint8_t> out, ReadOutcome& outcome) {
  const int k = files.data_shards();
  const int total = files.total_shards();
  const uint64_t shard_size = files.shard_size();
  const uint64_t end = offset + out.size();
  const int first = static_cast<int>(offset / shard_size);
  const int last = static_cast<int>((end - 1) / shard_size);
  const uint64_t slice_begin = first == last ? offset % shard_size : 0;
  const uint64_t slice_end = first == last ? (end - 1) % shard_size + 1 : shard_size;
  const size_t slice = static_cast<size_t>(slice_end - slice_begin);

  // Where each shard's slice lives: inside `out` when the range covers all
  // of it (the data shards of a whole-chunk read, but for a padded last
  // one), else in scratch. Present slices are read there and missing ones
  // decoded there, so a whole-chunk rebuild copies nothing and touches
  // scratch only for the parity it reads. Scratch is left uninitialised
  // (every byte used is first read or decoded into) and only the slots used
  // are ever touched.
  std::unique_ptr<uint8_t[]> scratch =
      std::make_unique_for_overwrite<uint8_t[]>(static_cast<size_t>(total) * slice);
  auto in_out = [&](int shard) -> uint8_t* {
    if (shard >= k) return nullptr;
    const uint64_t begin = static_cast<uint64_t>(shard) * shard_size + slice_begin;
    if (begin < offset || begin + slice > end) return nullptr;
    return out.data() + (begin - offset);
  };
  auto slot = [&](int shard) -> uint8_t* {
    uint8_t* direct = in_out(shard);
    return direct != nullptr ? direct : scratch.get() + static_cast<size_t>(shard) * slice;
  };

  std::vector<const uint8_t*> sources(static_cast<size_t>(total), nullptr);
  int present = 0;
  int absent = 0;
  std::string errors;
  // Every data shard is visited first (K present needs at least K visits),
  // so the corrupt shard that failed the fast path is found and counted.
  for (int i = 0; i < total && present < k; ++i) {
    uint8_t* into = slot(i);
    common::Status status = [&]() -> common::Status {
      STRATA_ASSIGN_OR_RETURN(ShardReader reader, files.Open(i));
      return files.ReadRange(reader, i, slice_begin, std::span<uint8_t>(into, slice));
    }();
    if (status.ok()) {
      sources[static_cast<size_t>(i)] = into;
      ++present;
      continue;
    }
    if (status.code() == common::Code::kCorruption) {
      ++outcome.corrupt_shards;
    } else {
      ++absent;
    }
    if (files.DriveOnline(i)) outcome.repairable = true;
    if (!errors.empty()) errors += "; ";
    errors += status.ToString();
  }
  if (present < k) {
    // Shards that are merely absent may come back with their drive.
    const auto code =
        present + absent >= k ? common::Code::kUnavailable : common::Code::kCorruption;
    return common::Error(code, "chunk " + files.chunk().hash + " at " + files.chunk().location +
                                   ": only " + std::to_string(present) + " of " +
                                   std::to_string(total) + " shards usable, need " +
                                   std::to_string(k) + " (" + errors + ")");
  }
  outcome.rebuilt = std::any_of(sources.begin(), sources.begin() + k,
                                [](const uint8_t* shard) { return shard == nullptr; });

  std::vector<int> wanted;
  std::vector<uint8_t*> outputs;
  for (int shard = first; shard <= last; ++shard) {
    if (sources[static_cast<size_t>(shard)] != nullptr) continue;
    wanted.push_back(shard);
    outputs.push_back(slot(shard));
  }
  // No SHA-256 of the chunk here: every source slice passed its blocks'
  // checksums, which are seeded with the shard's header (chunk hash, shard
  // index, sizes), so K verified slices decode to the chunk's bytes; the
  // healer still checks the hash before it writes rebuilt shards to disk.
  STRATA_RETURN_IF_ERROR(codec.ReconstructSlices(sources, wanted, outputs, slice));

  // Only the slices that did not live in `out` are copied.
  for (int shard = first; shard <= last; ++shard) {
    if (in_out(shard) != nullptr) continue;
    const uint64_t from = std::max(offset, static_cast<uint64_t>(shard) * shard_size);
    const uint64_t to = std::min(end, static_cast<uint64_t>(shard + 1) * shard_size);
    std::memcpy(out.data() + (from - offset),
                slot(shard) + (from - static_cast<uint64_t>(shard) * shard_size - slice_begin),
                static_cast<size_t>(to - from));
  }
  return common::Status::Ok();
}

}  // namespace

common::Status ReadChunkRange(const ChunkShardFiles& files, const ErasureCodec& codec,
                              uint64_t offset, std::span<uint8_t> out, ReadOutcome& outcome) {
  if (out.empty()) return common::Status::Ok();
  // Any failure of the fast path (absent shard, bad block, bad header) is a
  // reason to rebuild, not to fail: the other shards decide.
  if (ReadDirect(files, offset, out).ok()) return common::Status::Ok();
  return ReadReconstructed(files, codec, offset, out, outcome);
}

common::Status RebuildChunk(const ChunkShardFiles& files, const ErasureCodec& codec,
                            std::vector<std::optional<std::vector<uint8_t>>>& shards) {
  STRATA_RETURN_IF_ERROR(codec.Reconstruct(shards));
  // End-to-end check: block checksums caught bad bytes on disk; the chunk
  // hash also catches a wrong decode or a consistent-but-wrong shard set
  // (with exactly K shards present, corruption cannot be seen otherwise).
  common::Digest digest(common::Digest::Algorithm::kSha256);
  const uint64_t chunk_size = files.chunk().size;
  for (uint64_t done = 0; done < chunk_size;) {
    const auto& shard = *shards[static_cast<size_t>(done / files.shard_size())];
    const uint64_t n = std::min<uint64_t>(chunk_size - done, files.shard_size());
    digest.Update(std::string_view(reinterpret_cast<const char*>(shard.data()), n));
    done += n;
  }
  const std::string sha = digest.Finish();
  const ChunkHash& want = files.raw_hash();
  if (sha.size() != want.size() || std::memcmp(sha.data(), want.data(), want.size()) != 0) {
    return common::Error(common::Code::kCorruption, "chunk " + files.chunk().hash + " at " +
                                                        files.chunk().location +
                                                        " does not match its hash after rebuild");
  }
  return common::Status::Ok();
}

}  // namespace strata::storage::chunk_internal
