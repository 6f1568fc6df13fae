// The Drive contract (drive.h), run against every implementation: LocalDrive
// and FaultyDrive with no fault on (STYLE.md rule 9). FaultyDrive's faults
// and power cuts are in storage/testing/faulty_drive_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "common/random.h"
#include "storage/drive/drive.h"
#include "storage/drive/durable_file.h"
#include "storage/drive/local_drive.h"
#include "storage/testing/faulty_drive.h"

namespace strata::storage {
namespace {

namespace fs = std::filesystem;

struct Implementation {
  std::string name;
  std::function<std::unique_ptr<Drive>(const fs::path&)> make;
};

std::span<const uint8_t> Bytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class DriveContractTest : public ::testing::TestWithParam<Implementation> {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("strata-drive-" + common::RandomHexId(random_, 8));
    root_ = base_ / "drive";
    fs::create_directories(root_);
    drive_ = GetParam().make(root_);
  }
  void TearDown() override {
    drive_.reset();
    fs::remove_all(base_);
  }

  // Creates name with content through the drive, synced and closed.
  void Put(const fs::path& name, std::string_view content) {
    auto file = drive_->CreateFile(name);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    ASSERT_TRUE((*file)->Append(Bytes(content)).ok());
    ASSERT_TRUE((*file)->Sync().ok());
    ASSERT_TRUE((*file)->Close().ok());
  }

  std::string Get(const fs::path& name) {
    auto file = drive_->OpenFile(name);
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    if (!file.ok()) return "<failed>";
    auto size = (*file)->Size();
    EXPECT_TRUE(size.ok());
    std::string out(size.ok() ? *size : 0, '\0');
    auto got = (*file)->ReadAt(0, std::span(reinterpret_cast<uint8_t*>(out.data()), out.size()));
    EXPECT_TRUE(got.ok());
    out.resize(got.ok() ? *got : 0);
    return out;
  }

  std::vector<std::string> List(const fs::path& dir) {
    auto names = drive_->ListDir(dir);
    EXPECT_TRUE(names.ok()) << names.status().ToString();
    if (!names.ok()) return {};
    std::sort(names->begin(), names->end());
    return *names;
  }

  common::SecureRandom random_;
  fs::path base_;
  fs::path root_;
  std::unique_ptr<Drive> drive_;
};

INSTANTIATE_TEST_SUITE_P(
    Drives, DriveContractTest,
    ::testing::Values(Implementation{"LocalDrive",
                                     [](const fs::path& root) -> std::unique_ptr<Drive> {
                                       return std::make_unique<LocalDrive>(root);
                                     }},
                      Implementation{"FaultyDrive",
                                     [](const fs::path& root) -> std::unique_ptr<Drive> {
                                       return std::make_unique<testing::FaultyDrive>(root);
                                     }}),
    [](const ::testing::TestParamInfo<Implementation>& impl) { return impl.param.name; });

TEST_P(DriveContractTest, NamesAreRelativeToTheRoot) {
  EXPECT_EQ(drive_->root(), root_);
  Put("a.txt", "hello");
  EXPECT_EQ(ReadFile(root_ / "a.txt"), "hello");
  EXPECT_EQ(Get("a.txt"), "hello");
}

TEST_P(DriveContractTest, WriteSyncRenameSyncDir) {
  ASSERT_TRUE(drive_->CreateDirs("tmp").ok());
  auto file = drive_->CreateFile("tmp/x");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_TRUE((*file)->Append(Bytes("abc")).ok());
  ASSERT_TRUE((*file)->Append(Bytes("")).ok());
  ASSERT_TRUE((*file)->Append(Bytes("def")).ok());
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE((*file)->Close().ok());
  file->reset();
  ASSERT_TRUE(drive_->CreateDirs("a/b").ok());
  ASSERT_TRUE(drive_->Rename("tmp/x", "a/b/y").ok());
  ASSERT_TRUE(drive_->SyncDir("a/b").ok());
  ASSERT_TRUE(drive_->SyncDir("").ok()) << "the empty name is the drive folder";
  EXPECT_EQ(Get("a/b/y"), "abcdef");
  EXPECT_EQ(List("tmp"), std::vector<std::string>{});
  EXPECT_EQ(List("a/b"), std::vector<std::string>{"y"});
}

TEST_P(DriveContractTest, CreateFileIsExclusiveAndNeedsItsDirectory) {
  Put("f", "1");
  auto again = drive_->CreateFile("f");
  EXPECT_EQ(again.status().code(), common::Code::kUnavailable);
  EXPECT_NE(again.status().message().find((root_ / "f").string()), std::string::npos)
      << again.status().ToString();
  EXPECT_EQ(Get("f"), "1");
  EXPECT_EQ(drive_->CreateFile("no/such/dir/f").status().code(), common::Code::kUnavailable);
}

TEST_P(DriveContractTest, RenameReplacesTheTarget) {
  Put("a", "new");
  Put("b", "old");
  ASSERT_TRUE(drive_->Rename("a", "b").ok());
  EXPECT_EQ(Get("b"), "new");
  EXPECT_EQ(drive_->Rename("a", "c").code(), common::Code::kUnavailable);
}

TEST_P(DriveContractTest, ReadAtStopsAtTheEndOfTheFile) {
  Put("f", "0123456789");
  auto file = drive_->OpenFile("f");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ((*file)->path(), root_ / "f");
  std::vector<uint8_t> out(4);
  struct Case {
    uint64_t offset;
    size_t got;
    std::string bytes;
  };
  for (const Case& c : {Case{0, 4, "0123"}, Case{6, 4, "6789"}, Case{8, 2, "89"}, Case{10, 0, ""},
                        Case{1000, 0, ""}}) {
    auto got = (*file)->ReadAt(c.offset, out);
    ASSERT_TRUE(got.ok()) << c.offset;
    EXPECT_EQ(*got, c.got) << c.offset;
    EXPECT_EQ(std::string(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(*got)), c.bytes);
  }
  auto size = (*file)->Size();
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 10u);
}

