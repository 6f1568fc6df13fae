#include "storage/erasure_store/erasure_object_store.h"

#include <algorithm>
#include <cstring>
#include <future>
#include <span>
#include <string>
#include <system_error>

#include "storage/chunker/chunk_stream.h"
#include "storage/chunker/fixed_chunker.h"
#include "storage/drive/durable_file.h"
#include "storage/erasure_store/chunk_reader.h"
#include "storage/erasure_store/layout.h"
#include "storage/shard/shard_writer.h"

namespace strata::storage {
namespace {

// Streams [offset, offset + length) of an object, one chunk's piece at a time.
class ErasureRangeSource : public common::ByteSource {
 public:
  ErasureRangeSource(const std::vector<std::filesystem::path>& drives, ErasureManifest manifest,
                     ErasureCodec codec, std::atomic<uint64_t>& reconstructions, uint64_t offset,
                     uint64_t length)
      : reader_(drives, manifest, std::move(codec), reconstructions),
        chunk_size_(manifest.chunk_size),
        position_(offset),
        end_(offset + length) {}

  // Loads the piece of the chunk that holds position_, up to the chunk's end
  // or the range's end.
  common::Status LoadNextPiece() {
    const uint64_t chunk = position_ / chunk_size_;
    const uint64_t chunk_start = chunk * chunk_size_;
    const uint64_t piece_end = std::min(end_, chunk_start + chunk_size_);
    piece_.resize(piece_end - position_);
    piece_read_ = 0;
    STRATA_RETURN_IF_ERROR(reader_.ReadChunkRange(chunk, position_ - chunk_start, piece_));
    position_ = piece_end;
    return common::Status::Ok();
  }

  common::Result<size_t> Read(std::span<char> out) override {
    if (!error_.ok()) return error_;
    if (out.empty()) return size_t{0};
    if (piece_read_ == piece_.size()) {
      if (position_ == end_) return size_t{0};
      if (common::Status status = LoadNextPiece(); !status.ok()) {
        error_ = status;
        return status;
      }
    }
    const size_t n = std::min(out.size(), piece_.size() - piece_read_);
    std::memcpy(out.data(), piece_.data() + piece_read_, n);
    piece_read_ += n;
    return n;
  }

 private:
  ChunkReader reader_;
  const uint64_t chunk_size_;
  uint64_t position_;  // object offset of the first byte not yet loaded
  const uint64_t end_;
  std::vector<uint8_t> piece_;  // loaded bytes; piece_[piece_read_, size) not yet served
  size_t piece_read_ = 0;
  common::Status error_;  // first failure; every later Read returns it
};

}  // namespace

common::Result<std::unique_ptr<ErasureObjectStore>> ErasureObjectStore::Open(
    std::vector<std::filesystem::path> drives, common::Random& random,
    ErasureStoreOptions options) {
  if (drives.empty()) return common::Error(common::Code::kInvalidArgument, "no drives configured");
  STRATA_ASSIGN_OR_RETURN(ErasureCodec codec,
                          ErasureCodec::Create(options.data_shards, options.parity_shards));
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Chunker> chunker, MakeFixedChunker(options.chunk_size));
  const int k = options.data_shards;
  const int m = options.parity_shards;
  int quorum = options.write_quorum;
  if (quorum == 0) quorum = k == m ? k + 1 : k;
  if (quorum < k || quorum > k + m) {
    return common::Error(common::Code::kInvalidArgument,
                         "write quorum " + std::to_string(quorum) + " is outside [K, K + M] = [" +
                             std::to_string(k) + ", " + std::to_string(k + m) + "]");
  }
  for (const auto& drive : drives) {
    std::error_code ec;
    std::filesystem::create_directories(drive / kShardsDirName, ec);
    if (ec) return IoError("mkdir", drive / kShardsDirName, ec.value());
    // A crash mid-write leaves temporary shards that were never committed.
    std::filesystem::remove_all(drive / kTempDirName, ec);
    if (ec) return IoError("clear", drive / kTempDirName, ec.value());
    std::filesystem::create_directories(drive / kTempDirName, ec);
    if (ec) return IoError("mkdir", drive / kTempDirName, ec.value());
  }
  return std::unique_ptr<ErasureObjectStore>(new ErasureObjectStore(
      std::move(drives), random, std::move(codec), std::move(chunker), options.chunk_size, quorum));
}

std::string ErasureObjectStore::NewId() {
  std::lock_guard lock(random_mutex_);
  return common::RandomHexId(random_);
}

common::Result<WrittenData> ErasureObjectStore::Write(common::ByteSource& source,
                                                      std::optional<uint64_t> expected_size) {
  const std::string id = NewId();
  common::Result<WrittenData> written = WriteShards(id, source, expected_size);
  if (!written.ok()) {
    // Best effort: the write already failed, and the scanner collects any
    // shard a dead drive kept.
    (void)RemoveObject(id);
  }
  return written;
}

common::Result<WrittenData> ErasureObjectStore::WriteShards(const std::string& id,
                                                            common::ByteSource& source,
                                                            std::optional<uint64_t> expected_size) {
  ChunkStream stream(source, *chunker_);
  ChunkStream::Chunk chunk;
  // Reused for every chunk, so a write allocates its shard buffers once.
  std::vector<std::vector<uint8_t>> shards;
  uint64_t size = 0;
  uint64_t chunk_index = 0;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool more, stream.Next(chunk));
    if (!more) break;
    // Checked before the chunk is stored, so an overlong body costs no shard
    // writes beyond the declared length.
    if (expected_size && size + chunk.data.size() > *expected_size) {
      return common::Error(common::Code::kInvalidRequest, "body is longer than Content-Length");
    }
    STRATA_RETURN_IF_ERROR(WriteChunk(id, chunk_index, chunk.data, chunk.sha256, shards));
    size += chunk.data.size();
    ++chunk_index;
  }
  if (expected_size && size != *expected_size) {
    return common::Error(common::Code::kIncompleteBody,
                         "You did not provide the number of bytes specified by the Content-Length "
                         "HTTP header.");
  }
  ErasureManifest manifest{id, codec_.data_shards(), codec_.parity_shards(), chunk_size_, size};
  return WrittenData{EncodeErasureManifest(manifest), size};
}

