// The durable-write recipe every stored byte goes through: write under a
// temporary name, fdatasync, rename into place, fsync the directory. A crash
// at any point leaves either the old state or the new one, never a torn file
// under the final name.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "common/result.h"

namespace strata::storage {

// A file being written under a temporary name. Destroying it without Commit
// removes the temporary file, so a failed write leaves nothing behind.
class DurableFileWriter {
 public:
  // Creates temp_path (its directory must exist). kUnavailable on I/O error.
  static common::Result<DurableFileWriter> Create(std::filesystem::path temp_path);
  ~DurableFileWriter();
  DurableFileWriter(DurableFileWriter&& other) noexcept;
  DurableFileWriter& operator=(DurableFileWriter&&) = delete;
  DurableFileWriter(const DurableFileWriter&) = delete;

  common::Status Append(std::span<const char> data);
  // fdatasync, rename to final_path (creating its directory), fsync the
  // directory. After success the file is durable under final_path.
  common::Status Commit(const std::filesystem::path& final_path);
  uint64_t size() const { return size_; }

 private:
  DurableFileWriter(int fd, std::filesystem::path temp_path)
      : fd_(fd), temp_path_(std::move(temp_path)) {}
  int fd_ = -1;
  std::filesystem::path temp_path_;
  uint64_t size_ = 0;
  bool committed_ = false;
};

// fsync of a directory, so a rename or unlink inside it is durable.
common::Status SyncDirectory(const std::filesystem::path& dir);

// Errno-carrying status: "open /x: No such file or directory".
common::Status IoError(std::string_view what, const std::filesystem::path& path, int err);

}  // namespace strata::storage
