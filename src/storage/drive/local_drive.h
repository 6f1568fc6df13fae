// LocalDrive: the Drive over a folder of the local filesystem, one POSIX
// call per operation (open/write/fdatasync/close, rename, open+fsync+close of
// a directory, open/pread/fstat, mkdir, unlink, lstat, readdir), so the hot
// paths cost exactly the system calls the durable recipe and the block reads
// need and no copy beyond the caller's buffers.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "storage/drive/drive.h"

namespace strata::storage {

class LocalDrive final : public Drive {
 public:
  // Names are joined to root. root need not exist yet (CreateDirs makes it).
  // An empty root takes names as they are: absolute, or relative to the
  // working directory.
  explicit LocalDrive(std::filesystem::path root) : root_(std::move(root)) {}

  const std::filesystem::path& root() const override { return root_; }

  common::Result<std::unique_ptr<WritableFile>> CreateFile(
      const std::filesystem::path& name) override;
  common::Result<std::unique_ptr<RandomAccessFile>> OpenFile(
      const std::filesystem::path& name) override;
  common::Status Rename(const std::filesystem::path& from,
                        const std::filesystem::path& to) override;
  common::Status SyncDir(const std::filesystem::path& dir) override;
  common::Result<CreateDirOutcome> CreateDir(const std::filesystem::path& dir) override;
  common::Status CreateDirs(const std::filesystem::path& dir) override;
  common::Status RemoveFile(const std::filesystem::path& name) override;
  common::Status RemoveAll(const std::filesystem::path& name) override;
  common::Result<FileInfo> Stat(const std::filesystem::path& name) override;
  common::Result<std::vector<std::string>> ListDir(const std::filesystem::path& dir) override;

  // Thread-safety: every method may be called concurrently (no state beyond
  // root).

 private:
  std::filesystem::path Full(const std::filesystem::path& name) const { return root_ / name; }

  const std::filesystem::path root_;
};

}  // namespace strata::storage
