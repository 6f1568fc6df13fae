#include "storage/shard/shard_writer.h"

#include <algorithm>
#include <array>
#include <string>

namespace strata::storage {

common::Result<ShardWriter> ShardWriter::Create(const ShardHeader& header, Drive& drive,
                                                std::filesystem::path temp_name) {
  STRATA_RETURN_IF_ERROR(ValidateShardHeader(header));
  STRATA_ASSIGN_OR_RETURN(DurableFileWriter file,
                          DurableFileWriter::Create(drive, std::move(temp_name)));
  const std::array<uint8_t, kShardHeaderSize> bytes = EncodeShardHeader(header);
  STRATA_RETURN_IF_ERROR(file.Append(std::span<const uint8_t>(bytes)));
  return ShardWriter(header, std::move(file));
}

ShardWriter::ShardWriter(const ShardHeader& header, DurableFileWriter file)
    : header_(header), header_checksum_(ShardHeaderChecksum(header)), file_(std::move(file)) {
  block_.reserve(std::min<uint64_t>(header.block_size, header.payload_size) +
                 kShardBlockChecksumSize);
}

common::Status ShardWriter::Fail(common::Status status) {
  if (error_.ok()) error_ = status;
  return status;
}

common::Status ShardWriter::Append(std::span<const uint8_t> data) {
  if (!error_.ok()) return error_;
  if (finished_) return Fail(common::Error(common::Code::kInternal, "shard writer: finished"));
  if (data.size() > header_.payload_size - appended_) {
    return Fail(common::Error(common::Code::kInvalidArgument,
                              "shard writer: " + std::to_string(appended_ + data.size()) +
                                  " payload bytes exceed the declared " +
                                  std::to_string(header_.payload_size)));
  }
  // Whole blocks straight from the caller's bytes: no staging copy, and one
  // writev for many blocks and their checksums.
  if (block_.empty() && data.size() >= header_.block_size) {
    const size_t blocks = data.size() / header_.block_size;
    std::vector<std::array<uint8_t, kShardBlockChecksumSize>> sums(blocks);
    std::vector<std::span<const uint8_t>> pieces;
    pieces.reserve(2 * blocks);
    for (size_t b = 0; b < blocks; ++b) {
      const auto block = data.subspan(b * header_.block_size, header_.block_size);
      StoreLittleEndian64(sums[b].data(),
                          ShardBlockChecksum(header_checksum_, next_block_ + b, block));
      pieces.push_back(block);
      pieces.push_back(std::span<const uint8_t>(sums[b]));
    }
    if (common::Status status = file_.AppendV(pieces); !status.ok()) return Fail(std::move(status));
    next_block_ += blocks;
    appended_ += blocks * header_.block_size;
    data = data.subspan(blocks * header_.block_size);
  }
  while (!data.empty()) {
    const size_t room = header_.block_size - block_.size();
    const size_t n = std::min(room, data.size());
    block_.insert(block_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
    data = data.subspan(n);
    appended_ += n;
    if (block_.size() == header_.block_size) STRATA_RETURN_IF_ERROR(FlushBlock());
  }
  return common::Status::Ok();
}

common::Status ShardWriter::FlushBlock() {
  const uint64_t checksum = ShardBlockChecksum(header_checksum_, next_block_, block_);
  const size_t payload = block_.size();
  block_.resize(payload + kShardBlockChecksumSize);
  StoreLittleEndian64(&block_[payload], checksum);
  // Block and checksum in one write: a crash tears them together, and the
  // reader's checksum catches it (the file is only visible after Commit
  // anyway).
  common::Status status = file_.Append(std::span<const uint8_t>(block_));
  block_.clear();
  if (!status.ok()) return Fail(std::move(status));
  ++next_block_;
  return common::Status::Ok();
}

common::Status ShardWriter::Finish(const std::filesystem::path& final_name) {
  if (!error_.ok()) return error_;
  if (finished_) return Fail(common::Error(common::Code::kInternal, "shard writer: finished"));
  finished_ = true;
  if (appended_ != header_.payload_size) {
    return Fail(common::Error(common::Code::kInvalidArgument,
                              "shard writer: " + std::to_string(appended_) + " of " +
                                  std::to_string(header_.payload_size) +
                                  " payload bytes appended"));
  }
  if (!block_.empty()) STRATA_RETURN_IF_ERROR(FlushBlock());
  common::Status status = file_.Commit(final_name);
  if (!status.ok()) return Fail(std::move(status));
  return common::Status::Ok();
}

}  // namespace strata::storage
