#include "storage/drive/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "storage/drive/local_drive.h"

namespace strata::storage {

common::Status IoError(std::string_view what, const std::filesystem::path& path, int err) {
  return common::Error(common::Code::kUnavailable,
                       std::string(what) + " " + path.string() + ": " + std::strerror(err));
}

common::Status SyncDirectory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("open dir", dir, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return IoError("fsync dir", dir, err);
  return common::Status::Ok();
}

common::Status CreateDirectoriesDurably(Drive& drive, const std::filesystem::path& dir) {
  STRATA_ASSIGN_OR_RETURN(CreateDirOutcome outcome, drive.CreateDir(dir));
  const std::filesystem::path parent = dir.parent_path();
  if (outcome == CreateDirOutcome::kCreated) return drive.SyncDir(parent);
  if (outcome == CreateDirOutcome::kExists) return common::Status::Ok();  // a file fails later
  if (parent.empty()) {
    // The drive folder itself is gone. Its own entry belongs to the
    // filesystem the operator set up, so it is recreated as it is at Open.
    STRATA_RETURN_IF_ERROR(drive.CreateDirs(parent));
  } else {
    STRATA_RETURN_IF_ERROR(CreateDirectoriesDurably(drive, parent));
  }
  STRATA_ASSIGN_OR_RETURN(outcome, drive.CreateDir(dir));
  if (outcome == CreateDirOutcome::kCreated) return drive.SyncDir(parent);
  if (outcome == CreateDirOutcome::kExists) return common::Status::Ok();
  return IoError("mkdir", drive.root() / dir, ENOENT);  // the parent vanished meanwhile
}

common::Result<DurableFileWriter> DurableFileWriter::Create(Drive& drive,
                                                            std::filesystem::path temp_name) {
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, drive.CreateFile(temp_name));
  return DurableFileWriter(nullptr, drive, std::move(file), std::move(temp_name));
}

common::Result<DurableFileWriter> DurableFileWriter::Create(std::filesystem::path temp_path) {
  auto drive = std::make_unique<LocalDrive>(std::filesystem::path());
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, drive->CreateFile(temp_path));
  Drive& ref = *drive;
  return DurableFileWriter(std::move(drive), ref, std::move(file), std::move(temp_path));
}

DurableFileWriter::DurableFileWriter(std::unique_ptr<Drive> owned_drive, Drive& drive,
                                     std::unique_ptr<WritableFile> file,
                                     std::filesystem::path temp_name)
    : owned_drive_(std::move(owned_drive)),
      drive_(&drive),
      file_(std::move(file)),
      temp_name_(std::move(temp_name)) {}

DurableFileWriter::DurableFileWriter(DurableFileWriter&& other) noexcept
    : owned_drive_(std::move(other.owned_drive_)),
      drive_(other.drive_),
      file_(std::move(other.file_)),
      temp_name_(std::move(other.temp_name_)),
      size_(other.size_),
      committed_(other.committed_) {
  other.committed_ = true;  // the moved-from object owns nothing to clean up
}

DurableFileWriter::~DurableFileWriter() {
  file_.reset();  // closes
  if (!committed_) (void)drive_->RemoveFile(temp_name_);
}

common::Status DurableFileWriter::Append(std::span<const char> data) {
  return Append(std::span(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
}

common::Status DurableFileWriter::Append(std::span<const uint8_t> data) {
  STRATA_RETURN_IF_ERROR(file_->Append(data));
  size_ += data.size();
  return common::Status::Ok();
}

common::Status DurableFileWriter::AppendV(std::span<const std::span<const uint8_t>> pieces) {
  STRATA_RETURN_IF_ERROR(file_->AppendV(pieces));
  for (const auto& piece : pieces) size_ += piece.size();
  return common::Status::Ok();
}

common::Status DurableFileWriter::Commit(const std::filesystem::path& final_name) {
  // Data first: once renamed, the file is visible under its final name, so
  // its bytes must already be on the disk.
  STRATA_RETURN_IF_ERROR(file_->Sync());
  common::Status closed = file_->Close();
  file_.reset();
  STRATA_RETURN_IF_ERROR(closed);
  const std::filesystem::path dir = final_name.parent_path();
  STRATA_RETURN_IF_ERROR(drive_->CreateDirs(dir));
  STRATA_RETURN_IF_ERROR(drive_->Rename(temp_name_, final_name));
  committed_ = true;
  // The rename itself is durable only once the directory is.
  return drive_->SyncDir(dir);
}

}  // namespace strata::storage
