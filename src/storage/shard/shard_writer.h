// ShardWriter: streams one shard into a shard file (shard_format.h) on a
// Drive through the durable-write recipe of DurableFileWriter: the bytes go
// to a temporary file, and Finish() fdatasyncs it, renames it to its final
// name and fsyncs the directory. Until Finish() succeeds nothing exists under the final path,
// and a writer destroyed earlier removes its temporary file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "common/result.h"
#include "storage/drive/drive.h"
#include "storage/drive/durable_file.h"
#include "storage/shard/shard_format.h"

namespace strata::storage {

class ShardWriter {
 public:
  // Creates temp_name on drive (its directory must exist; the caller picks a
  // unique name in the drive's tmp/ directory) and writes the header. The
  // header is written first, so header.payload_size must be known up front:
  // the codec's ShardSize() gives it exactly. drive must outlive the writer.
  // Errors: kInvalidArgument when ValidateShardHeader rejects the header;
  // kUnavailable on I/O error (from DurableFileWriter).
  static common::Result<ShardWriter> Create(const ShardHeader& header, Drive& drive,
                                            std::filesystem::path temp_name);

  ShardWriter(ShardWriter&&) noexcept = default;
  ShardWriter& operator=(ShardWriter&&) = delete;
  ShardWriter(const ShardWriter&) = delete;

  // Appends payload bytes in any pieces. Whole blocks are written with their
  // checksums as they fill; at most one block stays buffered.
  // Errors: kInvalidArgument when the total would exceed header.payload_size;
  // kUnavailable on I/O error. After any error the writer is failed: every
  // later call returns that error and the temporary file is removed on
  // destruction.
  common::Status Append(std::span<const uint8_t> data);

  // Writes the last (short) block, then makes the file durable under
  // final_name on the drive (see durable_file.h; its directory is created if
  // missing). Errors: kInvalidArgument when fewer than header.payload_size
  // bytes were appended; kUnavailable on I/O error. Call at most once.
  common::Status Finish(const std::filesystem::path& final_name);

  const ShardHeader& header() const { return header_; }
  uint64_t bytes_appended() const { return appended_; }

  // Thread-safety: none; one writer is used by one thread at a time.

 private:
  ShardWriter(const ShardHeader& header, DurableFileWriter file);
  // Appends the checksum to block_ and writes it out.
  common::Status FlushBlock();
  // Records the first failure so the writer refuses further work.
  common::Status Fail(common::Status status);

  ShardHeader header_;
  uint64_t header_checksum_;  // seeds the block checksums
  DurableFileWriter file_;
  // Payload bytes of the block being filled; capacity block_size + checksum.
  std::vector<uint8_t> block_;
  uint64_t next_block_ = 0;
  uint64_t appended_ = 0;
  bool finished_ = false;
  common::Status error_;  // OK until the first failure
};

}  // namespace strata::storage
