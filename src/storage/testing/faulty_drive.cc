#include "storage/testing/faulty_drive.h"

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <utility>

#include "storage/drive/durable_file.h"

namespace strata::storage::testing {
namespace {

namespace fs = std::filesystem;

// The one spelling of a name the maps use.
fs::path Key(const fs::path& name) { return name.lexically_normal(); }

// True when path is base or inside it; every path is inside "".
bool IsWithin(const fs::path& path, const fs::path& base) {
  auto [b, p] = std::mismatch(base.begin(), base.end(), path.begin(), path.end());
  return b == base.end();
}

}  // namespace

class FaultyWritableFile final : public WritableFile {
 public:
  FaultyWritableFile(FaultyDrive& drive, std::unique_ptr<WritableFile> next,
                     std::shared_ptr<FaultyDrive::FileState> state, uint64_t generation)
      : drive_(drive), next_(std::move(next)), state_(std::move(state)), generation_(generation) {}

  common::Status Append(std::span<const uint8_t> data) override {
    std::lock_guard lock(drive_.mutex_);
    STRATA_RETURN_IF_ERROR(CheckLocked("write"));
    STRATA_RETURN_IF_ERROR(next_->Append(data));
    state_->size += data.size();
    return common::Status::Ok();
  }

  common::Status Sync() override {
    std::lock_guard lock(drive_.mutex_);
    STRATA_RETURN_IF_ERROR(CheckLocked("fdatasync"));
    ++drive_.file_syncs_;
    if (drive_.ignore_file_syncs_) return common::Status::Ok();
    STRATA_RETURN_IF_ERROR(next_->Sync());
    state_->synced_size = state_->size;
    return common::Status::Ok();
  }

  common::Status Close() override { return next_->Close(); }

 private:
  // REQUIRES: drive_.mutex_ held.
  common::Status CheckLocked(std::string_view what) {
    if (generation_ != drive_.generation_) {
      // The power went out under this file: the descriptor is gone.
      ++drive_.operations_;
      return IoError(what, drive_.root() / state_->name, EIO);
    }
    return drive_.Check(FaultyDrive::Kind::kWrite, what, state_->name);
  }

  FaultyDrive& drive_;
  const std::unique_ptr<WritableFile> next_;
  const std::shared_ptr<FaultyDrive::FileState> state_;
  const uint64_t generation_;
};

class FaultyRandomAccessFile final : public RandomAccessFile {
 public:
  FaultyRandomAccessFile(FaultyDrive& drive, std::unique_ptr<RandomAccessFile> next, fs::path name)
      : drive_(drive), next_(std::move(next)), name_(std::move(name)) {}

  const fs::path& path() const override { return next_->path(); }

  common::Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const override {
    std::lock_guard lock(drive_.mutex_);
    STRATA_RETURN_IF_ERROR(drive_.Check(FaultyDrive::Kind::kRead, "pread", name_));
    STRATA_ASSIGN_OR_RETURN(size_t got, next_->ReadAt(offset, out));
    if (drive_.corrupt_reads_ && got > 0) out[0] ^= 0x01;
    return got;
  }

  common::Result<uint64_t> Size() const override {
    std::lock_guard lock(drive_.mutex_);
    STRATA_RETURN_IF_ERROR(drive_.Check(FaultyDrive::Kind::kRead, "fstat", name_));
    return next_->Size();
  }

 private:
  FaultyDrive& drive_;
  const std::unique_ptr<RandomAccessFile> next_;
  const fs::path name_;
};

FaultyDrive::FaultyDrive(fs::path root) : next_(std::move(root)) {}

FaultyDrive::~FaultyDrive() = default;

void FaultyDrive::SetFailWrites(bool on) {
  std::lock_guard lock(mutex_);
  fail_writes_ = on;
}

void FaultyDrive::SetFailReads(bool on) {
  std::lock_guard lock(mutex_);
  fail_reads_ = on;
}

void FaultyDrive::SetCorruptReads(bool on) {
  std::lock_guard lock(mutex_);
  corrupt_reads_ = on;
}

void FaultyDrive::FailAfter(uint64_t n) {
  std::lock_guard lock(mutex_);
  fail_after_ = operations_ + n;
}

void FaultyDrive::SetIgnoreSyncs(bool file_data, bool directories) {
  std::lock_guard lock(mutex_);
  ignore_file_syncs_ = file_data;
  ignore_dir_syncs_ = directories;
}

void FaultyDrive::ClearFaults() {
  std::lock_guard lock(mutex_);
  fail_writes_ = fail_reads_ = corrupt_reads_ = false;
  ignore_file_syncs_ = ignore_dir_syncs_ = false;
  fail_after_.reset();
}

uint64_t FaultyDrive::operations() const {
  std::lock_guard lock(mutex_);
  return operations_;
}

uint64_t FaultyDrive::file_syncs() const {
  std::lock_guard lock(mutex_);
  return file_syncs_;
}

uint64_t FaultyDrive::dir_syncs() const {
  std::lock_guard lock(mutex_);
  return dir_syncs_;
}

common::Status FaultyDrive::Check(Kind kind, std::string_view what, const fs::path& name) {
  ++operations_;
  const bool failing = (fail_after_ && operations_ > *fail_after_) ||
                       (kind == Kind::kWrite && fail_writes_) ||
                       (kind == Kind::kRead && fail_reads_);
  if (failing) return IoError(what, root() / name, EIO);
  return common::Status::Ok();
}

void FaultyDrive::PowerCut() {
  std::lock_guard lock(mutex_);
  ++generation_;
  // Straight on the folder: this is the disk itself, not a caller of it.
  std::error_code ec;
  for (const auto& [name, state] : files_) {
    const fs::path current = root() / name;
    if (!state->synced_size || !state->durable_name) {
      fs::remove(current, ec);
      continue;
    }
    const fs::path durable = root() / *state->durable_name;
    if (*state->durable_name != name) fs::rename(current, durable, ec);
    fs::resize_file(durable, *state->synced_size, ec);
  }
  for (const fs::path& dir : new_dirs_) fs::remove_all(root() / dir, ec);
  files_.clear();
  new_dirs_.clear();
}

common::Result<std::unique_ptr<WritableFile>> FaultyDrive::CreateFile(const fs::path& name) {
  std::lock_guard lock(mutex_);
  STRATA_RETURN_IF_ERROR(Check(Kind::kWrite, "create", name));
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, next_.CreateFile(name));
  auto state = std::make_shared<FileState>();
  state->name = Key(name);
  files_[state->name] = state;
  return std::unique_ptr<WritableFile>(
      new FaultyWritableFile(*this, std::move(file), std::move(state), generation_));
}

