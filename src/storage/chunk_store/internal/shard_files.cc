#include "storage/chunk_store/internal/shard_files.h"

#include <cstring>
#include <string>

#include "common/hex.h"
#include "storage/chunk_store/layout.h"
#include "storage/chunker/chunker.h"
#include "storage/drive/durable_file.h"
#include "storage/shard/shard_writer.h"

namespace strata::storage::chunk_internal {
namespace {

// True when name does not exist on a drive that is otherwise there: the one
// failure that means "not written here" rather than "this drive is broken"
// (Drive::Stat draws the line: a deleted drive folder counts as there, since
// writes recreate it; a drive folder replaced by a file, EIO or EACCES do
// not). Only asked after a failure, so the hot path pays nothing for it.
bool IsPlainlyMissing(Drive& drive, const std::filesystem::path& name) {
  common::Result<FileInfo> info = drive.Stat(name);
  return info.ok() && info->type == FileType::kMissing;
}

// ShardWriter::Create, recreating the drive's tmp/ once when it is gone.
common::Result<ShardWriter> CreateWriter(const ShardHeader& header, Drive& drive,
                                         const std::filesystem::path& temp_name) {
  {
    common::Result<ShardWriter> writer = ShardWriter::Create(header, drive, temp_name);
    if (writer.ok() || writer.status().code() != common::Code::kUnavailable ||
        !IsPlainlyMissing(drive, temp_name.parent_path())) {
      return writer;
    }
  }
  // The drive folder was deleted or swapped for an empty one (a replaced
  // disk). Nothing in tmp/ needs to survive a crash, so no fsync here.
  STRATA_RETURN_IF_ERROR(drive.CreateDirs(temp_name.parent_path()));
  return ShardWriter::Create(header, drive, temp_name);
}

}  // namespace

common::Result<ChunkShardFiles> ChunkShardFiles::Create(std::span<Drive* const> drives,
                                                        DriveHealth& health,
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
  return ChunkShardFiles(drives, health, chunk, codec.ShardSize(chunk.size), *placement, raw);
}

size_t ChunkShardFiles::DriveOf(int shard) const {
  return ChunkShardDrive(placement_hash_, shard, drives_.size());
}

bool ChunkShardFiles::DriveOnline(int shard) const { return health_->IsOnline(DriveOf(shard)); }

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
  const std::filesystem::path name = ChunkShardPath(chunk_.location, shard);
  common::Result<ShardReader> reader = ShardReader::Open(*drives_[drive], name);
  if (!reader.ok()) {
    if (!IsPlainlyMissing(*drives_[drive], name)) NoteFailure(shard, reader.status());
    return reader;
  }
  ShardHeader want = ExpectedHeader(shard, reader->header().block_size);
  if (reader->header() != want) {
    return common::Error(
        common::Code::kCorruption,
        "shard header does not match chunk " + chunk_.hash + ": " + reader->path().string());
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
  Drive& drive = *drives_[DriveOf(shard)];
  STRATA_ASSIGN_OR_RETURN(ShardWriter writer,
                          CreateWriter(ExpectedHeader(shard, block_size), drive,
                                       ChunkShardTempPath(chunk_.location, shard)));
  STRATA_RETURN_IF_ERROR(writer.Append(payload));
  // Finish would create a missing directory too, but without fsyncing the
  // new entries above it.
  STRATA_RETURN_IF_ERROR(CreateDirectoriesDurably(drive, ChunkLocationDir(chunk_.location)));
  return writer.Finish(ChunkShardPath(chunk_.location, shard));
}

}  // namespace strata::storage::chunk_internal