TEST_P(DriveContractTest, OpenOfAMissingFileFailsAndStatSaysMissing) {
  auto file = drive_->OpenFile("nope");
  EXPECT_EQ(file.status().code(), common::Code::kUnavailable);
  EXPECT_NE(file.status().message().find("No such file"), std::string::npos)
      << file.status().ToString();
  auto info = drive_->Stat("nope");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->type, FileType::kMissing);
}

TEST_P(DriveContractTest, StatTellsTypesAndStrayFilesFromADeadDrive) {
  Put("f", "12345");
  ASSERT_TRUE(drive_->CreateDirs("d").ok());
  auto file = drive_->Stat("f");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->type, FileType::kFile);
  EXPECT_EQ(file->size, 5u);
  EXPECT_GT(file->modified_ms, 1'600'000'000'000);
  auto dir = drive_->Stat("d");
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(dir->type, FileType::kDirectory);
  auto root = drive_->Stat("");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(root->type, FileType::kDirectory);

  // A path through a file (ENOTDIR) inside a drive that is a directory: a
  // stray entry, so just missing.
  auto through_file = drive_->Stat("f/x");
  ASSERT_TRUE(through_file.ok()) << through_file.status().ToString();
  EXPECT_EQ(through_file->type, FileType::kMissing);

  // The drive folder itself replaced by a file: an error, not "missing".
  fs::remove_all(root_);
  std::ofstream(root_) << "not a directory";
  auto dead = drive_->Stat("chunks/x");
  EXPECT_EQ(dead.status().code(), common::Code::kUnavailable) << dead.status().ToString();
  // A deleted drive folder is merely missing (writes recreate it).
  fs::remove(root_);
  auto gone = drive_->Stat("tmp");
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->type, FileType::kMissing);
}

TEST_P(DriveContractTest, CreateDirOutcomes) {
  Put("file", "x");
  struct Case {
    const char* name;
    CreateDirOutcome want;
  };
  for (const Case& c :
       {Case{"a", CreateDirOutcome::kCreated}, Case{"a", CreateDirOutcome::kExists},
        Case{"file", CreateDirOutcome::kExists}, Case{"b/c", CreateDirOutcome::kParentMissing},
        Case{"a/c", CreateDirOutcome::kCreated}}) {
    auto outcome = drive_->CreateDir(c.name);
    ASSERT_TRUE(outcome.ok()) << c.name << ": " << outcome.status().ToString();
    EXPECT_EQ(*outcome, c.want) << c.name;
  }
  EXPECT_TRUE(fs::is_directory(root_ / "a" / "c"));
  // Through a file: an I/O error (ENOTDIR), not an outcome.
  EXPECT_EQ(drive_->CreateDir("file/x").status().code(), common::Code::kUnavailable);
}

