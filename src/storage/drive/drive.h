// Drive: the file operations the storage engine performs inside one drive
// folder, behind one seam (STYLE.md rule 3), so tests can run the chunk store
// over a drive that fails, corrupts or loses unsynced data
// (storage/testing/faulty_drive.h). LocalDrive (local_drive.h) is the real
// implementation, one POSIX call per operation.
//
// Names are paths relative to the drive folder ("chunks/ab/<loc>/3"); the
// empty name is the drive folder itself. The operations are deliberately the
// primitives of the durable-write recipe (durable_file.h), not the recipe
// itself: the recipe's callers decide when to sync, and a test drive can see
// what they skipped.
//
// Errors: every failure is kUnavailable with an errno-style message naming
// the full path ("fdatasync /d1/tmp/x.3: Input/output error"). DriveHealth
// takes a drive offline on such errors. The few outcomes a caller must tell
// apart from a failure ("does not exist", "already exists") are values, not
// errors: see Stat, CreateDir, ListDir and RemoveAll.
//
// Thread-safety: a Drive may be used from several threads at once. A
// WritableFile is used by one thread at a time; a RandomAccessFile by any
// number. Files must not outlive the Drive that made them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/status.h"

namespace strata::storage {

// A file being written: append-only, then synced and closed.
class WritableFile {
 public:
  // Closes the file if Close was not called; never removes it.
  virtual ~WritableFile() = default;

  // Appends all of data. kUnavailable on I/O error.
  virtual common::Status Append(std::span<const uint8_t> data) = 0;
  // Appends the pieces in order, as one call where the file allows it
  // (writev). The default appends them one by one.
  virtual common::Status AppendV(std::span<const std::span<const uint8_t>> pieces) {
    for (const auto& piece : pieces) STRATA_RETURN_IF_ERROR(Append(piece));
    return common::Status::Ok();
  }
  // fdatasync: the bytes appended so far survive a power cut. The file's
  // name survives only once its directory is synced (Drive::SyncDir).
  // kUnavailable on I/O error.
  virtual common::Status Sync() = 0;
  // Closes the file. kUnavailable on error. REQUIRES: no call after Close.
  virtual common::Status Close() = 0;
};

// A file open for positional reads.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;

  // The file's full path (drive folder and name), for messages.
  virtual const std::filesystem::path& path() const = 0;
  // Reads into out from offset (pread), stopping short only at end of file;
  // returns the bytes read. kUnavailable on I/O error.
  virtual common::Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const = 0;
  // The file's current size in bytes (fstat). kUnavailable on I/O error.
  virtual common::Result<uint64_t> Size() const = 0;
};

enum class FileType { kMissing, kFile, kDirectory, kOther };

// What Drive::Stat found.
struct FileInfo {
  FileType type = FileType::kMissing;
  uint64_t size = 0;        // bytes
  int64_t modified_ms = 0;  // modification time, Unix milliseconds
};

// What Drive::CreateDir did.
enum class CreateDirOutcome {
  kCreated,        // a new, empty directory (durable once its parent is synced)
  kExists,         // something (a directory, or a stray file) has that name
  kParentMissing,  // the directory it would go in does not exist
};

class Drive {
 public:
  virtual ~Drive() = default;

  // The drive folder: for messages, DriveStatus and telling drives apart.
  virtual const std::filesystem::path& root() const = 0;

  // Creates name for writing; it must not exist yet (O_EXCL), and its
  // directory must. kUnavailable on any failure.
  virtual common::Result<std::unique_ptr<WritableFile>> CreateFile(
      const std::filesystem::path& name) = 0;
  // Opens name for reading. kUnavailable on any failure, a missing file
  // included (Stat tells "missing" from "broken").
  virtual common::Result<std::unique_ptr<RandomAccessFile>> OpenFile(
      const std::filesystem::path& name) = 0;

  // rename(2): atomically puts from under the name to, replacing a file
  // there. Durable once to's directory is synced. kUnavailable on failure.
  virtual common::Status Rename(const std::filesystem::path& from,
                                const std::filesystem::path& to) = 0;
  // fsync of directory dir, so the entries created, renamed or removed in it
  // survive a power cut. kUnavailable on failure.
  virtual common::Status SyncDir(const std::filesystem::path& dir) = 0;

  // mkdir(2) of one directory. kUnavailable on failures other than the
  // outcomes listed in CreateDirOutcome.
  virtual common::Result<CreateDirOutcome> CreateDir(const std::filesystem::path& dir) = 0;
  // mkdir -p, the drive folder included; nothing is synced. OK when dir
  // already exists as a directory. kUnavailable on failure.
  virtual common::Status CreateDirs(const std::filesystem::path& dir) = 0;

  // unlink(2) of a file; a missing file is OK. kUnavailable on failure.
  virtual common::Status RemoveFile(const std::filesystem::path& name) = 0;
  // Removes name and everything under it. Absent is OK, also when a parent
  // on the way is not a directory (ENOTDIR: nothing can be under it).
  // Nothing is synced. kUnavailable on failure.
  virtual common::Status RemoveAll(const std::filesystem::path& name) = 0;

  // lstat(2). type kMissing when name does not exist, also when a parent on
  // the way is a file while the drive folder itself is a directory (a stray
  // entry inside the drive, not a dead drive). kUnavailable on other
  // failures, e.g. EIO, or ENOTDIR because the drive folder is a file.
  virtual common::Result<FileInfo> Stat(const std::filesystem::path& name) = 0;
  // The entry names of directory dir (without "." and ".."), in no
  // particular order. A directory that does not exist has no entries.
  // kUnavailable when it cannot be listed (EIO, ENOTDIR, EACCES...).
  virtual common::Result<std::vector<std::string>> ListDir(const std::filesystem::path& dir) = 0;
};

}  // namespace strata::storage
