// FaultyDrive's faults and its power-cut model. The plain Drive behaviour is
// the contract suite in storage/drive/drive_contract_test.cc.
#include "storage/testing/faulty_drive.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "common/random.h"
#include "storage/drive/durable_file.h"

namespace strata::storage::testing {
namespace {

namespace fs = std::filesystem;

std::span<const uint8_t> Bytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A file created on drive with content, synced when sync is set, and closed
// unless keep_open is set (then it is returned).
std::unique_ptr<WritableFile> WriteFile(Drive& drive, const fs::path& name,
                                        std::string_view content, bool sync,
                                        bool keep_open = false) {
  auto file = drive.CreateFile(name);
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  if (!file.ok()) return nullptr;
  EXPECT_TRUE((*file)->Append(Bytes(content)).ok());
  if (sync) {
    EXPECT_TRUE((*file)->Sync().ok());
  }
  if (keep_open) return std::move(*file);
  EXPECT_TRUE((*file)->Close().ok());
  return nullptr;
}

class FaultyDriveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("strata-faulty-" + common::RandomHexId(random_, 8));
    fs::create_directories(root_);
    drive_ = std::make_unique<FaultyDrive>(root_);
  }
  void TearDown() override {
    drive_.reset();
    fs::remove_all(root_);
  }

  std::unique_ptr<WritableFile> Write(const fs::path& name, std::string_view content, bool sync,
                                      bool keep_open = false) {
    return WriteFile(*drive_, name, content, sync, keep_open);
  }
  // A directory created through the drive, its entry durable.
  void DurableDir(const fs::path& dir) { ASSERT_TRUE(CreateDirectoriesDurably(*drive_, dir).ok()); }
  bool Exists(const fs::path& name) const { return fs::exists(root_ / name); }
  std::string Content(const fs::path& name) const { return ReadFile(root_ / name); }

  common::SecureRandom random_;
  fs::path root_;
  std::unique_ptr<FaultyDrive> drive_;
};

void ExpectEio(const common::Status& status, const std::string& what) {
  EXPECT_EQ(status.code(), common::Code::kUnavailable) << what << ": " << status.ToString();
  EXPECT_NE(status.message().find("Input/output error"), std::string::npos)
      << what << ": " << status.ToString();
}

TEST_F(FaultyDriveTest, FailWritesFailsEveryMutationAndDoesNothing) {
  DurableDir("d");
  auto open = drive_->CreateFile("d/open");
  ASSERT_TRUE(open.ok());
  std::ofstream(root_ / "d" / "existing") << "x";
  drive_->SetFailWrites(true);
  const std::vector<std::pair<std::string, std::function<common::Status()>>> writes = {
      {"CreateFile", [&] { return drive_->CreateFile("d/new").status(); }},
      {"Append", [&] { return (*open)->Append(Bytes("abc")); }},
      {"Sync", [&] { return (*open)->Sync(); }},
      {"Rename", [&] { return drive_->Rename("d/existing", "d/renamed"); }},
      {"SyncDir", [&] { return drive_->SyncDir("d"); }},
      {"CreateDir", [&] { return drive_->CreateDir("e").status(); }},
      {"CreateDirs", [&] { return drive_->CreateDirs("f/g"); }},
      {"RemoveFile", [&] { return drive_->RemoveFile("d/existing"); }},
      {"RemoveAll", [&] { return drive_->RemoveAll("d"); }},
  };
  for (const auto& [what, call] : writes) ExpectEio(call(), what);
  EXPECT_FALSE(Exists("d/new"));
  EXPECT_EQ(Content("d/open"), "");
  EXPECT_EQ(Content("d/existing"), "x");
  EXPECT_FALSE(Exists("e") || Exists("f"));
  // Reads still work.
  EXPECT_TRUE(drive_->OpenFile("d/existing").ok());
  EXPECT_TRUE(drive_->Stat("d").ok());
  EXPECT_TRUE(drive_->ListDir("d").ok());
  drive_->SetFailWrites(false);
  EXPECT_TRUE((*open)->Append(Bytes("abc")).ok());
}

TEST_F(FaultyDriveTest, FailReadsFailsEveryRead) {
  Write("f", "hello", true);
  auto open = drive_->OpenFile("f");
  ASSERT_TRUE(open.ok());
  drive_->SetFailReads(true);
  std::vector<uint8_t> out(5);
  ExpectEio(drive_->OpenFile("f").status(), "OpenFile");
  ExpectEio((*open)->ReadAt(0, out).status(), "ReadAt");
  ExpectEio((*open)->Size().status(), "Size");
  ExpectEio(drive_->Stat("f").status(), "Stat");
  ExpectEio(drive_->ListDir("").status(), "ListDir");
  // Writes still work.
  Write("g", "x", true);
  drive_->SetFailReads(false);
  auto got = (*open)->ReadAt(0, out);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(std::string(out.begin(), out.end()), "hello");
}

