// FaultyDrive: a Drive for tests that decorates a LocalDrive over a folder
// and can fail, corrupt, or lose what a real disk would lose in a power cut
// (STYLE.md rule 7; after LevelDB db/fault_injection_test.cc and RocksDB
// utilities/fault_injection_fs.h). Test code only (built when STRATA_TESTS
// is on).
//
// Faults, each on until switched off: writes failing with EIO, reads failing
// with EIO, reads returning a flipped bit, every operation failing after the
// next n, and syncs that report success without making anything durable.
//
// Power cut: the drive remembers, for every file written through it, how
// many bytes were fdatasynced and under which name its directory entry was
// last made durable, and which directories it created whose parent was not
// fsynced since. PowerCut() then rewrites the folder to what a disk would
// hold after losing power:
//   - a file never synced (or whose syncs were ignored) vanishes;
//   - a synced file is cut back to its synced length (files are
//     append-only, so that is exactly its synced content);
//   - a file created in, or renamed into, a directory not fsynced since goes
//     back to the name it durably had, or vanishes when it had none;
//   - a directory created whose parent was not fsynced since vanishes, with
//     everything in it.
// Simplifications, all on the lenient side of a real disk: files and
// directories that existed before the drive saw them are durable; removals
// (RemoveFile, RemoveAll) are durable at once; a rename is durable once the
// directory it moved into is synced (the source directory's entry is not
// tracked); a file replaced by an unsynced rename does not come back.
// Renames of directories are not modeled (the chunk store renames files
// only).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "storage/drive/drive.h"
#include "storage/drive/local_drive.h"

namespace strata::storage::testing {

class FaultyDrive final : public Drive {
 public:
  // Over the folder root (need not exist), with no fault on.
  explicit FaultyDrive(std::filesystem::path root);
  ~FaultyDrive() override;

  FaultyDrive(const FaultyDrive&) = delete;
  FaultyDrive& operator=(const FaultyDrive&) = delete;

  // Every write: CreateFile, Append, Sync, Rename, SyncDir, CreateDir,
  // CreateDirs, RemoveFile and RemoveAll fail with EIO (kUnavailable,
  // "...: Input/output error"), having done nothing.
  void SetFailWrites(bool on);
  // Every read: OpenFile, ReadAt, Size, Stat and ListDir fail with EIO.
  void SetFailReads(bool on);
  // ReadAt succeeds but the first byte it returns has its low bit flipped;
  // the file itself is unchanged.
  void SetCorruptReads(bool on);
  // The next n operations behave as the other faults say; every operation
  // after them fails with EIO, until ClearFaults. An operation is any Drive
  // or file method except WritableFile::Close, failed ones included.
  void FailAfter(uint64_t n);
  // Sync (file_data) and SyncDir (directories) report success but neither
  // sync nor make anything durable: a disk whose cache lies, or a caller
  // that skipped the call. For proving that a power-cut test catches a
  // missing sync.
  void SetIgnoreSyncs(bool file_data, bool directories);
  // Switches every fault above off.
  void ClearFaults();

  // Simulates a power loss: rewrites the folder to its durable state (see
  // the file comment) and forgets what it tracked, so everything left is
  // durable. Files open for writing fail every later call with EIO; files
  // open for reading keep reading what they had open.
  void PowerCut();

  // Operations attempted (see FailAfter), and successful Sync and SyncDir
  // calls (ignored ones included: the caller did call them).
  uint64_t operations() const;
  uint64_t file_syncs() const;
  uint64_t dir_syncs() const;

  // Drive. root() is the folder.
  const std::filesystem::path& root() const override { return next_.root(); }
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

  // Thread-safety: every method may be called concurrently; operations run
  // one at a time (under one mutex), like requests queued on one disk.

 private:
  friend class FaultyWritableFile;
  friend class FaultyRandomAccessFile;

  // What a power cut leaves of one file written through this drive.
  struct FileState {
    std::filesystem::path name;  // current name
    // The name its entry durably has; nullopt: none (it vanishes).
    std::optional<std::filesystem::path> durable_name;
    uint64_t size = 0;  // bytes appended
    // Bytes that survive; nullopt: never synced (it vanishes).
    std::optional<uint64_t> synced_size;
  };
  enum class Kind { kRead, kWrite };

  // Counts one operation on name and returns EIO when a fault says it fails.
  // REQUIRES: mutex_ held.
  common::Status Check(Kind kind, std::string_view what, const std::filesystem::path& name);

  LocalDrive next_;
  mutable std::mutex mutex_;
  // GUARDED_BY(mutex_), all below.
  bool fail_writes_ = false;
  bool fail_reads_ = false;
  bool corrupt_reads_ = false;
  bool ignore_file_syncs_ = false;
  bool ignore_dir_syncs_ = false;
  std::optional<uint64_t> fail_after_;  // operations_ value after which all fail
  uint64_t operations_ = 0;
  uint64_t file_syncs_ = 0;
  uint64_t dir_syncs_ = 0;
  uint64_t generation_ = 0;  // PowerCut count; files from an older one fail
  std::map<std::filesystem::path, std::shared_ptr<FileState>> files_;  // by current name
  std::set<std::filesystem::path> new_dirs_;  // created, parent not fsynced since
};

}  // namespace strata::storage::testing
