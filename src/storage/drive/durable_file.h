// The durable-write recipe every stored byte goes through: write under a
// temporary name, fdatasync, rename into place, fsync the directory. A crash
// at any point leaves either the old state or the new one, never a torn file
// under the final name. The recipe runs over a Drive (drive.h), so a test
// drive that drops unsynced data proves each step is there
// (storage/testing/faulty_drive.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

#include "common/result.h"
#include "storage/drive/drive.h"

namespace strata::storage {

// A file being written under a temporary name. Destroying it without Commit
// removes the temporary file, so a failed write leaves nothing behind.
// Thread-safety: none; one writer is used by one thread at a time.
class DurableFileWriter {
 public:
  // Creates temp_name on drive (its directory must exist); drive must
  // outlive the writer. kUnavailable on I/O error.
  static common::Result<DurableFileWriter> Create(Drive& drive, std::filesystem::path temp_name);
  // The same on the local filesystem, temp_path taken as it is.
  static common::Result<DurableFileWriter> Create(std::filesystem::path temp_path);
  ~DurableFileWriter();
  DurableFileWriter(DurableFileWriter&& other) noexcept;
  DurableFileWriter& operator=(DurableFileWriter&&) = delete;
  DurableFileWriter(const DurableFileWriter&) = delete;

  // kUnavailable on I/O error.
  common::Status Append(std::span<const char> data);
  common::Status Append(std::span<const uint8_t> data);
  common::Status AppendV(std::span<const std::span<const uint8_t>> pieces);
  // fdatasync, close, rename to final_name (creating its directory, not
  // durably: callers that may create it make it durable first, see
  // CreateDirectoriesDurably), fsync the directory. After success the file
  // is durable under final_name. kUnavailable on I/O error. Call at most
  // once.
  common::Status Commit(const std::filesystem::path& final_name);
  uint64_t size() const { return size_; }

 private:
  DurableFileWriter(std::unique_ptr<Drive> owned_drive, Drive& drive,
                    std::unique_ptr<WritableFile> file, std::filesystem::path temp_name);

  std::unique_ptr<Drive> owned_drive_;  // set by the local-filesystem Create
  Drive* drive_;
  std::unique_ptr<WritableFile> file_;  // null once closed
  std::filesystem::path temp_name_;
  uint64_t size_ = 0;
  bool committed_ = false;
};

// mkdir -p on drive that makes each directory it creates durable (its parent
// is fsynced): a new entry exists after a crash only once its parent is
// synced, and a shard in a directory that vanishes on crash is lost although
// its own file was synced. The drive folder itself, when missing, is created
// without that. kUnavailable on I/O error.
common::Status CreateDirectoriesDurably(Drive& drive, const std::filesystem::path& dir);

// fsync of a directory, so a rename or unlink inside it is durable.
common::Status SyncDirectory(const std::filesystem::path& dir);

// Errno-carrying status: "open /x: No such file or directory".
common::Status IoError(std::string_view what, const std::filesystem::path& path, int err);

}  // namespace strata::storage