TEST_F(FaultyDriveTest, CorruptReadsFlipABitOfWhatTheyReturn) {
  Write("f", "hello", true);
  drive_->SetCorruptReads(true);
  auto file = drive_->OpenFile("f");
  ASSERT_TRUE(file.ok());
  std::vector<uint8_t> out(5);
  auto got = (*file)->ReadAt(0, out);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(std::string(out.begin(), out.end()), "iello");
  ASSERT_TRUE((*file)->ReadAt(3, std::span(out).first(2)).ok());
  EXPECT_EQ(out[0], 'l' ^ 1);
  EXPECT_EQ(Content("f"), "hello") << "the file itself is intact";
  drive_->ClearFaults();
  ASSERT_TRUE((*file)->ReadAt(0, out).ok());
  EXPECT_EQ(std::string(out.begin(), out.end()), "hello");
}

TEST_F(FaultyDriveTest, FailAfterLetsNOperationsThrough) {
  for (uint64_t n : {0, 1, 2, 3}) {
    SCOPED_TRACE(n);
    drive_->ClearFaults();
    const uint64_t before = drive_->operations();
    drive_->FailAfter(n);
    // Four operations: create, append, sync, rename.
    const std::string name = "f" + std::to_string(n);
    auto file = drive_->CreateFile(name);
    common::Status appended = file.ok() ? (*file)->Append(Bytes("x")) : file.status();
    common::Status synced = file.ok() ? (*file)->Sync() : file.status();
    common::Status renamed = drive_->Rename(name, name + ".done");
    EXPECT_EQ(file.ok(), n >= 1);
    if (file.ok()) {
      EXPECT_EQ(appended.ok(), n >= 2);
      EXPECT_EQ(synced.ok(), n >= 3);
    }
    EXPECT_FALSE(renamed.ok());
    EXPECT_EQ(drive_->operations() - before, file.ok() ? 4u : 2u);
    ExpectEio(drive_->Stat("").status(), "everything fails after the n");
  }
  drive_->ClearFaults();
  EXPECT_TRUE(drive_->Stat("").ok());
}

TEST_F(FaultyDriveTest, CountsSyncs) {
  DurableDir("a/b");  // two directories created: each parent synced
  EXPECT_EQ(drive_->dir_syncs(), 2u);
  Write("a/b/f", "x", true);
  Write("a/b/g", "x", false);
  EXPECT_EQ(drive_->file_syncs(), 1u);
}

// Content marker for "does not exist".
constexpr const char* kGone = "<gone>";

// One power-cut scenario: steps through the drive (whose folder already has
// the durable directories a/ and b/ and a file a/old written around it),
// then the content each name must have after the cut, or kGone.
struct PowerCutCase {
  std::string name;
  std::function<void(FaultyDrive&)> steps;
  std::vector<std::pair<std::string, std::string>> expect;
};

class FaultyDrivePowerCutTest : public FaultyDriveTest,
                                public ::testing::WithParamInterface<PowerCutCase> {};

