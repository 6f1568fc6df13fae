#include "storage/shard/shard_reader.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace strata::storage {

common::Result<ShardReader> ShardReader::Open(Drive& drive, const std::filesystem::path& name) {
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, drive.OpenFile(name));
  // Owns the file from here: every early return below closes it.
  ShardReader reader(std::move(file));

  std::array<uint8_t, kShardHeaderSize> bytes{};
  STRATA_ASSIGN_OR_RETURN(size_t got, reader.file_->ReadAt(0, bytes));
  common::Result<ShardHeader> header = DecodeShardHeader(std::span(bytes.data(), got));
  if (!header.ok()) return reader.Corruption(header.status().message());
  reader.header_ = *header;
  reader.header_checksum_ = ShardHeaderChecksum(*header);

  // A size mismatch means a torn or tampered file; catching it here fails
  // fast instead of at whichever block a read happens to reach.
  STRATA_ASSIGN_OR_RETURN(uint64_t size, reader.file_->Size());
  const uint64_t want = ShardFileSize(*header);
  if (size < want) {
    return reader.Corruption("truncated: " + std::to_string(size) + " bytes, header implies " +
                             std::to_string(want));
  }
  if (size > want) {
    return reader.Corruption(std::to_string(size) + " bytes, header implies " +
                             std::to_string(want) + " (trailing data)");
  }
  return reader;
}

common::Status ShardReader::Corruption(const std::string& what) const {
  return common::Error(common::Code::kCorruption, "shard " + path().string() + ": " + what);
}

common::Status ShardReader::ReadBlock(uint64_t block, std::span<uint8_t> scratch) const {
  const uint64_t length = ShardBlockLength(header_, block);
  const uint64_t offset = ShardBlockOffset(header_, block);
  const size_t want = static_cast<size_t>(length) + kShardBlockChecksumSize;
  // Payload and its trailing checksum are adjacent: one pread per block.
  STRATA_ASSIGN_OR_RETURN(size_t got, file_->ReadAt(offset, scratch.first(want)));
  if (got < want) {
    return Corruption("truncated in block " + std::to_string(block) + " (file offset " +
                      std::to_string(offset) + ")");
  }
  const std::span<const uint8_t> payload = scratch.first(static_cast<size_t>(length));
  const uint64_t stored = LoadLittleEndian64(&scratch[length]);
  if (ShardBlockChecksum(header_checksum_, block, payload) != stored) {
    return Corruption("checksum mismatch in block " + std::to_string(block) + " (file offset " +
                      std::to_string(offset) + ", " + std::to_string(length) + " bytes)");
  }
  return common::Status::Ok();
}

common::Status ShardReader::ReadRange(uint64_t offset, std::span<uint8_t> out) const {
  if (offset > header_.payload_size || out.size() > header_.payload_size - offset) {
    return common::Error(common::Code::kInvalidArgument,
                         "shard " + path().string() + ": range [" + std::to_string(offset) + ", +" +
                             std::to_string(out.size()) + ") past payload of " +
                             std::to_string(header_.payload_size) + " bytes");
  }
  if (out.empty()) return common::Status::Ok();
  const uint64_t block_size = header_.block_size;
  const uint64_t end = offset + out.size();
  const uint64_t first = offset / block_size;
  const uint64_t last = (end - 1) / block_size;
  // Every block goes through scratch so it is verified before any byte of it
  // reaches the caller's buffer region; the extra copy is small next to the
  // checksum and the read.
  std::vector<uint8_t> scratch(static_cast<size_t>(
      std::min<uint64_t>(block_size, header_.payload_size) + kShardBlockChecksumSize));
  for (uint64_t block = first; block <= last; ++block) {
    STRATA_RETURN_IF_ERROR(ReadBlock(block, scratch));
    const uint64_t block_begin = block * block_size;
    const uint64_t from = std::max(offset, block_begin);
    const uint64_t to = std::min(end, block_begin + ShardBlockLength(header_, block));
    std::memcpy(out.data() + (from - offset), scratch.data() + (from - block_begin),
                static_cast<size_t>(to - from));
  }
  return common::Status::Ok();
}

common::Status ShardReader::VerifyAll() const {
  STRATA_ASSIGN_OR_RETURN(uint64_t size, file_->Size());
  if (size != ShardFileSize(header_)) {
    return Corruption(std::to_string(size) + " bytes, header implies " +
                      std::to_string(ShardFileSize(header_)));
  }
  std::vector<uint8_t> scratch(static_cast<size_t>(
      std::min<uint64_t>(header_.block_size, header_.payload_size) + kShardBlockChecksumSize));
  const uint64_t blocks = ShardBlockCount(header_);
  for (uint64_t block = 0; block < blocks; ++block) {
    STRATA_RETURN_IF_ERROR(ReadBlock(block, scratch));
  }
  return common::Status::Ok();
}

}  // namespace strata::storage
