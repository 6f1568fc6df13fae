// ErasureChunkStore over K + M FaultyDrives (storage/testing/faulty_drive.h):
// writes against the write quorum while drives fail, reads that rebuild from
// parity around drives that error or return bad bytes, power cuts after
// acknowledged writes (the durable recipe), drive health, and heal onto a
// replaced drive. The same store on LocalDrives with damaged files is in
// erasure_chunk_store_test.cc.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/hash.h"
#include "common/random.h"
#include "storage/chunk_store/erasure_chunk_store.h"
#include "storage/chunk_store/layout.h"
#include "storage/testing/faulty_drive.h"

namespace strata::storage {
namespace {

namespace fs = std::filesystem;
using testing::FaultyDrive;

constexpr uint32_t kBlock = 4096;  // small blocks, so shards span several
constexpr int kK = 4;
constexpr int kM = 2;

std::string Body(size_t size, uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::string body(size, '\0');
  for (auto& c : body) c = static_cast<char>(rng());
  return body;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Regular files under dir, recursively.
std::vector<fs::path> FilesUnder(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file()) out.push_back(it->path());
  }
  return out;
}

class ErasureChunkStoreFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("strata-csf-" + common::RandomHexId(random_, 8));
    for (int i = 0; i < kK + kM; ++i) {
      drives_.push_back(std::make_unique<FaultyDrive>(root_ / ("drive" + std::to_string(i))));
    }
    Open();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(root_);
  }

  // (Re)opens the store over the drives: a restart, with fresh drive health.
  void Open(ErasureChunkStoreOptions options = {}) {
    options.data_shards = kK;
    options.parity_shards = kM;
    options.block_size = kBlock;
    store_.reset();
    std::vector<Drive*> drives;
    for (const auto& drive : drives_) drives.push_back(drive.get());
    auto store = ErasureChunkStore::OpenOnDrives(drives, random_, clock_, options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    degraded_.clear();
    store_->SetDegradedReadCallback(
        [this](const meta::ChunkInfo& chunk) { degraded_.push_back(chunk.location); });
  }

  void ClearFaults() {
    for (const auto& drive : drives_) drive->ClearFaults();
  }

  common::Result<meta::ChunkInfo> TryPut(const std::string& data) {
    return store_->Write(common::Sha256Hex(data), data);
  }
  meta::ChunkInfo Put(const std::string& data) {
    auto chunk = TryPut(data);
    EXPECT_TRUE(chunk.ok()) << chunk.status().ToString();
    return chunk.ok() ? *chunk : meta::ChunkInfo{};
  }
  common::Result<std::string> TryRead(const meta::ChunkInfo& chunk, uint64_t offset,
                                      uint64_t length) {
    std::string out(length, '\0');
    STRATA_RETURN_IF_ERROR(store_->ReadRange(
        chunk, offset, std::span(reinterpret_cast<uint8_t*>(out.data()), out.size())));
    return out;
  }
  // Reads the whole chunk and checks it is want (without printing bytes).
  void ExpectReads(const meta::ChunkInfo& chunk, const std::string& want) {
    auto data = TryRead(chunk, 0, chunk.size);
    ASSERT_TRUE(data.ok()) << chunk.location << ": " << data.status().ToString();
    EXPECT_TRUE(*data == want) << chunk.location << ": content differs";
  }

  size_t DriveOf(const meta::ChunkInfo& chunk, int shard) const {
    return ChunkShardDrive(*ChunkPlacementHash(chunk.hash), shard, drives_.size());
  }
  FaultyDrive& DriveOfShard(const meta::ChunkInfo& chunk, int shard) {
    return *drives_[DriveOf(chunk, shard)];
  }
  fs::path ShardFile(const meta::ChunkInfo& chunk, int shard) const {
    return ChunkShardPath(drives_[DriveOf(chunk, shard)]->root(), chunk.location, shard);
  }
  std::map<int, std::string> ShardContents(const meta::ChunkInfo& chunk) const {
    std::map<int, std::string> out;
    for (int i = 0; i < kK + kM; ++i) out[i] = ReadFile(ShardFile(chunk, i));
    return out;
  }
  // Files a drive holds under chunks/ and tmp/.
  size_t ShardFilesOn(size_t drive) const {
    return FilesUnder(drives_[drive]->root() / "chunks").size();
  }
  size_t TempFilesOn(size_t drive) const {
    return FilesUnder(drives_[drive]->root() / "tmp").size();
  }

  common::SecureRandom random_;
  common::FixedClock clock_{1'700'000'000'000};
  fs::path root_;
  std::vector<std::unique_ptr<FaultyDrive>> drives_;
  std::unique_ptr<ErasureChunkStore> store_;
  std::vector<std::string> degraded_;  // locations the callback reported
};

