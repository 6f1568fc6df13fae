#include "storage/chunk_store/internal/shard_files.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include "common/hex.h"
#include "storage/chunk_store/layout.h"
#include "storage/chunker/chunker.h"
#include "storage/drive/durable_file.h"
#include "storage/shard/shard_writer.h"

namespace strata::storage::chunk_internal {
namespace {

// True when path does not exist on a drive that is otherwise there: the one
// failure that means "not written here" rather than "this drive is broken".
// A deleted drive folder counts as there (writes recreate it); a drive folder
// replaced by a file (ENOTDIR all the way up), EIO or EACCES do not.
bool IsPlainlyMissing(const std::filesystem::path& path, const std::filesystem::path& drive) {
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) return false;
  if (errno == ENOENT) return true;
  if (errno != ENOTDIR) return false;
  // Something inside the drive is a file where a directory belongs: a stray
  // entry, not a dead drive, as long as the drive folder itself is one.
  return ::stat(drive.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// mkdir -p that makes each directory it creates durable: a new entry exists
// after a crash only once its parent is fsynced, and a shard in a directory
// that vanishes on crash is lost although its own file was synced.
common::Status CreateDirectoryDurably(const std::filesystem::path& dir) {
  if (::mkdir(dir.c_str(), 0755) == 0) return SyncDirectory(dir.parent_path());
  int err = errno;
  if (err == EEXIST) return common::Status::Ok();  // a file here fails the rename
  const std::filesystem::path parent = dir.parent_path();
  if (err == ENOENT && !parent.empty() && parent != dir) {
    STRATA_RETURN_IF_ERROR(CreateDirectoryDurably(parent));
    if (::mkdir(dir.c_str(), 0755) == 0) return SyncDirectory(parent);
    err = errno;
    if (err == EEXIST) return common::Status::Ok();
  }
  return IoError("mkdir", dir, err);
}

// ShardWriter::Create, recreating the drive's tmp/ once when it is gone.
common::Result<ShardWriter> CreateWriter(const ShardHeader& header,
                                         const std::filesystem::path& temp_path,
                                         const std::filesystem::path& drive) {
  {
    common::Result<ShardWriter> writer = ShardWriter::Create(header, temp_path);
    if (writer.ok() || writer.status().code() != common::Code::kUnavailable ||
        !IsPlainlyMissing(temp_path.parent_path(), drive)) {
      return writer;
    }
  }
  // The drive folder was deleted or swapped for an empty one (a replaced
  // disk). Nothing in tmp/ needs to survive a crash, so no fsync here.
  std::error_code ec;
  std::filesystem::create_directories(temp_path.parent_path(), ec);
  if (ec) return IoError("mkdir", temp_path.parent_path(), ec.value());
  return ShardWriter::Create(header, temp_path);
}

}  // namespace

common::Result<ChunkShardFiles> ChunkShardFiles::Create(DriveHealth& health,
                                                        const meta::ChunkInfo& chunk,
                                                        const ErasureCodec& codec) {
  std::optional<uint64_t> placement = ChunkPlacementHash(chunk.hash);
  if (!placement) {
    return common::Error(common::Code::kInvalidArgument,
                         "chunk hash is not 64 lower-case hex characters: '" + chunk.hash + "'");
  }
  if (!IsValidChunkLocation(chunk.location)) {
    return common::Error(
        common::Code::kInvalidArgument,
        "chunk location is not 32 lower-case hex characters: '" + chunk.location + "'");
  }
  if (chunk.data_shards != codec.data_shards() || chunk.parity_shards != codec.parity_shards()) {
    return common::Error(common::Code::kInternal, "codec does not match the chunk's K and M");
  }
  if (chunk.size == 0 || chunk.size > kMaxChunkSize) {
    return common::Error(common::Code::kInvalidArgument,
                         "chunk size " + std::to_string(chunk.size) + " is outside 1.." +
                             std::to_string(kMaxChunkSize));
  }
  ChunkHash raw{};
  const std::optional<std::string> bytes = common::HexDecode(chunk.hash);
  std::memcpy(raw.data(), bytes->data(), raw.size());  // 64 hex digits: 32 bytes
  return ChunkShardFiles(health, chunk, codec.ShardSize(chunk.size), *placement, raw);
}

size_t ChunkShardFiles::DriveOf(int shard) const {
  return ChunkShardDrive(placement_hash_, shard, health_->size());
}

std::filesystem::path ChunkShardFiles::PathOf(int shard) const {
  return ChunkShardPath(health_->path(DriveOf(shard)), chunk_.location, shard);
}

ShardHeader ChunkShardFiles::ExpectedHeader(int shard, uint32_t block_size) const {
  ShardHeader header;
  header.shard_index = static_cast<uint16_t>(shard);
  header.data_shards = static_cast<uint16_t>(chunk_.data_shards);
  header.parity_shards = static_cast<uint16_t>(chunk_.parity_shards);
  header.block_size = block_size;
  header.chunk_size = chunk_.size;
  header.payload_size = shard_size_;
  header.chunk_hash = raw_hash_;
  return header;
}

void ChunkShardFiles::NoteFailure(int shard, const common::Status& status) const {
  if (status.code() == common::Code::kUnavailable) health_->RecordFailure(DriveOf(shard), status);
}

common::Result<ShardReader> ChunkShardFiles::Open(int shard) const {
  const size_t drive = DriveOf(shard);
  if (!health_->IsOnline(drive)) {
    return common::Error(common::Code::kUnavailable,
                         "drive " + health_->path(drive).string() + " is offline");
  }
  const std::filesystem::path path = PathOf(shard);
  common::Result<ShardReader> reader = ShardReader::Open(path);
  if (!reader.ok()) {
    if (!IsPlainlyMissing(path, health_->path(drive))) NoteFailure(shard, reader.status());
    return reader;
  }
  ShardHeader want = ExpectedHeader(shard, reader->header().block_size);
  if (reader->header() != want) {
    return common::Error(common::Code::kCorruption,
                         "shard header does not match chunk " + chunk_.hash + ": " + path.string());
  }
  return reader;
}

common::Status ChunkShardFiles::ReadRange(const ShardReader& reader, int shard, uint64_t offset,
                                          std::span<uint8_t> out) const {
  common::Status status = reader.ReadRange(offset, out);
  NoteFailure(shard, status);
  return status;
}

common::Result<ShardPayload> ChunkShardFiles::ReadWhole(int shard) const {
  STRATA_ASSIGN_OR_RETURN(ShardReader reader, Open(shard));
  ShardPayload payload;
  payload.block_size = reader.header().block_size;
  payload.bytes.resize(shard_size_);
  STRATA_RETURN_IF_ERROR(ReadRange(reader, shard, 0, payload.bytes));
  return payload;
}

common::Status ChunkShardFiles::Write(int shard, uint32_t block_size,
                                      std::span<const uint8_t> payload) const {
  const size_t drive = DriveOf(shard);
  if (!health_->IsOnline(drive)) {
    return common::Error(common::Code::kUnavailable,
                         "drive " + health_->path(drive).string() + " is offline");
  }
  common::Status status = WriteDurably(shard, block_size, payload);
  NoteFailure(shard, status);
  return status;
}

common::Status ChunkShardFiles::WriteDurably(int shard, uint32_t block_size,
                                             std::span<const uint8_t> payload) const {
  const std::filesystem::path& drive = health_->path(DriveOf(shard));
  STRATA_ASSIGN_OR_RETURN(ShardWriter writer,
                          CreateWriter(ExpectedHeader(shard, block_size),
                                       ChunkShardTempPath(drive, chunk_.location, shard), drive));
  STRATA_RETURN_IF_ERROR(writer.Append(payload));
  // Finish would create a missing directory too, but without fsyncing the
  // new entries above it.
  STRATA_RETURN_IF_ERROR(CreateDirectoryDurably(ChunkLocationDir(drive, chunk_.location)));
  return writer.Finish(ChunkShardPath(drive, chunk_.location, shard));
}

}  // namespace strata::storage::chunk_internal
