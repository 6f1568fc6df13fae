#include "storage/simple/file_object_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "storage/drive/durable_file.h"

namespace strata::storage {
namespace {

constexpr size_t kIoBufferBytes = 1 << 20;

// Reads a byte range of one file with pread, so concurrent readers of the same
// object share nothing.
class FileRangeSource : public common::ByteSource {
 public:
  FileRangeSource(int fd, std::filesystem::path path, uint64_t offset, uint64_t length)
      : fd_(fd), path_(std::move(path)), offset_(offset), left_(length) {}
  ~FileRangeSource() override { ::close(fd_); }

  common::Result<size_t> Read(std::span<char> out) override {
    if (left_ == 0 || out.empty()) return size_t{0};
    size_t want = static_cast<size_t>(std::min<uint64_t>(out.size(), left_));
    while (true) {
      ssize_t n = ::pread(fd_, out.data(), want, static_cast<off_t>(offset_));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return IoError("read", path_, errno);
      if (n == 0) {
        return common::Error(common::Code::kCorruption,
                             "object data is shorter than its metadata: " + path_.string());
      }
      offset_ += static_cast<uint64_t>(n);
      left_ -= static_cast<uint64_t>(n);
      return static_cast<size_t>(n);
    }
  }

 private:
  int fd_;
  std::filesystem::path path_;
  uint64_t offset_;
  uint64_t left_;
};

}  // namespace

common::Result<std::unique_ptr<FileObjectStore>> FileObjectStore::Open(
    std::vector<std::filesystem::path> drives, common::Random& random) {
  if (drives.empty()) return common::Error(common::Code::kInvalidArgument, "no drives configured");
  for (const auto& drive : drives) {
    std::error_code ec;
    std::filesystem::create_directories(drive / "objects", ec);
    if (ec) return IoError("mkdir", drive / "objects", ec.value());
    // A crash mid-write leaves only temporary files; they were never visible.
    std::filesystem::remove_all(drive / "tmp", ec);
    std::filesystem::create_directories(drive / "tmp", ec);
    if (ec) return IoError("mkdir", drive / "tmp", ec.value());
  }
  return std::unique_ptr<FileObjectStore>(new FileObjectStore(std::move(drives), random));
}

std::string FileObjectStore::NewId() {
  std::lock_guard lock(random_mutex_);
  return common::RandomHexId(random_);
}

std::optional<std::filesystem::path> FileObjectStore::PathOf(std::string_view data_ref) const {
  size_t slash = data_ref.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  size_t drive = 0;
  auto [end, ec] = std::from_chars(data_ref.data(), data_ref.data() + slash, drive);
  if (ec != std::errc() || end != data_ref.data() + slash || drive >= drives_.size()) {
    return std::nullopt;
  }
  std::string_view id = data_ref.substr(slash + 1);
  if (id.size() != 32 || id.find_first_not_of("0123456789abcdef") != std::string_view::npos) {
    return std::nullopt;
  }
  return drives_[drive] / "objects" / std::string(id.substr(0, 2)) / std::string(id);
}

common::Result<WrittenData> FileObjectStore::Write(common::ByteSource& source,
                                                   std::optional<uint64_t> expected_size) {
  std::string id = NewId();
  // The id is random, so its first bytes spread objects evenly over drives.
  size_t drive = std::stoul(id.substr(0, 8), nullptr, 16) % drives_.size();
  STRATA_ASSIGN_OR_RETURN(auto writer,
                          DurableFileWriter::Create(drives_[drive] / "tmp" / (id + ".part")));
  std::vector<char> buffer(kIoBufferBytes);
  while (true) {
    STRATA_ASSIGN_OR_RETURN(size_t n, source.Read(buffer));
    if (n == 0) break;
    if (expected_size && writer.size() + n > *expected_size) {
      return common::Error(common::Code::kInvalidRequest, "body is longer than Content-Length");
    }
    STRATA_RETURN_IF_ERROR(writer.Append(std::span<const char>(buffer.data(), n)));
  }
  if (expected_size && writer.size() != *expected_size) {
    return common::Error(common::Code::kIncompleteBody,
                         "You did not provide the number of bytes specified by the Content-Length "
                         "HTTP header.");
  }
  std::string data_ref = std::to_string(drive) + "/" + id;
  STRATA_RETURN_IF_ERROR(writer.Commit(*PathOf(data_ref)));
  return WrittenData{data_ref, writer.size()};
}

common::Result<std::unique_ptr<common::ByteSource>> FileObjectStore::Read(std::string_view data_ref,
                                                                          uint64_t offset,
                                                                          uint64_t length) {
  auto path = PathOf(data_ref);
  if (!path) return common::Error(common::Code::kCorruption, "malformed data reference");
  int fd = ::open(path->c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoError("open", *path, errno);
  return std::unique_ptr<common::ByteSource>(new FileRangeSource(fd, *path, offset, length));
}

common::Status FileObjectStore::Delete(std::string_view data_ref) {
  auto path = PathOf(data_ref);
  if (!path) return common::Error(common::Code::kCorruption, "malformed data reference");
  if (::unlink(path->c_str()) != 0 && errno != ENOENT) return IoError("unlink", *path, errno);
  return common::Status::Ok();
}

}  // namespace strata::storage
