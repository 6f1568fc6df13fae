#include "storage/drive/drive_format.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/random.h"
#include "storage/drive/local_drive.h"

namespace strata::storage {
namespace {

namespace fs = std::filesystem;
using common::Code;

const std::string kIdA = "0123456789abcdef0123456789abcdef";
const std::string kIdB = "fedcba9876543210fedcba9876543210";

class DriveFormatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    common::SecureRandom random;
    base_ = fs::temp_directory_path() / ("strata-format-" + common::RandomHexId(random, 8));
    fs::create_directories(base_);
  }
  void TearDown() override { fs::remove_all(base_); }

  fs::path base_;
};

TEST_F(DriveFormatTest, MarkerRoundTripsAndMissingIsNullopt) {
  LocalDrive drive(base_ / "d1");
  auto none = ReadDriveFormat(drive);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->has_value());
  const DriveFormat format{.deployment_id = kIdA, .index = 2, .count = 6};
  ASSERT_TRUE(WriteDriveFormat(drive, format).ok());
  auto read = ReadDriveFormat(drive);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ(**read, format);
  EXPECT_FALSE(fs::exists(base_ / "d1" / "strata-format.json.tmp"));
  // Rewriting replaces.
  ASSERT_TRUE(WriteDriveFormat(drive, {.deployment_id = kIdB, .index = 0, .count = 1}).ok());
  EXPECT_EQ((*ReadDriveFormat(drive))->deployment_id, kIdB);
}

TEST_F(DriveFormatTest, DamagedMarkersAreCorruption) {
  LocalDrive drive(base_);
  for (const char* text :
       {"", "not json", "[]", R"({"deployment_id": 5, "index": 0, "count": 1})",
        R"({"deployment_id": "short", "index": 0, "count": 1})",
        R"({"deployment_id": "0123456789abcdef0123456789abcdef", "index": 6, "count": 6})",
        R"({"deployment_id": "0123456789abcdef0123456789abcdef", "index": -1, "count": 6})",
        R"({"deployment_id": "0123456789ABCDEF0123456789abcdef", "index": 0, "count": 6})",
        R"({"deployment_id": "0123456789abcdef0123456789abcdef", "count": 6})"}) {
    std::ofstream(base_ / "strata-format.json", std::ios::trunc) << text;
    auto read = ReadDriveFormat(drive);
    ASSERT_FALSE(read.ok()) << text;
    EXPECT_EQ(read.status().code(), Code::kCorruption) << text;
  }
}

TEST_F(DriveFormatTest, HasShardsLooksInsideChunkPrefixes) {
  LocalDrive drive(base_);
  EXPECT_FALSE(*DriveHasShards(drive));  // no chunks/ at all
  fs::create_directories(base_ / "chunks" / "ab");
  EXPECT_FALSE(*DriveHasShards(drive));  // an empty prefix directory
  fs::create_directories(base_ / "chunks" / "ab" / "0123");
  EXPECT_TRUE(*DriveHasShards(drive));
}

TEST_F(DriveFormatTest, ReadStatesMarksADamagedMarkerAndAnUnreadableDrive) {
  fs::create_directories(base_ / "good");
  LocalDrive good(base_ / "good");
  ASSERT_TRUE(WriteDriveFormat(good, {.deployment_id = kIdA, .index = 0, .count = 3}).ok());
  fs::create_directories(base_ / "damaged");
  std::ofstream(base_ / "damaged" / "strata-format.json") << "garbage";
  std::ofstream(base_ / "file-not-dir") << "x";
  LocalDrive damaged(base_ / "damaged");
  LocalDrive broken(base_ / "file-not-dir");  // ENOTDIR: the drive folder is a file
  auto states = ReadDriveStates({&good, &damaged, &broken});
  ASSERT_EQ(states.size(), 3u);
  EXPECT_TRUE(states[0].readable);
  EXPECT_EQ(states[0].format->deployment_id, kIdA);
  EXPECT_TRUE(states[1].readable);
  ASSERT_TRUE(states[1].format.has_value());
  EXPECT_EQ(states[1].format->index, -1);
  EXPECT_FALSE(states[2].readable);
  auto verdict = CheckDriveSet({.deployment_id = kIdA}, states);
  ASSERT_FALSE(verdict.ok());
  EXPECT_NE(verdict.status().message().find("damaged"), std::string::npos);
}

