#include "storage/simple/file_object_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "common/random.h"
#include "common/testing/byte_sources.h"

namespace strata::storage {
namespace {

namespace fs = std::filesystem;

size_t CountFiles(const fs::path& root) {
  size_t n = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) n += entry.is_regular_file();
  return n;
}

class FileObjectStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("strata-store-" + common::RandomHexId(random_, 8));
    for (int i = 1; i <= 6; ++i) drives_.push_back(root_ / ("drive" + std::to_string(i)));
    auto store = FileObjectStore::Open(drives_, random_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string ReadRange(const std::string& ref, uint64_t offset, uint64_t length) {
    auto source = store_->Read(ref, offset, length);
    EXPECT_TRUE(source.ok()) << source.status().ToString();
    auto all = common::ReadAll(**source, 1 << 30);
    EXPECT_TRUE(all.ok()) << all.status().ToString();
    return all.ok() ? *all : "";
  }

  common::SecureRandom random_;
  fs::path root_;
  std::vector<fs::path> drives_;
  std::unique_ptr<FileObjectStore> store_;
};

TEST_F(FileObjectStoreTest, WritesReadsRangesAndDeletes) {
  std::string body(3 << 20, '\0');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>(i * 7);
  common::StringSource source(body);
  auto written = store_->Write(source, body.size());
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(written->size, body.size());
  EXPECT_EQ(ReadRange(written->data_ref, 0, body.size()), body);
  EXPECT_EQ(ReadRange(written->data_ref, 1000, 5000), body.substr(1000, 5000));
  EXPECT_EQ(ReadRange(written->data_ref, body.size() - 1, 1), body.substr(body.size() - 1));
  EXPECT_TRUE(store_->Delete(written->data_ref).ok());
  EXPECT_FALSE(store_->Read(written->data_ref, 0, 1).ok());
  EXPECT_TRUE(store_->Delete(written->data_ref).ok()) << "deleting twice is not an error";
  EXPECT_EQ(CountFiles(root_), 0u);
}

TEST_F(FileObjectStoreTest, SpreadsObjectsOverDrives) {
  std::set<char> drives_used;
  for (int i = 0; i < 60; ++i) {
    common::StringSource source("x");
    auto written = store_->Write(source, std::nullopt);
    ASSERT_TRUE(written.ok());
    drives_used.insert(written->data_ref[0]);
  }
  EXPECT_GE(drives_used.size(), 4u);
}

TEST_F(FileObjectStoreTest, FailedWritesLeaveNothing) {
  common::StringSource short_body("12345");
  EXPECT_EQ(store_->Write(short_body, 10).status().code(), common::Code::kIncompleteBody);
  common::StringSource long_body("12345678901");
  EXPECT_EQ(store_->Write(long_body, 10).status().code(), common::Code::kInvalidRequest);
  common::testing::DroppingSource dropped(3 << 20);
  EXPECT_EQ(store_->Write(dropped, 10 << 20).status().code(), common::Code::kIncompleteBody);
  EXPECT_EQ(CountFiles(root_), 0u);
}

TEST_F(FileObjectStoreTest, RejectsMalformedReferences) {
  for (const char* ref :
       {"", "0", "9/0123456789abcdef0123456789abcdef", "0/../../etc/passwd",
        "0/0123456789ABCDEF0123456789abcdef", "x/0123456789abcdef0123456789abcdef"}) {
    EXPECT_EQ(store_->Read(ref, 0, 1).status().code(), common::Code::kCorruption) << ref;
  }
}

TEST_F(FileObjectStoreTest, ReopenClearsLeftoverTemporaryFiles) {
  std::ofstream(drives_[0] / "tmp" / "crashed.part") << "partial";
  auto reopened = FileObjectStore::Open(drives_, random_);
  ASSERT_TRUE(reopened.ok());
  EXPECT_FALSE(fs::exists(drives_[0] / "tmp" / "crashed.part"));
}

}  // namespace
}  // namespace strata::storage