// --- Writes against the quorum (K = 4, M = 2: quorum 4).

TEST_F(ErasureChunkStoreFaultTest, WritesSucceedWhileAtMostMDrivesFailWrites) {
  ASSERT_EQ(store_->write_quorum(), kK);
  for (int failing = 0; failing <= kM; ++failing) {
    SCOPED_TRACE(std::to_string(failing) + " failing drives");
    ClearFaults();
    Open();
    for (int d = 0; d < failing; ++d) drives_[d]->SetFailWrites(true);
    const std::string data = Body(30'000, failing);
    const meta::ChunkInfo chunk = Put(data);
    ASSERT_FALSE(chunk.location.empty());
    // A write short of shards is reported for healing.
    EXPECT_EQ(degraded_,
              failing > 0 ? std::vector<std::string>{chunk.location} : std::vector<std::string>{});
    ExpectReads(chunk, data);
    const auto statuses = store_->DriveStatuses();
    for (int d = 0; d < kK + kM; ++d) {
      const bool failed = d < failing;
      EXPECT_EQ(statuses[d].online, !failed) << d;
      EXPECT_EQ(statuses[d].errors, failed ? 1u : 0u) << d;
      EXPECT_EQ(FilesUnder(ChunkLocationDir(drives_[d]->root(), chunk.location)).size(),
                failed ? 0u : 1u)
          << "drive " << d;
      EXPECT_EQ(TempFilesOn(d), 0u) << d;
    }
  }
}

TEST_F(ErasureChunkStoreFaultTest, WritesBeyondTheQuorumFailCleanly) {
  for (int d : {1, 3, 4}) drives_[d]->SetFailWrites(true);
  const std::string data = Body(30'000);
  auto written = TryPut(data);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.status().code(), common::Code::kUnavailable) << written.status().ToString();
  EXPECT_NE(written.status().message().find("only 3 of 6 shards durable"), std::string::npos)
      << written.status().ToString();
  EXPECT_TRUE(degraded_.empty()) << "nothing was stored, so nothing to heal";
  for (int d = 0; d < kK + kM; ++d) {
    EXPECT_EQ(ShardFilesOn(d), 0u) << "drive " << d << " kept a shard of a failed write";
    EXPECT_EQ(TempFilesOn(d), 0u) << d;
  }
  bool visited = false;
  (void)store_->ForEachLocation([&](const StoredLocation&) { visited = true; });
  EXPECT_FALSE(visited);
}

// A drive can fail at any step of a shard write (create, append, mkdir,
// fsync of a directory, fdatasync, rename...). With M drives failing after n
// operations the write still succeeds; with M + 1 it fails with nothing
// acknowledged and nothing left on the healthy drives, unless all of them
// got through their whole shard first. n grows until they do.
TEST_F(ErasureChunkStoreFaultTest, DrivesFailingAtEveryStepOfAShardWrite) {
  const std::string data = Body(20'000, 7);  // 5 000-byte shards: 2 blocks each
  auto got_through = [&](int failing) {
    for (int d = 0; d < failing; ++d) {
      if (store_->DriveStatuses()[d].errors != 0) return false;
    }
    return true;
  };
  uint64_t n = 0;
  for (bool done = false; !done; ++n) {
    ASSERT_LT(n, 64u) << "the failing drives never got through a shard write";
    SCOPED_TRACE("fail after " + std::to_string(n) + " operations");

    ClearFaults();
    Open();
    for (int d = 0; d < kM; ++d) drives_[d]->FailAfter(n);
    auto written = TryPut(data);
    ASSERT_TRUE(written.ok()) << written.status().ToString();
    done = got_through(kM);
    ClearFaults();
    ExpectReads(*written, data);

    ClearFaults();
    Open();
    std::vector<size_t> files_before;
    for (int d = 0; d < kK + kM; ++d) files_before.push_back(ShardFilesOn(d));
    for (int d = 0; d <= kM; ++d) drives_[d]->FailAfter(n);
    written = TryPut(data);
    if (written.ok()) {
      // Acknowledged: at least K shards are durable, so at most M of the
      // failing drives failed. Not necessarily none: the drives need not
      // fail at the same step, since one may have to create a location's
      // prefix directory that an earlier write left on another.
      int failed = 0;
      for (int d = 0; d <= kM; ++d) failed += store_->DriveStatuses()[d].errors != 0 ? 1 : 0;
      EXPECT_LE(failed, kM) << "acknowledged below the quorum";
      ClearFaults();
      ExpectReads(*written, data);
      continue;
    }
    EXPECT_EQ(written.status().code(), common::Code::kUnavailable);
    for (int d = kM + 1; d < kK + kM; ++d) {
      EXPECT_EQ(ShardFilesOn(d), files_before[d]) << "healthy drive " << d;
      EXPECT_EQ(TempFilesOn(d), 0u) << "healthy drive " << d;
    }
  }
  // create, 3 appends, mkdir, directory fsync, fdatasync, mkdir -p, rename,
  // directory fsync: at least 10 steps, each of which was failed above.
  EXPECT_GE(n, 10u);
  // Whatever a failing drive kept in tmp/ is cleared by the next Open.
  ClearFaults();
  Open();
  for (int d = 0; d < kK + kM; ++d) EXPECT_EQ(TempFilesOn(d), 0u) << d;
}

TEST_F(ErasureChunkStoreFaultTest, WriteSyncsEachShardOnceAndItsDirectories) {
  const meta::ChunkInfo first = Put(Body(1000, 1));
  std::vector<uint64_t> file_syncs, dir_syncs;
  for (const auto& drive : drives_) {
    file_syncs.push_back(drive->file_syncs());
    dir_syncs.push_back(drive->dir_syncs());
  }
  const meta::ChunkInfo second = Put(Body(20'000, 2));
  // Per shard: one fdatasync; the new location directory's parent, and the
  // location directory after the rename; plus chunks/ when the prefix
  // directory is new too. Nothing more (each is a disk flush).
  const bool new_prefix = first.location.substr(0, 2) != second.location.substr(0, 2);
  for (size_t d = 0; d < drives_.size(); ++d) {
    EXPECT_EQ(drives_[d]->file_syncs() - file_syncs[d], 1u) << d;
    EXPECT_EQ(drives_[d]->dir_syncs() - dir_syncs[d], new_prefix ? 3u : 2u) << d;
  }
}

// --- Reads around failing and lying drives.

TEST_F(ErasureChunkStoreFaultTest, ReadsRebuildWhenUpToMDrivesReturnErrors) {
  const std::string data = Body(50'000);
  const meta::ChunkInfo chunk = Put(data);
  struct Case {
    std::vector<int> failing_shards;
    bool rebuilt;
  };
  for (const Case& c : {Case{{}, false}, Case{{0}, true}, Case{{5}, false}, Case{{1, 2}, true},
                        Case{{3, 4}, true}, Case{{4, 5}, false}}) {
    SCOPED_TRACE(::testing::PrintToString(c.failing_shards));
    ClearFaults();
    Open();
    for (int shard : c.failing_shards) DriveOfShard(chunk, shard).SetFailReads(true);
    ExpectReads(chunk, data);
    EXPECT_EQ(store_->reconstructions(), c.rebuilt ? 1u : 0u);
    // Every lost shard is on a drive the error took offline: nothing to heal
    // onto, so nothing is queued.
    EXPECT_EQ(degraded_, std::vector<std::string>{});
    EXPECT_EQ(store_->corruptions_found(), 0u) << "an error is not corruption";
    // A drive that errored is offline; parity drives a read did not need
    // were never asked.
    for (int shard : c.failing_shards) {
      const bool asked = shard < kK || c.rebuilt;
      EXPECT_EQ(store_->DriveStatuses()[DriveOf(chunk, shard)].online, !asked) << shard;
    }
  }
  // M + 1 drives erroring: the shards are absent, not bad.
  ClearFaults();
  Open();
  for (int shard : {0, 2, 5}) DriveOfShard(chunk, shard).SetFailReads(true);
  EXPECT_EQ(TryRead(chunk, 0, data.size()).status().code(), common::Code::kUnavailable);
}

TEST_F(ErasureChunkStoreFaultTest, ReadsRebuildWhenUpToMDrivesReturnCorruptBytes) {
  const std::string data = Body(50'000);
  const meta::ChunkInfo chunk = Put(data);
  struct Case {
    std::vector<int> corrupt_shards;
    bool rebuilt;
    uint64_t corruptions;  // the bad shards the read had to look at
  };
  for (const Case& c : {Case{{1}, true, 1}, Case{{0, 3}, true, 2}, Case{{2, 4}, true, 2},
                        Case{{0, 5}, true, 1}, Case{{4, 5}, false, 0}}) {
    SCOPED_TRACE(::testing::PrintToString(c.corrupt_shards));
    ClearFaults();
    Open();
    for (int shard : c.corrupt_shards) DriveOfShard(chunk, shard).SetCorruptReads(true);
    ExpectReads(chunk, data);
    EXPECT_EQ(store_->reconstructions(), c.rebuilt ? 1u : 0u);
    EXPECT_EQ(store_->corruptions_found(), c.corruptions);
    EXPECT_EQ(degraded_.size(), c.rebuilt ? 1u : 0u);
    for (const auto& drive : store_->DriveStatuses()) {
      EXPECT_TRUE(drive.online) << "bad bytes are not a drive failure: " << drive.path;
    }
  }
  // One erroring and one lying drive.
  ClearFaults();
  Open();
  DriveOfShard(chunk, 0).SetFailReads(true);
  DriveOfShard(chunk, 2).SetCorruptReads(true);
  ExpectReads(chunk, data);
  EXPECT_EQ(store_->corruptions_found(), 1u);
  EXPECT_EQ(degraded_.size(), 1u);
  // Beyond M: all bad is corruption; bad plus absent might still come back.
  ClearFaults();
  Open();
  for (int shard : {0, 3, 5}) DriveOfShard(chunk, shard).SetCorruptReads(true);
  EXPECT_EQ(TryRead(chunk, 0, data.size()).status().code(), common::Code::kCorruption);
  DriveOfShard(chunk, 5).SetCorruptReads(false);
  DriveOfShard(chunk, 5).SetFailReads(true);
  EXPECT_EQ(TryRead(chunk, 0, data.size()).status().code(), common::Code::kUnavailable);
}

// --- Power cuts: what an acknowledged write promises.

TEST_F(ErasureChunkStoreFaultTest, AcknowledgedWritesSurviveAPowerCut) {
  // Fresh drives: Open created chunks/, each write its prefix and location
  // directories. All of it must be durable, not just the shard files.
  std::vector<std::pair<meta::ChunkInfo, std::string>> written;
  for (int i = 0; i < 12; ++i) {
    std::string data = Body(1000 + i * 7'919, i);
    written.emplace_back(Put(data), std::move(data));
  }
  // A write below the quorum at the moment of the cut: never acknowledged.
  for (int d : {0, 1, 2}) drives_[d]->SetFailWrites(true);
  const std::string failed = Body(5'000, 99);
  ASSERT_FALSE(TryPut(failed).ok());
  ClearFaults();

  for (const auto& drive : drives_) drive->PowerCut();
  Open();  // the restart
  for (const auto& [chunk, data] : written) {
    SCOPED_TRACE(chunk.location);
    ExpectReads(chunk, data);
    auto healed = store_->Heal(chunk);
    ASSERT_TRUE(healed.ok()) << healed.status().ToString();
    EXPECT_EQ(*healed, (HealResult{kK + kM, 0, 0, 0})) << "every shard survived intact";
  }
  EXPECT_EQ(store_->reconstructions(), 0u);
  std::set<std::string> listed;
  ASSERT_TRUE(
      store_->ForEachLocation([&](const StoredLocation& s) { listed.insert(s.location); }).ok());
  EXPECT_EQ(listed.size(), written.size()) << "the failed write left nothing behind";
}

// The test above catches a store that skips a sync: with the syncs ignored
// (as if the calls were missing from the recipe) the same acknowledged write
// is gone after the cut.
class SkippedSyncTest : public ErasureChunkStoreFaultTest,
                        public ::testing::WithParamInterface<std::pair<bool, bool>> {};

INSTANTIATE_TEST_SUITE_P(Skipped, SkippedSyncTest,
                         ::testing::Values(std::pair{true, false}, std::pair{false, true}),
                         [](const ::testing::TestParamInfo<std::pair<bool, bool>>& skipped) {
                           return skipped.param.first ? "Fdatasync" : "DirectoryFsync";
                         });

TEST_P(SkippedSyncTest, PowerCutLosesTheAcknowledgedWrite) {
  const auto [file_data, directories] = GetParam();
  const std::string data = Body(30'000);
  for (const auto& drive : drives_) drive->SetIgnoreSyncs(file_data, directories);
  const meta::ChunkInfo chunk = Put(data);  // acknowledged
  ExpectReads(chunk, data);
  for (const auto& drive : drives_) drive->PowerCut();
  ClearFaults();
  Open();
  auto read = TryRead(chunk, 0, data.size());
  EXPECT_FALSE(read.ok()) << "the power-cut test would not notice a missing sync";
  EXPECT_EQ(read.status().code(), common::Code::kUnavailable) << read.status().ToString();
}

TEST_F(ErasureChunkStoreFaultTest, SyncsSkippedOnMDrivesAreSurvivable) {
  const std::string data = Body(30'000);
  drives_[0]->SetIgnoreSyncs(true, true);
  drives_[3]->SetIgnoreSyncs(true, false);
  const meta::ChunkInfo chunk = Put(data);
  for (const auto& drive : drives_) drive->PowerCut();
  ClearFaults();
  Open();
  ExpectReads(chunk, data);
  auto healed = store_->Heal(chunk);
  ASSERT_TRUE(healed.ok()) << healed.status().ToString();
  EXPECT_EQ(*healed, (HealResult{kK + kM, 2, 0, 2}));
}

// --- Drive health on Drive errors.

TEST_F(ErasureChunkStoreFaultTest, ADriveThatErrorsIsOfflineAndRetried) {
  FaultyDrive& dead = *drives_[3];
  dead.SetFailWrites(true);
  dead.SetFailReads(true);
  const meta::ChunkInfo first = Put(Body(9'000, 1));
  auto status = store_->DriveStatuses()[3];
  EXPECT_FALSE(status.online);
  EXPECT_EQ(status.path, dead.root());
  EXPECT_EQ(status.errors, 1u);
  EXPECT_NE(status.last_error.find("Input/output error"), std::string::npos) << status.last_error;

  // Offline: writes, reads, heals and scans leave it alone.
  const uint64_t ops = dead.operations();
  std::vector<std::pair<meta::ChunkInfo, std::string>> more;
  for (int i = 0; i < 5; ++i) {
    std::string data = Body(3'000, 10 + i);
    more.emplace_back(Put(data), std::move(data));
  }
  for (const auto& [chunk, data] : more) ExpectReads(chunk, data);
  ASSERT_TRUE(store_->Heal(first).ok());
  EXPECT_EQ(store_->ForEachLocation([](const StoredLocation&) {}).code(),
            common::Code::kUnavailable);
  EXPECT_EQ(dead.operations(), ops) << "an offline drive is not touched";
  EXPECT_EQ(store_->DriveStatuses()[3].errors, 1u);

  // After the retry interval it is tried again, and fails again.
  clock_.Set(clock_.NowMillis() + 10'000);
  EXPECT_TRUE(store_->DriveStatuses()[3].online);
  Put(Body(3'000, 20));
  EXPECT_GT(dead.operations(), ops);
  EXPECT_FALSE(store_->DriveStatuses()[3].online);
  EXPECT_EQ(store_->DriveStatuses()[3].errors, 2u);

  // Repaired: back after the interval, and the next write uses it.
  dead.ClearFaults();
  clock_.Set(clock_.NowMillis() + 10'000);
  degraded_.clear();
  const meta::ChunkInfo after = Put(Body(3'000, 21));
  EXPECT_TRUE(degraded_.empty()) << "a complete write";
  EXPECT_TRUE(fs::exists(ShardFile(after, 0)));
  for (int shard = 0; shard < kK + kM; ++shard) EXPECT_TRUE(fs::exists(ShardFile(after, shard)));
  EXPECT_TRUE(store_->DriveStatuses()[3].online);
  EXPECT_EQ(store_->DriveStatuses()[3].errors, 2u);
}

// --- Heal onto a replaced drive.

TEST_F(ErasureChunkStoreFaultTest, HealRepairsADriveThatCameBackEmpty) {
  std::vector<std::pair<meta::ChunkInfo, std::string>> chunks;
  std::vector<std::map<int, std::string>> originals;
  for (int i = 0; i < 6; ++i) {
    std::string data = Body(8'000 + i * 1'000, 30 + i);
    chunks.emplace_back(Put(data), std::move(data));
    originals.push_back(ShardContents(chunks.back().first));
  }
  // Drive 2 dies: reads go on from parity.
  FaultyDrive& lost = *drives_[2];
  lost.SetFailReads(true);
  lost.SetFailWrites(true);
  for (const auto& [chunk, data] : chunks) ExpectReads(chunk, data);
  EXPECT_FALSE(store_->DriveStatuses()[2].online);

  // It is replaced by an empty disk, and comes back after the interval.
  fs::remove_all(lost.root());
  fs::create_directories(lost.root());
  lost.ClearFaults();
  clock_.Set(clock_.NowMillis() + 10'000);
  for (size_t i = 0; i < chunks.size(); ++i) {
    const meta::ChunkInfo& chunk = chunks[i].first;
    auto healed = store_->Heal(chunk);
    ASSERT_TRUE(healed.ok()) << healed.status().ToString();
    EXPECT_EQ(*healed, (HealResult{kK + kM, 1, 0, 1})) << "one shard per chunk was on drive 2";
    EXPECT_TRUE(ShardContents(chunk) == originals[i]) << "rebuilt byte for byte";
  }
  EXPECT_TRUE(store_->DriveStatuses()[2].online);

  // The healed shards carry reads with M other drives gone, and survive a
  // power cut.
  for (const auto& drive : drives_) drive->PowerCut();
  Open();
  drives_[0]->SetFailReads(true);
  drives_[4]->SetFailReads(true);
  for (const auto& [chunk, data] : chunks) ExpectReads(chunk, data);
}

}  // namespace
}  // namespace strata::storage
