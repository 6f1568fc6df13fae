// FileObjectStore: the first ObjectStore. Each object body is one file on one
// of the drives (chosen by hashing its random id), written by the durable
// recipe. No erasure coding or dedup yet; the storage-engine issue replaces
// this behind the same interface.
#pragma once

#include <filesystem>
#include <mutex>
#include <vector>

#include "common/random.h"
#include "storage/object_store.h"

namespace strata::storage {

class FileObjectStore : public ObjectStore {
 public:
  // Creates the drive folders' layout (objects/, tmp/) when missing and clears
  // temporary files a crash left behind.
  static common::Result<std::unique_ptr<FileObjectStore>> Open(
      std::vector<std::filesystem::path> drives, common::Random& random);

  common::Result<WrittenData> Write(common::ByteSource& source,
                                    std::optional<uint64_t> expected_size) override;
  common::Result<std::unique_ptr<common::ByteSource>> Read(std::string_view data_ref,
                                                           uint64_t offset,
                                                           uint64_t length) override;
  common::Status Delete(std::string_view data_ref) override;

 private:
  FileObjectStore(std::vector<std::filesystem::path> drives, common::Random& random)
      : drives_(std::move(drives)), random_(random) {}
  // data_ref is "<drive index>/<32 hex id>"; nullopt when malformed.
  std::optional<std::filesystem::path> PathOf(std::string_view data_ref) const;
  std::string NewId();

  std::vector<std::filesystem::path> drives_;
  std::mutex random_mutex_;
  common::Random& random_;  // GUARDED_BY(random_mutex_)
};

}  // namespace strata::storage
