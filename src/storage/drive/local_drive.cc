#include "storage/drive/local_drive.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <system_error>
#include <vector>

#include "storage/drive/durable_file.h"

namespace strata::storage {
namespace {

class LocalWritableFile final : public WritableFile {
 public:
  LocalWritableFile(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  ~LocalWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  common::Status Append(std::span<const uint8_t> data) override {
    const uint8_t* p = data.data();
    size_t left = data.size();
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        return IoError("write", path_, errno);
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
    return common::Status::Ok();
  }

  common::Status AppendV(std::span<const std::span<const uint8_t>> pieces) override {
    std::vector<iovec> iov;
    iov.reserve(pieces.size());
    for (const auto& piece : pieces) {
      if (!piece.empty()) iov.push_back({const_cast<uint8_t*>(piece.data()), piece.size()});
    }
    size_t first = 0;
    while (first < iov.size()) {
      const int count = static_cast<int>(std::min<size_t>(iov.size() - first, IOV_MAX));
      ssize_t n = ::writev(fd_, &iov[first], count);
      if (n < 0) {
        if (errno == EINTR) continue;
        return IoError("write", path_, errno);
      }
      // Skip what was written; a partial write resumes mid-piece.
      size_t left = static_cast<size_t>(n);
      while (first < iov.size() && left >= iov[first].iov_len) left -= iov[first++].iov_len;
      if (left > 0) {
        iov[first].iov_base = static_cast<uint8_t*>(iov[first].iov_base) + left;
        iov[first].iov_len -= left;
      }
    }
    return common::Status::Ok();
  }

  common::Status Sync() override {
    if (::fdatasync(fd_) != 0) return IoError("fdatasync", path_, errno);
    return common::Status::Ok();
  }

  common::Status Close() override {
    const int rc = ::close(fd_);
    fd_ = -1;  // closed whatever close returned: retrying could close a reused fd
    if (rc != 0) return IoError("close", path_, errno);
    return common::Status::Ok();
  }

 private:
  int fd_;
  const std::filesystem::path path_;
};

class LocalRandomAccessFile final : public RandomAccessFile {
 public:
  LocalRandomAccessFile(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  ~LocalRandomAccessFile() override { ::close(fd_); }

  const std::filesystem::path& path() const override { return path_; }

  common::Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const override {
    size_t done = 0;
    while (done < out.size()) {
      ssize_t r =
          ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        return IoError("pread", path_, errno);
      }
      if (r == 0) break;
      done += static_cast<size_t>(r);
    }
    return done;
  }

  common::Result<uint64_t> Size() const override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return IoError("fstat", path_, errno);
    return static_cast<uint64_t>(st.st_size);
  }

 private:
  const int fd_;
  const std::filesystem::path path_;
};

FileType TypeOf(mode_t mode) {
  if (S_ISREG(mode)) return FileType::kFile;
  if (S_ISDIR(mode)) return FileType::kDirectory;
  return FileType::kOther;
}

}  // namespace

common::Result<std::unique_ptr<WritableFile>> LocalDrive::CreateFile(
    const std::filesystem::path& name) {
  std::filesystem::path path = Full(name);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("create", path, errno);
  return std::unique_ptr<WritableFile>(new LocalWritableFile(fd, std::move(path)));
}

common::Result<std::unique_ptr<RandomAccessFile>> LocalDrive::OpenFile(
    const std::filesystem::path& name) {
  std::filesystem::path path = Full(name);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoError("open", path, errno);
  return std::unique_ptr<RandomAccessFile>(new LocalRandomAccessFile(fd, std::move(path)));
}

common::Status LocalDrive::Rename(const std::filesystem::path& from,
                                  const std::filesystem::path& to) {
  const std::filesystem::path target = Full(to);
  if (::rename(Full(from).c_str(), target.c_str()) != 0) return IoError("rename", target, errno);
  return common::Status::Ok();
}

common::Status LocalDrive::SyncDir(const std::filesystem::path& dir) {
  return SyncDirectory(Full(dir));
}

common::Result<CreateDirOutcome> LocalDrive::CreateDir(const std::filesystem::path& dir) {
  const std::filesystem::path path = Full(dir);
  if (::mkdir(path.c_str(), 0755) == 0) return CreateDirOutcome::kCreated;
  const int err = errno;
  if (err == EEXIST) return CreateDirOutcome::kExists;
  if (err == ENOENT) return CreateDirOutcome::kParentMissing;
  return IoError("mkdir", path, err);
}

common::Status LocalDrive::CreateDirs(const std::filesystem::path& dir) {
  const std::filesystem::path path = Full(dir);
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return IoError("mkdir", path, ec.value());
  return common::Status::Ok();
}

common::Status LocalDrive::RemoveFile(const std::filesystem::path& name) {
  const std::filesystem::path path = Full(name);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return IoError("remove", path, errno);
  return common::Status::Ok();
}

common::Status LocalDrive::RemoveAll(const std::filesystem::path& name) {
  const std::filesystem::path path = Full(name);
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (!ec || ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) {
    return common::Status::Ok();
  }
  return IoError("remove", path, ec.value());
}

common::Result<FileInfo> LocalDrive::Stat(const std::filesystem::path& name) {
  const std::filesystem::path path = Full(name);
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) {
    return FileInfo{TypeOf(st.st_mode), static_cast<uint64_t>(st.st_size),
                    int64_t{st.st_mtim.tv_sec} * 1000 + st.st_mtim.tv_nsec / 1'000'000};
  }
  const int err = errno;
  if (err == ENOENT) return FileInfo{};
  // Something inside the drive is a file where a directory belongs: a stray
  // entry, not a dead drive, as long as the drive folder itself is one.
  if (err == ENOTDIR && ::stat(root_.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return FileInfo{};
  return IoError("lstat", path, err);
}

common::Result<std::vector<std::string>> LocalDrive::ListDir(const std::filesystem::path& dir) {
  const std::filesystem::path path = Full(dir);
  std::vector<std::string> names;
  std::error_code ec;
  std::filesystem::directory_iterator it(path, ec);
  if (ec == std::errc::no_such_file_or_directory) return names;
  for (std::filesystem::directory_iterator end; !ec && it != end; it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  if (ec) return IoError("list", path, ec.value());
  return names;
}

}  // namespace strata::storage