common::Status ErasureObjectStore::WriteChunk(const std::string& id, uint64_t chunk_index,
                                              std::string_view data, const std::string& sha256,
                                              std::vector<std::vector<uint8_t>>& shards) {
  STRATA_RETURN_IF_ERROR(codec_.Encode(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size()),
      shards));
  ShardHeader header;
  header.data_shards = static_cast<uint16_t>(codec_.data_shards());
  header.parity_shards = static_cast<uint16_t>(codec_.parity_shards());
  header.chunk_size = data.size();
  header.payload_size = codec_.ShardSize(data.size());
  if (sha256.size() != header.chunk_hash.size()) {
    return common::Error(common::Code::kInternal, "chunk hash is not a SHA-256");
  }
  std::memcpy(header.chunk_hash.data(), sha256.data(), header.chunk_hash.size());

  // Rule 8: every shard's outcome is collected; one failed drive never stops
  // the others, and the quorum decides. The shards go to their drives at the
  // same time, so a chunk costs one fdatasync wave, not K+M in a row.
  const int total = codec_.total_shards();
  auto write_shard = [&](int i) -> common::Status {
    ShardHeader shard_header = header;
    shard_header.shard_index = static_cast<uint16_t>(i);
    const auto& drive = drives_[ShardDrive(id, chunk_index, i, drives_.size())];
    STRATA_ASSIGN_OR_RETURN(
        ShardWriter writer,
        ShardWriter::Create(shard_header, ShardTempPath(drive, id, chunk_index, i)));
    STRATA_RETURN_IF_ERROR(writer.Append(shards[i]));
    return writer.Finish(ShardFilePath(drive, id, chunk_index, i));
  };
  // async|deferred: libstdc++ runs each on its own thread, and falls back to
  // running it at get() (never throwing) when no thread can be started.
  std::vector<std::future<common::Status>> pending;
  pending.reserve(static_cast<size_t>(total));
  for (int i = 1; i < total; ++i) {
    pending.push_back(std::async(std::launch::async | std::launch::deferred, write_shard, i));
  }
  std::vector<common::Status> results(static_cast<size_t>(total));
  results[0] = write_shard(0);
  for (int i = 1; i < total; ++i) results[static_cast<size_t>(i)] = pending[i - 1].get();
  const int durable = static_cast<int>(
      std::count_if(results.begin(), results.end(), [](const auto& s) { return s.ok(); }));
  if (durable >= write_quorum_) return common::Status::Ok();
  std::string errors;
  for (const auto& status : results) {
    if (status.ok()) continue;
    if (!errors.empty()) errors += "; ";
    errors += status.ToString();
  }
  return common::Error(common::Code::kUnavailable,
                       "chunk " + std::to_string(chunk_index) + ": only " +
                           std::to_string(durable) + " of " + std::to_string(total) +
                           " shards durable, write quorum is " + std::to_string(write_quorum_) +
                           " (" + errors + ")");
}

common::Status ErasureObjectStore::RemoveObject(std::string_view id) {
  common::Status first_error;
  for (const auto& drive : drives_) {
    const auto dir = ObjectShardDir(drive, id);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    // A drive whose folder is gone (or replaced by a file) holds nothing.
    if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory &&
        first_error.ok()) {
      first_error = IoError("remove", dir, ec.value());
    }
  }
  return first_error;
}

common::Result<ErasureCodec> ErasureObjectStore::CodecFor(const ErasureManifest& manifest) const {
  if (manifest.data_shards == codec_.data_shards() &&
      manifest.parity_shards == codec_.parity_shards()) {
    return codec_;
  }
  return ErasureCodec::Create(manifest.data_shards, manifest.parity_shards);
}

common::Result<std::unique_ptr<common::ByteSource>> ErasureObjectStore::Read(
    std::string_view data_ref, uint64_t offset, uint64_t length) {
  STRATA_ASSIGN_OR_RETURN(ErasureManifest manifest, ParseErasureManifest(data_ref));
  if (offset > manifest.object_size || length > manifest.object_size - offset) {
    return common::Error(common::Code::kInvalidArgument,
                         "range " + std::to_string(offset) + "+" + std::to_string(length) +
                             " is past the end of a " + std::to_string(manifest.object_size) +
                             "-byte object");
  }
  STRATA_ASSIGN_OR_RETURN(ErasureCodec codec, CodecFor(manifest));
  auto source = std::make_unique<ErasureRangeSource>(drives_, std::move(manifest), std::move(codec),
                                                     reconstructions_, offset, length);
  if (length > 0) STRATA_RETURN_IF_ERROR(source->LoadNextPiece());
  return std::unique_ptr<common::ByteSource>(std::move(source));
}

common::Status ErasureObjectStore::Delete(std::string_view data_ref) {
  STRATA_ASSIGN_OR_RETURN(ErasureManifest manifest, ParseErasureManifest(data_ref));
  return RemoveObject(manifest.id);
}

}  // namespace strata::storage
