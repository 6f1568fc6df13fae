// ShardReader: reads a shard file (shard_format.h) and verifies every byte it
// returns. A range read touches only the blocks that cover the range, so a
// range GET costs I/O and checksum work proportional to the range, and a
// corrupt block elsewhere in the shard does not fail it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

#include "common/result.h"
#include "storage/drive/drive.h"
#include "storage/shard/shard_format.h"

namespace strata::storage {

class ShardReader {
 public:
  // Opens name on drive, reads and validates the header, and checks the file
  // size against it. The reader owns the open file; drive must outlive it.
  // Errors:
  //   kUnavailable  the file cannot be opened or read (missing file, I/O
  //                 error): the shard is absent, not known to be bad.
  //   kCorruption   bad magic, unsupported version, header checksum mismatch,
  //                 inconsistent fields, or a file shorter (truncated) or
  //                 longer than the header implies. Messages name the path.
  static common::Result<ShardReader> Open(Drive& drive, const std::filesystem::path& name);

  ShardReader(ShardReader&& other) noexcept = default;
  ShardReader& operator=(ShardReader&&) = delete;
  ShardReader(const ShardReader&) = delete;

  const ShardHeader& header() const { return header_; }
  // The file's full path (for messages).
  const std::filesystem::path& path() const { return file_->path(); }

  // Fills out with payload bytes [offset, offset + out.size()). Reads (pread)
  // and verifies only the blocks that overlap the range; a read of zero bytes
  // does no I/O. Errors:
  //   kInvalidArgument  the range extends past header().payload_size.
  //   kCorruption       a covered block fails its checksum (the message names
  //                     the block and its file offset), or the file ends
  //                     before it (truncated after Open).
  //   kUnavailable      I/O error.
  // On error the contents of out are unspecified.
  common::Status ReadRange(uint64_t offset, std::span<uint8_t> out) const;

  // Reads and verifies every block and re-checks the file size, for the
  // scanner. Stops at the first bad block; same errors as ReadRange.
  common::Status VerifyAll() const;

  // Thread-safety: ReadRange and VerifyAll use positional reads
  // (RandomAccessFile::ReadAt) and call-local buffers, so concurrent calls on
  // one reader are safe.

 private:
  explicit ShardReader(std::unique_ptr<RandomAccessFile> file) : file_(std::move(file)) {}
  // Reads block `block` (payload and checksum) into scratch and verifies it.
  // On success the payload is scratch[0, ShardBlockLength(block)).
  // REQUIRES: scratch.size() >= block_size + kShardBlockChecksumSize.
  common::Status ReadBlock(uint64_t block, std::span<uint8_t> scratch) const;
  common::Status Corruption(const std::string& what) const;

  std::unique_ptr<RandomAccessFile> file_;
  ShardHeader header_;
  uint64_t header_checksum_ = 0;  // seeds the block checksums
};

}  // namespace strata::storage