// Every path under dir with its content, for comparing folder states.
std::vector<std::string> Snapshot(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    out.push_back(entry.path().string() + "=" +
                  (entry.is_regular_file() ? ReadFile(entry.path()) : "<dir>"));
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_P(FaultyDrivePowerCutTest, LeavesOnlyWhatWasDurable) {
  DurableDir("a");
  DurableDir("b");
  std::ofstream(root_ / "a" / "old") << "from before";
  GetParam().steps(*drive_);
  drive_->PowerCut();
  for (const auto& [name, content] : GetParam().expect) {
    if (content == kGone) {
      EXPECT_FALSE(Exists(name)) << name;
    } else {
      EXPECT_TRUE(Exists(name)) << name;
      EXPECT_EQ(Content(name), content) << name;
    }
  }
  // After the cut everything left is durable: a second cut changes nothing.
  const std::vector<std::string> before = Snapshot(root_);
  drive_->PowerCut();
  EXPECT_EQ(Snapshot(root_), before);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, FaultyDrivePowerCutTest,
    ::testing::Values(PowerCutCase{"NeverSyncedVanishes",
                                   [](FaultyDrive& d) {
                                     WriteFile(d, "a/f", "data", false);
                                     ASSERT_TRUE(d.SyncDir("a").ok());
                                   },
                                   {{"a/f", kGone}, {"a/old", "from before"}}},
                      PowerCutCase{"SyncedFileInASyncedDirSurvives",
                                   [](FaultyDrive& d) {
                                     WriteFile(d, "a/f", "data", true);
                                     ASSERT_TRUE(d.SyncDir("a").ok());
                                   },
                                   {{"a/f", "data"}}},
                      PowerCutCase{"SyncedFileWhoseDirWasNotSyncedVanishes",
                                   [](FaultyDrive& d) { WriteFile(d, "a/f", "data", true); },
                                   {{"a/f", kGone}}},
                      PowerCutCase{"UnsyncedAppendIsCutBack",
                                   [](FaultyDrive& d) {
                                     auto file = WriteFile(d, "a/f", "hello", true, true);
                                     ASSERT_TRUE(d.SyncDir("a").ok());
                                     ASSERT_TRUE(file->Append(Bytes(" world")).ok());
                                     ASSERT_TRUE(file->Close().ok());
                                   },
                                   {{"a/f", "hello"}}},
                      PowerCutCase{"RenameWithoutDirSyncIsUndone",
                                   [](FaultyDrive& d) {
                                     WriteFile(d, "a/f", "data", true);
                                     ASSERT_TRUE(d.SyncDir("a").ok());
                                     ASSERT_TRUE(d.Rename("a/f", "b/g").ok());
                                     ASSERT_TRUE(d.SyncDir("a").ok());  // the wrong directory
                                   },
                                   {{"a/f", "data"}, {"b/g", kGone}}},
                      PowerCutCase{"RenameWithDirSyncIsDurable",
                                   [](FaultyDrive& d) {
                                     WriteFile(d, "a/f", "data", true);
                                     ASSERT_TRUE(d.SyncDir("a").ok());
                                     ASSERT_TRUE(d.Rename("a/f", "b/g").ok());
                                     ASSERT_TRUE(d.SyncDir("b").ok());
                                   },
                                   {{"a/f", kGone}, {"b/g", "data"}}},
                      PowerCutCase{
                          "UntrackedFileRenamedWithoutSyncGoesBack",
                          [](FaultyDrive& d) { ASSERT_TRUE(d.Rename("a/old", "b/moved").ok()); },
                          {{"a/old", "from before"}, {"b/moved", kGone}}},
                      PowerCutCase{"NewDirectoryWithoutParentSyncVanishes",
                                   [](FaultyDrive& d) {
                                     ASSERT_TRUE(d.CreateDirs("tmp").ok());
                                     WriteFile(d, "tmp/x", "data", true);
                                     ASSERT_EQ(*d.CreateDir("b/new"), CreateDirOutcome::kCreated);
                                     ASSERT_TRUE(d.Rename("tmp/x", "b/new/x").ok());
                                     ASSERT_TRUE(d.SyncDir("b/new").ok());  // but not b
                                   },
                                   {{"b/new", kGone}, {"tmp", kGone}}},
                      PowerCutCase{"TheDurableRecipeSurvives",
                                   [](FaultyDrive& d) {
                                     ASSERT_TRUE(d.CreateDirs("tmp").ok());  // never synced
                                     auto writer = DurableFileWriter::Create(d, "tmp/x");
                                     ASSERT_TRUE(writer.ok());
                                     ASSERT_TRUE(writer->Append(std::string_view("shard")).ok());
                                     ASSERT_TRUE(CreateDirectoriesDurably(d, "b/c").ok());
                                     ASSERT_TRUE(writer->Commit("b/c/x").ok());
                                   },
                                   {{"b/c/x", "shard"}, {"tmp", kGone}}},
                      PowerCutCase{"IgnoredFileSyncMakesNothingDurable",
                                   [](FaultyDrive& d) {
                                     d.SetIgnoreSyncs(true, false);
                                     WriteFile(d, "a/f", "data", true);
                                     ASSERT_TRUE(d.SyncDir("a").ok());
                                   },
                                   {{"a/f", kGone}}},
                      PowerCutCase{"IgnoredDirSyncMakesNothingDurable",
                                   [](FaultyDrive& d) {
                                     d.SetIgnoreSyncs(false, true);
                                     WriteFile(d, "a/f", "data", true);
                                     ASSERT_TRUE(d.SyncDir("a").ok());
                                     ASSERT_TRUE(CreateDirectoriesDurably(d, "c").ok());
                                   },
                                   {{"a/f", kGone}, {"c", kGone}}},
                      PowerCutCase{"RemovalsAreDurableAtOnce",
                                   [](FaultyDrive& d) {
                                     WriteFile(d, "b/f", "data", true);
                                     ASSERT_TRUE(CreateDirectoriesDurably(d, "b/sub").ok());
                                     WriteFile(d, "b/sub/g", "data", true);
                                     ASSERT_TRUE(d.SyncDir("b/sub").ok());
                                     ASSERT_TRUE(d.SyncDir("b").ok());
                                     ASSERT_TRUE(d.RemoveFile("b/f").ok());
                                     ASSERT_TRUE(d.RemoveAll("b/sub").ok());
                                     ASSERT_TRUE(d.RemoveFile("a/old").ok());
                                   },
                                   {{"b/f", kGone}, {"b/sub", kGone}, {"a/old", kGone}}}),
    [](const ::testing::TestParamInfo<PowerCutCase>& c) { return c.param.name; });

TEST_F(FaultyDriveTest, FilesOpenAcrossAPowerCutFail) {
  DurableDir("a");
  auto file = Write("a/f", "data", true, true);
  ASSERT_TRUE(drive_->SyncDir("a").ok());
  drive_->PowerCut();
  ExpectEio(file->Append(Bytes("more")), "Append after the cut");
  ExpectEio(file->Sync(), "Sync after the cut");
  EXPECT_EQ(Content("a/f"), "data");
  // New files work as usual.
  Write("a/g", "new", true);
  EXPECT_EQ(Content("a/g"), "new");
}

}  // namespace
}  // namespace strata::storage::testing