// --- CheckDriveSet: the decision table ---

DriveState Marked(const std::string& id, int index, bool shards = true) {
  return {.root = "/d" + std::to_string(index + 1),
          .format = DriveFormat{.deployment_id = id, .index = index, .count = 3},
          .has_shards = shards};
}
DriveState Unmarked(int index, bool shards) {
  return {.root = "/d" + std::to_string(index + 1), .has_shards = shards};
}
DriveState Offline(int index) {
  return {.root = "/d" + std::to_string(index + 1), .readable = false};
}

TEST(CheckDriveSet, NewDeploymentClaimsAndMarksEveryReadableDrive) {
  auto plan = CheckDriveSet({}, {Unmarked(0, false), Offline(1), Unmarked(2, false)});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->deployment_id, "");
  EXPECT_EQ(plan->write_markers, (std::vector<int>{0, 2}));
}

TEST(CheckDriveSet, DrivesFromBeforeMarkersKeepWorkingWithTheirMetadata) {
  auto plan = CheckDriveSet({.has_chunks = true}, {Unmarked(0, true), Unmarked(1, true)});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->write_markers, (std::vector<int>{0, 1}));
}

TEST(CheckDriveSet, ShardsWithoutAnyChunkRowAreRefused) {
  auto plan = CheckDriveSet({}, {Unmarked(0, false), Unmarked(1, true)});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), Code::kPreconditionFailed);
  EXPECT_NE(plan.status().message().find("/d2"), std::string::npos);
  EXPECT_NE(plan.status().message().find("--meta"), std::string::npos);
}

TEST(CheckDriveSet, MatchingMarkersPassAndAReplacedDriveGetsOne) {
  auto plan = CheckDriveSet({.deployment_id = kIdA, .has_chunks = true},
                            {Marked(kIdA, 0), Unmarked(1, false), Marked(kIdA, 2)});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->deployment_id, kIdA);
  EXPECT_EQ(plan->write_markers, (std::vector<int>{1}));
}

TEST(CheckDriveSet, AnotherDeploymentsMetadataIsRefused) {
  auto plan = CheckDriveSet({.deployment_id = kIdB, .has_chunks = true},
                            {Marked(kIdA, 0), Marked(kIdA, 1)});
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find(kIdA), std::string::npos);
  EXPECT_NE(plan.status().message().find(kIdB), std::string::npos);
}

TEST(CheckDriveSet, AFreshMetadataStoreOverMarkedDrivesIsRefused) {
  // The Compose stack switched from SQLite to PostgreSQL on the same volume.
  auto plan = CheckDriveSet({}, {Marked(kIdA, 0), Marked(kIdA, 1, false)});
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("metadata store is new"), std::string::npos);
}

TEST(CheckDriveSet, DrivesOfTwoDeploymentsAreRefused) {
  auto plan = CheckDriveSet({.deployment_id = kIdA}, {Marked(kIdA, 0), Marked(kIdB, 1)});
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("different deployments"), std::string::npos);
}

TEST(CheckDriveSet, ADriveAtAnotherPositionIsRefused) {
  auto plan = CheckDriveSet({.deployment_id = kIdA}, {Marked(kIdA, 1), Marked(kIdA, 0)});
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("original order"), std::string::npos);
}

TEST(CheckDriveSet, OfflineDrivesDoNotVote) {
  auto plan =
      CheckDriveSet({.deployment_id = kIdA}, {Marked(kIdA, 0), Offline(1), Marked(kIdA, 2)});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_TRUE(plan->write_markers.empty());
}

}  // namespace
}  // namespace strata::storage