TEST_P(DriveContractTest, CreateDirsMakesTheDriveFolderToo) {
  fs::remove_all(root_);
  ASSERT_TRUE(drive_->CreateDirs("x/y").ok());
  EXPECT_TRUE(fs::is_directory(root_ / "x" / "y"));
  EXPECT_TRUE(drive_->CreateDirs("x/y").ok()) << "existing is fine";
  Put("x/f", "1");
  EXPECT_EQ(drive_->CreateDirs("x/f").code(), common::Code::kUnavailable);
}

TEST_P(DriveContractTest, CreateDirectoriesDurablyCreatesEveryLevel) {
  fs::remove_all(root_);
  ASSERT_TRUE(CreateDirectoriesDurably(*drive_, "chunks/ab/cd").ok());
  EXPECT_TRUE(fs::is_directory(root_ / "chunks" / "ab" / "cd"));
  ASSERT_TRUE(CreateDirectoriesDurably(*drive_, "chunks/ab/cd").ok());
  Put("file", "x");
  EXPECT_EQ(CreateDirectoriesDurably(*drive_, "file/x").code(), common::Code::kUnavailable);
}

TEST_P(DriveContractTest, RemoveFileAndRemoveAll) {
  Put("f", "1");
  ASSERT_TRUE(drive_->RemoveFile("f").ok());
  EXPECT_FALSE(fs::exists(root_ / "f"));
  EXPECT_TRUE(drive_->RemoveFile("f").ok()) << "missing is fine";

  ASSERT_TRUE(drive_->CreateDirs("d/e").ok());
  Put("d/e/g", "1");
  Put("d/h", "2");
  Put("keep", "3");
  ASSERT_TRUE(drive_->RemoveAll("d").ok());
  EXPECT_FALSE(fs::exists(root_ / "d"));
  EXPECT_TRUE(fs::exists(root_ / "keep"));
  EXPECT_TRUE(drive_->RemoveAll("d").ok()) << "missing is fine";
  EXPECT_TRUE(drive_->RemoveAll("keep/under/a/file").ok()) << "ENOTDIR: nothing there";
  EXPECT_TRUE(fs::exists(root_ / "keep"));
}

TEST_P(DriveContractTest, ListDir) {
  EXPECT_EQ(List("missing"), std::vector<std::string>{}) << "a missing directory is empty";
  ASSERT_TRUE(drive_->CreateDirs("d/sub").ok());
  Put("d/b", "");
  Put("d/a", "");
  EXPECT_EQ(List("d"), (std::vector<std::string>{"a", "b", "sub"}));
  Put("file", "");
  auto listed = drive_->ListDir("file");
  EXPECT_EQ(listed.status().code(), common::Code::kUnavailable) << "ENOTDIR is an error";
}

TEST_P(DriveContractTest, DurableFileWriterCommitsOrLeavesNothing) {
  ASSERT_TRUE(drive_->CreateDirs("tmp").ok());
  {
    auto writer = DurableFileWriter::Create(*drive_, "tmp/a");
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(writer->Append(std::span<const char>("xyz", 3)).ok());
    EXPECT_EQ(writer->size(), 3u);
    ASSERT_TRUE(writer->Commit("out/a").ok());
  }
  EXPECT_EQ(Get("out/a"), "xyz");
  {
    auto writer = DurableFileWriter::Create(*drive_, "tmp/b");
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(writer->Append(std::span<const char>("abandoned", 9)).ok());
  }
  EXPECT_EQ(List("tmp"), std::vector<std::string>{});
  EXPECT_EQ(List("out"), std::vector<std::string>{"a"});
}

// The path-only DurableFileWriter (app/ uses it for small config files).
TEST(DurableFileWriterTest, LocalPathsAsGiven) {
  common::SecureRandom random;
  const fs::path dir =
      fs::temp_directory_path() / ("strata-durable-" + common::RandomHexId(random, 8));
  fs::create_directories(dir);
  {
    auto writer = DurableFileWriter::Create(dir / "f.tmp");
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    ASSERT_TRUE(writer->Append(std::string_view("hello")).ok());
    DurableFileWriter moved(std::move(*writer));
    ASSERT_TRUE(moved.Commit(dir / "sub" / "f").ok());
  }
  EXPECT_EQ(ReadFile(dir / "sub" / "f"), "hello");
  EXPECT_FALSE(fs::exists(dir / "f.tmp"));
  {
    auto writer = DurableFileWriter::Create(dir / "g.tmp");
    ASSERT_TRUE(writer.ok());
  }
  EXPECT_FALSE(fs::exists(dir / "g.tmp"));
  EXPECT_EQ(DurableFileWriter::Create(dir / "no" / "g.tmp").status().code(),
            common::Code::kUnavailable);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace strata::storage
