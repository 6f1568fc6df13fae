#include "storage/drive/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

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

common::Result<DurableFileWriter> DurableFileWriter::Create(std::filesystem::path temp_path) {
  int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("create", temp_path, errno);
  return DurableFileWriter(fd, std::move(temp_path));
}

DurableFileWriter::DurableFileWriter(DurableFileWriter&& other) noexcept
    : fd_(other.fd_),
      temp_path_(std::move(other.temp_path_)),
      size_(other.size_),
      committed_(other.committed_) {
  other.fd_ = -1;
  other.committed_ = true;  // the moved-from object owns nothing to clean up
}

DurableFileWriter::~DurableFileWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) {
    std::error_code ec;
    std::filesystem::remove(temp_path_, ec);
  }
}

common::Status DurableFileWriter::Append(std::span<const char> data) {
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("write", temp_path_, errno);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  size_ += data.size();
  return common::Status::Ok();
}

common::Status DurableFileWriter::Commit(const std::filesystem::path& final_path) {
  if (::fdatasync(fd_) != 0) return IoError("fdatasync", temp_path_, errno);
  ::close(fd_);
  fd_ = -1;
  std::error_code ec;
  std::filesystem::create_directories(final_path.parent_path(), ec);
  if (ec) return IoError("mkdir", final_path.parent_path(), ec.value());
  if (::rename(temp_path_.c_str(), final_path.c_str()) != 0) {
    return IoError("rename", final_path, errno);
  }
  committed_ = true;
  return SyncDirectory(final_path.parent_path());
}

}  // namespace strata::storage