common::Result<std::unique_ptr<RandomAccessFile>> FaultyDrive::OpenFile(const fs::path& name) {
  std::lock_guard lock(mutex_);
  STRATA_RETURN_IF_ERROR(Check(Kind::kRead, "open", name));
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, next_.OpenFile(name));
  return std::unique_ptr<RandomAccessFile>(
      new FaultyRandomAccessFile(*this, std::move(file), name));
}

common::Status FaultyDrive::Rename(const fs::path& from, const fs::path& to) {
  std::lock_guard lock(mutex_);
  STRATA_RETURN_IF_ERROR(Check(Kind::kWrite, "rename", to));
  STRATA_RETURN_IF_ERROR(next_.Rename(from, to));
  const fs::path old_name = Key(from);
  const fs::path new_name = Key(to);
  std::shared_ptr<FileState> state;
  if (auto it = files_.find(old_name); it != files_.end()) {
    state = std::move(it->second);
    files_.erase(it);
  } else {
    // A file from before this drive saw it: durable, under its old name.
    state = std::make_shared<FileState>();
    state->durable_name = old_name;
    common::Result<FileInfo> info = next_.Stat(to);
    state->size = info.ok() ? info->size : 0;
    state->synced_size = state->size;
  }
  state->name = new_name;
  files_[new_name] = std::move(state);
  return common::Status::Ok();
}

common::Status FaultyDrive::SyncDir(const fs::path& dir) {
  std::lock_guard lock(mutex_);
  STRATA_RETURN_IF_ERROR(Check(Kind::kWrite, "fsync dir", dir));
  ++dir_syncs_;
  if (ignore_dir_syncs_) return common::Status::Ok();
  STRATA_RETURN_IF_ERROR(next_.SyncDir(dir));
  const fs::path key = Key(dir);
  for (auto& [name, state] : files_) {
    if (name.parent_path() == key) state->durable_name = name;
  }
  std::erase_if(new_dirs_, [&](const fs::path& d) { return d.parent_path() == key; });
  return common::Status::Ok();
}

common::Result<CreateDirOutcome> FaultyDrive::CreateDir(const fs::path& dir) {
  std::lock_guard lock(mutex_);
  STRATA_RETURN_IF_ERROR(Check(Kind::kWrite, "mkdir", dir));
  STRATA_ASSIGN_OR_RETURN(CreateDirOutcome outcome, next_.CreateDir(dir));
  if (outcome == CreateDirOutcome::kCreated) new_dirs_.insert(Key(dir));
  return outcome;
}

common::Status FaultyDrive::CreateDirs(const fs::path& dir) {
  std::lock_guard lock(mutex_);
  STRATA_RETURN_IF_ERROR(Check(Kind::kWrite, "mkdir", dir));
  // The directories this creates (the drive folder itself aside: it is the
  // disk, not an entry on it).
  std::vector<fs::path> missing;
  for (fs::path p = Key(dir); !p.empty() && p != "."; p = p.parent_path()) {
    common::Result<FileInfo> info = next_.Stat(p);
    if (!info.ok() || info->type != FileType::kMissing) break;
    missing.push_back(p);
  }
  STRATA_RETURN_IF_ERROR(next_.CreateDirs(dir));
  new_dirs_.insert(missing.begin(), missing.end());
  return common::Status::Ok();
}

common::Status FaultyDrive::RemoveFile(const fs::path& name) {
  std::lock_guard lock(mutex_);
  STRATA_RETURN_IF_ERROR(Check(Kind::kWrite, "remove", name));
  STRATA_RETURN_IF_ERROR(next_.RemoveFile(name));
  files_.erase(Key(name));
  return common::Status::Ok();
}

common::Status FaultyDrive::RemoveAll(const fs::path& name) {
  std::lock_guard lock(mutex_);
  STRATA_RETURN_IF_ERROR(Check(Kind::kWrite, "remove", name));
  STRATA_RETURN_IF_ERROR(next_.RemoveAll(name));
  const fs::path key = Key(name);
  std::erase_if(files_, [&](const auto& entry) { return IsWithin(entry.first, key); });
  std::erase_if(new_dirs_, [&](const fs::path& d) { return IsWithin(d, key); });
  return common::Status::Ok();
}

common::Result<FileInfo> FaultyDrive::Stat(const fs::path& name) {
  std::lock_guard lock(mutex_);
  STRATA_RETURN_IF_ERROR(Check(Kind::kRead, "lstat", name));
  return next_.Stat(name);
}

common::Result<std::vector<std::string>> FaultyDrive::ListDir(const fs::path& dir) {
  std::lock_guard lock(mutex_);
  STRATA_RETURN_IF_ERROR(Check(Kind::kRead, "list", dir));
  return next_.ListDir(dir);
}

}  // namespace strata::storage::testing
