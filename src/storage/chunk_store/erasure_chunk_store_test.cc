#include "storage/chunk_store/erasure_chunk_store.h"

#include <gtest/gtest.h>

#include <bit>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/hash.h"
#include "common/random.h"
#include "storage/chunk_store/layout.h"
#include "storage/chunker/chunker.h"

namespace strata::storage {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kBlock = 4096;  // small blocks, so chunks span several

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

size_t CountFiles(const fs::path& root) {
  size_t n = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    n += it->is_regular_file();
  }
  return n;
}

// Overwrites one byte at offset with its complement.
void FlipByte(const fs::path& path, uint64_t offset) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(file) << path;
  file.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  file.read(&c, 1);
  c = static_cast<char>(~c);
  file.seekp(static_cast<std::streamoff>(offset));
  file.write(&c, 1);
}

// Every subset of {0, .., n - 1} with at most max_size elements.
std::vector<std::vector<int>> SubsetsUpTo(int n, int max_size) {
  std::vector<std::vector<int>> out;
  for (uint32_t mask = 0; mask < (1u << n); ++mask) {
    if (std::popcount(mask) > max_size) continue;
    std::vector<int> subset;
    for (int i = 0; i < n; ++i) {
      if (mask & (1u << i)) subset.push_back(i);
    }
    out.push_back(std::move(subset));
  }
  return out;
}

class ErasureChunkStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("strata-cs-" + common::RandomHexId(random_, 8));
    SetDrives(6);
    Open();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(root_);
  }

  void SetDrives(int n) {
    drives_.clear();
    for (int i = 0; i < n; ++i) drives_.push_back(root_ / ("drive" + std::to_string(i)));
  }

  // Uses block_size_ unless options name another block size.
  void Open(ErasureChunkStoreOptions options = {}) {
    if (options.block_size == kDefaultShardBlockSize) options.block_size = block_size_;
    store_.reset();
    auto store = ErasureChunkStore::Open(drives_, random_, clock_, options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  common::Result<meta::ChunkInfo> TryPut(const std::string& data) {
    return store_->Write(common::Sha256Hex(data), data);
  }

  meta::ChunkInfo Put(const std::string& data) {
    auto chunk = TryPut(data);
    EXPECT_TRUE(chunk.ok()) << chunk.status().ToString();
    if (!chunk.ok()) return {};
    EXPECT_EQ(chunk->hash, common::Sha256Hex(data));
    EXPECT_TRUE(IsValidChunkLocation(chunk->location)) << chunk->location;
    EXPECT_EQ(chunk->size, data.size());
    return *chunk;
  }

  common::Result<std::string> TryRead(const meta::ChunkInfo& chunk, uint64_t offset,
                                      uint64_t length) {
    std::string out(length, '\0');
    STRATA_RETURN_IF_ERROR(store_->ReadRange(
        chunk, offset, std::span(reinterpret_cast<uint8_t*>(out.data()), out.size())));
    return out;
  }

  std::string Read(const meta::ChunkInfo& chunk, uint64_t offset, uint64_t length) {
    auto data = TryRead(chunk, offset, length);
    EXPECT_TRUE(data.ok()) << data.status().ToString();
    return data.ok() ? *data : "<failed>";
  }

  // A full read plus ranges on block and shard edges.
  void ExpectReadsMatch(const meta::ChunkInfo& chunk, const std::string& data) {
    ASSERT_EQ(Read(chunk, 0, data.size()), data);
    const uint64_t shard = (data.size() + chunk.data_shards - 1) / chunk.data_shards;
    const uint64_t ranges[][2] = {{0, 1},          {kBlock - 1, 2},   {shard - 1, 2},
                                  {shard, 1},      {shard - 5, 5000}, {data.size() - 1, 1},
                                  {data.size(), 0}};
    for (auto [offset, length] : ranges) {
      if (offset + length > data.size()) continue;
      ASSERT_EQ(Read(chunk, offset, length), data.substr(offset, length))
          << offset << "+" << length;
    }
  }

  size_t DriveOf(const meta::ChunkInfo& chunk, int shard) const {
    return ChunkShardDrive(*ChunkPlacementHash(chunk.hash), shard, drives_.size());
  }
  fs::path ShardFile(const meta::ChunkInfo& chunk, int shard) const {
    return ChunkShardPath(drives_[DriveOf(chunk, shard)], chunk.location, shard);
  }
  std::map<int, std::string> ShardContents(const meta::ChunkInfo& chunk) const {
    std::map<int, std::string> out;
    for (int i = 0; i < chunk.data_shards + chunk.parity_shards; ++i) {
      out[i] = ReadFile(ShardFile(chunk, i));
    }
    return out;
  }

  // Replaces a drive folder by a regular file, so every create under it fails.
  void BreakDrive(size_t drive) {
    fs::remove_all(drives_[drive]);
    std::ofstream(drives_[drive]) << "not a directory";
  }

  uint32_t block_size_ = kBlock;
  common::SecureRandom random_;
  common::FixedClock clock_{1'700'000'000'000};
  fs::path root_;
  std::vector<fs::path> drives_;
  std::unique_ptr<ErasureChunkStore> store_;
};

struct Shape {
  int k;
  int m;
  int drives;
};

class ErasureChunkStoreShapeTest : public ErasureChunkStoreTest,
                                   public ::testing::WithParamInterface<Shape> {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("strata-cs-" + common::RandomHexId(random_, 8));
    SetDrives(GetParam().drives);
    Open({.data_shards = GetParam().k, .parity_shards = GetParam().m});
  }
  int total() const { return GetParam().k + GetParam().m; }
};

INSTANTIATE_TEST_SUITE_P(Shapes, ErasureChunkStoreShapeTest,
                         ::testing::Values(Shape{4, 2, 6}, Shape{2, 1, 3}, Shape{8, 4, 12},
                                           Shape{1, 0, 1}, Shape{3, 3, 6}, Shape{4, 2, 3}),
                         [](const ::testing::TestParamInfo<Shape>& shape) {
                           return std::to_string(shape.param.k) + "plus" +
                                  std::to_string(shape.param.m) + "on" +
                                  std::to_string(shape.param.drives);
                         });

TEST_P(ErasureChunkStoreShapeTest, RoundTripsEverySize) {
  for (size_t size : {size_t{1}, size_t{63}, size_t{64}, size_t{65}, size_t{kBlock},
                      size_t{kBlock} * 3 + 17, size_t{100'000}, size_t{1} << 20}) {
    SCOPED_TRACE(size);
    const std::string data = Body(size, static_cast<uint32_t>(size));
    const meta::ChunkInfo chunk = Put(data);
    EXPECT_EQ(chunk.data_shards, GetParam().k);
    EXPECT_EQ(chunk.parity_shards, GetParam().m);
    ExpectReadsMatch(chunk, data);
  }
  EXPECT_EQ(store_->reconstructions(), 0u);
  EXPECT_EQ(store_->corruptions_found(), 0u);
}

TEST_P(ErasureChunkStoreShapeTest, EveryPatternOfUpToMLostShardsStillReads) {
  const std::string data = Body(50'000);
  const meta::ChunkInfo chunk = Put(data);
  const fs::path aside = root_ / "aside";
  fs::create_directories(aside);
  for (const auto& lost : SubsetsUpTo(total(), GetParam().m)) {
    std::string name;
    for (int shard : lost) name += std::to_string(shard) + " ";
    SCOPED_TRACE("lost shards " + name);
    for (int shard : lost) fs::rename(ShardFile(chunk, shard), aside / std::to_string(shard));
    ASSERT_EQ(Read(chunk, 0, data.size()), data);
    ASSERT_EQ(Read(chunk, 20'000, 7'000), data.substr(20'000, 7'000));
    for (int shard : lost) fs::rename(aside / std::to_string(shard), ShardFile(chunk, shard));
  }
  EXPECT_EQ(store_->corruptions_found(), 0u);
  // Drives stay online: a missing shard file is not a drive failure.
  for (const auto& drive : store_->DriveStatuses()) EXPECT_TRUE(drive.online) << drive.path;
}

TEST_P(ErasureChunkStoreShapeTest, MoreThanMLostShardsIsUnavailable) {
  const std::string data = Body(30'000);
  const meta::ChunkInfo chunk = Put(data);
  for (int shard = 0; shard <= GetParam().m; ++shard) fs::remove(ShardFile(chunk, shard));
  auto read = TryRead(chunk, 0, data.size());
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), common::Code::kUnavailable) << read.status().ToString();
  auto heal = store_->Heal(chunk);
  EXPECT_EQ(heal.status().code(), common::Code::kUnavailable);
}

TEST_P(ErasureChunkStoreShapeTest, HealRestoresShardsByteForByte) {
  const std::string data = Body(70'000);
  const meta::ChunkInfo chunk = Put(data);
  const auto original = ShardContents(chunk);
  // Up to M bad shards: the first half deleted, the others corrupted.
  const int bad = GetParam().m;
  for (int i = 0; i < bad; ++i) {
    const int shard = (i * 5 + 1) % total();
    if (i % 2 == 0) {
      fs::remove(ShardFile(chunk, shard));
    } else {
      FlipByte(ShardFile(chunk, shard), kShardHeaderSize + 10);
    }
  }
  auto healed = store_->Heal(chunk);
  ASSERT_TRUE(healed.ok()) << healed.status().ToString();
  EXPECT_EQ(healed->shards_checked, total());
  EXPECT_EQ(healed->shards_missing, (bad + 1) / 2);
  EXPECT_EQ(healed->shards_corrupt, bad / 2);
  EXPECT_EQ(healed->shards_rebuilt, bad);
  EXPECT_EQ(ShardContents(chunk), original);
  auto again = store_->Heal(chunk);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, (HealResult{total(), 0, 0, 0}));
}

TEST_F(ErasureChunkStoreTest, FourMiBChunkWithDefaultBlocks) {
  block_size_ = kDefaultShardBlockSize;
  Open();
  const std::string data = Body(kMaxChunkSize, 7);
  const meta::ChunkInfo chunk = Put(data);
  ASSERT_EQ(Read(chunk, 0, data.size()), data);
  EXPECT_EQ(Read(chunk, (1 << 20) - 3, 100), data.substr((1 << 20) - 3, 100));
  // K = 4: 1 MiB payload in 16 blocks of 64 KiB.
  EXPECT_EQ(fs::file_size(ShardFile(chunk, 0)), 80u + (1u << 20) + 16 * 8);
}

TEST_F(ErasureChunkStoreTest, RangeReadsAtBlockAndShardBoundaries) {
  // K = 4: shard size 25 024 (100 000 / 4 rounded up to 64), 7 blocks.
  const std::string data = Body(100'000, 3);
  const meta::ChunkInfo chunk = Put(data);
  const uint64_t shard = 25'024;
  std::vector<uint64_t> edges = {0, data.size()};
  for (uint64_t s = 0; s < 4; ++s) {
    for (uint64_t b = 0; b <= shard / kBlock; ++b) edges.push_back(s * shard + b * kBlock);
    edges.push_back((s + 1) * shard);
  }
  auto check_all = [&] {
    for (uint64_t edge : edges) {
      for (int64_t delta : {-2, -1, 0, 1}) {
        const int64_t offset = static_cast<int64_t>(edge) + delta;
        if (offset < 0 || offset > static_cast<int64_t>(data.size())) continue;
        for (uint64_t length : {uint64_t{0}, uint64_t{1}, uint64_t{2}, uint64_t{kBlock},
                                uint64_t{kBlock} + 1, shard, shard + 3}) {
          if (static_cast<uint64_t>(offset) + length > data.size()) continue;
          ASSERT_EQ(Read(chunk, offset, length), data.substr(offset, length))
              << offset << "+" << length;
        }
      }
    }
  };
  check_all();
  EXPECT_EQ(store_->reconstructions(), 0u);
  // The same ranges through the rebuild path.
  fs::remove(ShardFile(chunk, 2));
  check_all();
  const uint64_t one_lost = store_->reconstructions();
  EXPECT_GT(one_lost, 0u);
  // A range that stays off the lost shard is read directly.
  ASSERT_EQ(Read(chunk, 10, 2 * shard - 20), data.substr(10, 2 * shard - 20));
  ASSERT_EQ(Read(chunk, 3 * shard + 5, 100), data.substr(3 * shard + 5, 100));
  EXPECT_EQ(store_->reconstructions(), one_lost);
  // Two data shards lost: each range decodes its slice from the two left
  // and both parity shards.
  fs::remove(ShardFile(chunk, 0));
  check_all();
  EXPECT_GT(store_->reconstructions(), one_lost);
}

TEST_F(ErasureChunkStoreTest, RejectsBadArguments) {
  const std::string data = Body(1000);
  const std::string hash = common::Sha256Hex(data);
  for (const std::string& bad_hash :
       {std::string(""), hash.substr(1), hash + "0", common::Sha256(data), std::string(64, 'A'),
        "g" + hash.substr(1)}) {
    EXPECT_EQ(store_->Write(bad_hash, data).status().code(), common::Code::kInvalidArgument)
        << bad_hash;
  }
  EXPECT_EQ(store_->Write(common::Sha256Hex(""), "").status().code(),
            common::Code::kInvalidArgument);
  const std::string huge(kMaxChunkSize + 1, 'x');
  EXPECT_EQ(store_->Write(common::Sha256Hex(huge), huge).status().code(),
            common::Code::kInvalidArgument);
  EXPECT_EQ(CountFiles(root_), 0u);

  const meta::ChunkInfo chunk = Put(data);
  std::vector<uint8_t> out(10);
  EXPECT_EQ(store_->ReadRange(chunk, 991, out).code(), common::Code::kInvalidArgument);
  EXPECT_EQ(store_->ReadRange(chunk, 5000, std::span<uint8_t>()).code(),
            common::Code::kInvalidArgument);
  EXPECT_TRUE(store_->ReadRange(chunk, 990, out).ok());
  EXPECT_TRUE(store_->ReadRange(chunk, 1000, std::span<uint8_t>()).ok());
  std::vector<meta::ChunkInfo> malformed(7, chunk);
  malformed[0].hash = "zz";
  malformed[1].location = "../../etc";
  malformed[2].location = chunk.location.substr(0, 31) + "G";
  malformed[3].data_shards = 0;
  malformed[4].size = 0;
  malformed[5].size = kMaxChunkSize + 1;
  malformed[6].parity_shards = 255;
  for (const auto& bad : malformed) {
    EXPECT_EQ(store_->ReadRange(bad, 0, out).code(), common::Code::kInvalidArgument)
        << bad.hash << " " << bad.location;
    EXPECT_EQ(store_->Heal(bad).status().code(), common::Code::kInvalidArgument);
  }
  EXPECT_EQ(store_->Delete("../..").code(), common::Code::kInvalidArgument);
  EXPECT_EQ(store_->Delete("").code(), common::Code::kInvalidArgument);
  EXPECT_EQ(store_->Delete(std::string(32, 'A')).code(), common::Code::kInvalidArgument);
  EXPECT_EQ(Read(chunk, 0, data.size()), data);
}

TEST_F(ErasureChunkStoreTest, CorruptShardsAreRebuiltCountedAndReported) {
  std::vector<meta::ChunkInfo> degraded;
  store_->SetDegradedReadCallback([&](const meta::ChunkInfo& chunk) { degraded.push_back(chunk); });
  const std::string data = Body(40'000);
  const meta::ChunkInfo chunk = Put(data);
  // A data shard (so the fast path notices) and a parity shard; the block
  // checksum catches a payload byte, the header checksum a header byte.
  FlipByte(ShardFile(chunk, 1), kShardHeaderSize + 5);
  FlipByte(ShardFile(chunk, 4), 30);
  EXPECT_EQ(Read(chunk, 0, data.size()), data);
  EXPECT_EQ(store_->reconstructions(), 1u);
  EXPECT_EQ(store_->corruptions_found(), 2u);
  ASSERT_EQ(degraded.size(), 1u);
  EXPECT_EQ(degraded[0], chunk);

  // A range that only touches intact data shards needs no rebuild.
  EXPECT_EQ(Read(chunk, 0, 100), data.substr(0, 100));
  EXPECT_EQ(degraded.size(), 1u);
  // Corruption is not a drive failure.
  for (const auto& drive : store_->DriveStatuses()) EXPECT_TRUE(drive.online) << drive.path;
}

TEST_F(ErasureChunkStoreTest, ShardOfAnotherChunkIsCorrupt) {
  const std::string a = Body(10'000, 1);
  const std::string b = Body(10'000, 2);
  const meta::ChunkInfo chunk_a = Put(a);
  const meta::ChunkInfo chunk_b = Put(b);
  // A valid shard file with the right index, but of another chunk.
  fs::copy_file(ShardFile(chunk_b, 0), ShardFile(chunk_a, 0), fs::copy_options::overwrite_existing);
  EXPECT_EQ(Read(chunk_a, 0, a.size()), a);
  EXPECT_EQ(store_->corruptions_found(), 1u);
}

TEST_F(ErasureChunkStoreTest, CorruptionBeyondParityIsAnError) {
  const std::string data = Body(20'000);
  const meta::ChunkInfo chunk = Put(data);
  for (int shard : {0, 3, 5}) FlipByte(ShardFile(chunk, shard), kShardHeaderSize + 1);
  auto read = TryRead(chunk, 0, data.size());
  EXPECT_EQ(read.status().code(), common::Code::kCorruption) << read.status().ToString();
  EXPECT_EQ(store_->corruptions_found(), 3u);
  auto heal = store_->Heal(chunk);
  EXPECT_EQ(heal.status().code(), common::Code::kCorruption);
  // Two corrupt and one missing: the missing one might come back.
  fs::remove(ShardFile(chunk, 5));
  EXPECT_EQ(TryRead(chunk, 0, 10).status().code(), common::Code::kUnavailable);
}

TEST_F(ErasureChunkStoreTest, HealBelowKWritesNothing) {
  const std::string data = Body(20'000);
  const meta::ChunkInfo chunk = Put(data);
  for (int shard : {0, 1, 2}) fs::remove(ShardFile(chunk, shard));
  EXPECT_EQ(store_->Heal(chunk).status().code(), common::Code::kUnavailable);
  EXPECT_EQ(CountFiles(root_), 3u);
}

TEST_F(ErasureChunkStoreTest, HealRecreatesADeletedDriveFolder) {
  const std::string data = Body(30'000);
  const meta::ChunkInfo chunk = Put(data);
  const auto original = ShardContents(chunk);
  const size_t lost = DriveOf(chunk, 2);
  fs::remove_all(drives_[lost]);
  EXPECT_EQ(Read(chunk, 0, data.size()), data);
  auto healed = store_->Heal(chunk);
  ASSERT_TRUE(healed.ok()) << healed.status().ToString();
  EXPECT_EQ(*healed, (HealResult{6, 1, 0, 1}));
  EXPECT_EQ(ShardContents(chunk), original);
  EXPECT_TRUE(fs::is_directory(drives_[lost] / "tmp"));
  for (const auto& drive : store_->DriveStatuses()) EXPECT_TRUE(drive.online) << drive.path;
}

TEST_F(ErasureChunkStoreTest, WritesRecreateDeletedOrEmptiedDriveFolders) {
  fs::remove_all(drives_[1]);
  fs::remove_all(drives_[4]);
  fs::create_directories(drives_[4]);  // a fresh, empty replacement disk
  for (int i = 0; i < 10; ++i) {
    const std::string data = Body(5'000, i);
    const meta::ChunkInfo chunk = Put(data);
    for (int shard = 0; shard < 6; ++shard) EXPECT_TRUE(fs::exists(ShardFile(chunk, shard)));
    EXPECT_EQ(Read(chunk, 0, data.size()), data);
  }
  for (const auto& drive : store_->DriveStatuses()) {
    EXPECT_TRUE(drive.online) << drive.path;
    EXPECT_EQ(drive.errors, 0u) << drive.path;
  }
}

TEST_F(ErasureChunkStoreTest, BrokenDriveGoesOfflineAndWritesKeepQuorum) {
  EXPECT_EQ(store_->write_quorum(), 4);
  std::vector<std::string> short_writes;
  store_->SetDegradedReadCallback(
      [&](const meta::ChunkInfo& c) { short_writes.push_back(c.location); });
  BreakDrive(3);
  const std::string data = Body(9'000);
  const meta::ChunkInfo chunk = Put(data);
  ASSERT_FALSE(chunk.location.empty());
  EXPECT_EQ(short_writes, std::vector<std::string>{chunk.location})
      << "a write short of a shard is reported for healing";
  EXPECT_EQ(CountFiles(root_), 5u + 1);  // five shards and the file in place of drive3
  auto statuses = store_->DriveStatuses();
  ASSERT_EQ(statuses.size(), 6u);
  EXPECT_EQ(statuses[3].path, drives_[3]);
  EXPECT_FALSE(statuses[3].online);
  EXPECT_EQ(statuses[3].errors, 1u);
  for (int d : {0, 1, 2, 4, 5}) EXPECT_TRUE(statuses[d].online) << d;
  EXPECT_EQ(Read(chunk, 0, data.size()), data);

  // Offline: later writes and reads skip it without touching it.
  for (int i = 0; i < 5; ++i) Put(Body(3'000, i));
  EXPECT_EQ(store_->DriveStatuses()[3].errors, 1u);

  // After the retry interval it is tried again (and fails again).
  clock_.Set(clock_.NowMillis() + 10'000);
  EXPECT_TRUE(store_->DriveStatuses()[3].online);
  for (int i = 0; i < 5; ++i) Put(Body(3'000, 100 + i));
  EXPECT_FALSE(store_->DriveStatuses()[3].online);
  EXPECT_EQ(store_->DriveStatuses()[3].errors, 2u);

  // Repaired: the next write after the interval uses it, and Heal fills in
  // the shard it missed.
  fs::remove(drives_[3]);
  clock_.Set(clock_.NowMillis() + 10'000);
  short_writes.clear();
  const meta::ChunkInfo after = Put(Body(3'000, 999));
  EXPECT_TRUE(short_writes.empty()) << "a complete write is not reported";
  for (int shard = 0; shard < 6; ++shard) EXPECT_TRUE(fs::exists(ShardFile(after, shard)));
  auto healed = store_->Heal(chunk);
  ASSERT_TRUE(healed.ok()) << healed.status().ToString();
  EXPECT_EQ(healed->shards_rebuilt, 1);
  EXPECT_TRUE(store_->DriveStatuses()[3].online);
}

TEST_F(ErasureChunkStoreTest, ReadsTreatABrokenDriveAsMissing) {
  std::vector<meta::ChunkInfo> degraded;
  store_->SetDegradedReadCallback([&](const meta::ChunkInfo& chunk) { degraded.push_back(chunk); });
  const std::string data = Body(9'000);
  const meta::ChunkInfo chunk = Put(data);
  const size_t broken = DriveOf(chunk, 0);
  BreakDrive(broken);
  EXPECT_EQ(Read(chunk, 0, data.size()), data);
  EXPECT_EQ(store_->reconstructions(), 1u);
  // Not reported for healing: the only lost shard is on an offline drive, so
  // a heal could only read and rebuild in vain (every read would queue it).
  EXPECT_TRUE(degraded.empty());
  EXPECT_FALSE(store_->DriveStatuses()[broken].online);
  EXPECT_EQ(store_->corruptions_found(), 0u);
  // Heal cannot write there while it is offline: the shard stays missing.
  auto healed = store_->Heal(chunk);
  ASSERT_TRUE(healed.ok()) << healed.status().ToString();
  EXPECT_EQ(*healed, (HealResult{6, 1, 0, 0}));
  // A shard file lost on a drive in service is reported: it can be written.
  fs::remove(ShardFile(chunk, 1));
  EXPECT_EQ(Read(chunk, 0, data.size()), data);
  ASSERT_EQ(degraded.size(), 1u);
  EXPECT_EQ(degraded[0], chunk);
}

TEST_F(ErasureChunkStoreTest, StrayFileInPlaceOfALocationIsNotADriveFailure) {
  const std::string data = Body(9'000);
  const meta::ChunkInfo chunk = Put(data);
  const size_t drive = DriveOf(chunk, 1);
  const fs::path dir = ChunkLocationDir(drives_[drive], chunk.location);
  fs::remove_all(dir);
  std::ofstream(dir) << "stray";  // opening <dir>/1 fails with ENOTDIR
  EXPECT_EQ(Read(chunk, 0, data.size()), data);
  EXPECT_TRUE(store_->DriveStatuses()[drive].online);
  EXPECT_EQ(store_->DriveStatuses()[drive].errors, 0u);
  EXPECT_EQ(store_->reconstructions(), 1u);
}

TEST_F(ErasureChunkStoreTest, WriteBelowQuorumFailsAndLeavesNothing) {
  for (int d : {1, 3, 4}) BreakDrive(d);
  const std::string data = Body(20'000);
  auto written = TryPut(data);
  EXPECT_EQ(written.status().code(), common::Code::kUnavailable) << written.status().ToString();
  EXPECT_EQ(CountFiles(root_), 3u);  // only the three files in place of drives
  for (int d : {0, 2, 5}) {
    EXPECT_TRUE(fs::is_empty(drives_[d] / "tmp")) << d;
    for (const auto& entry : fs::recursive_directory_iterator(drives_[d] / "chunks")) {
      EXPECT_NE(entry.path().parent_path().parent_path().filename(), "chunks")
          << "only empty prefix folders may stay: " << entry.path();
    }
  }
  bool visited = false;
  (void)store_->ForEachLocation([&](const StoredLocation&) { visited = true; });
  EXPECT_FALSE(visited);
}

TEST_F(ErasureChunkStoreTest, StricterQuorumFailsWithOneBadDrive) {
  Open({.write_quorum = 6});
  BreakDrive(2);
  EXPECT_EQ(TryPut(Body(100)).status().code(), common::Code::kUnavailable);
  EXPECT_EQ(CountFiles(root_), 1u);
}

TEST_F(ErasureChunkStoreTest, PlacementSpreadsShardsOverTheDrives) {
  std::vector<std::set<int>> shards_on_drive(drives_.size());
  // Seeded bodies: the hashes, so the placements, are the same every run.
  for (int i = 0; i < 30; ++i) {
    const meta::ChunkInfo chunk = Put(Body(500, i));
    std::set<size_t> used;
    for (int shard = 0; shard < 6; ++shard) {
      const size_t drive = DriveOf(chunk, shard);
      ASSERT_TRUE(fs::exists(ChunkShardPath(drives_[drive], chunk.location, shard)))
          << "shard " << shard << " is not where the placement rule puts it";
      used.insert(drive);
      shards_on_drive[drive].insert(shard);
    }
    EXPECT_EQ(used.size(), 6u) << "shards of one chunk share a drive";
  }
  // Over many chunks every drive holds data and parity shards.
  for (size_t d = 0; d < drives_.size(); ++d) {
    EXPECT_TRUE(shards_on_drive[d].count(0) || shards_on_drive[d].count(1)) << d;
    EXPECT_TRUE(shards_on_drive[d].count(4) || shards_on_drive[d].count(5)) << d;
  }
}

TEST_F(ErasureChunkStoreTest, PlacementFollowsContentNotLocation) {
  const std::string data = Body(700);
  const meta::ChunkInfo first = Put(data);
  const meta::ChunkInfo second = Put(data);
  EXPECT_NE(first.location, second.location);
  for (int shard = 0; shard < 6; ++shard) {
    EXPECT_TRUE(fs::exists(ChunkShardPath(drives_[DriveOf(first, shard)], second.location, shard)));
  }
}

TEST_F(ErasureChunkStoreTest, SameContentTwiceGetsTwoLocations) {
  const std::string data = Body(1234);
  const meta::ChunkInfo first = Put(data);
  const meta::ChunkInfo second = Put(data);
  EXPECT_EQ(first.hash, second.hash);
  EXPECT_NE(first.location, second.location);
  ASSERT_TRUE(store_->Delete(first.location).ok());
  EXPECT_EQ(Read(second, 0, data.size()), data);
  EXPECT_FALSE(TryRead(first, 0, data.size()).ok());
}

TEST_F(ErasureChunkStoreTest, ForEachLocationListsAndDeleteRemoves) {
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  std::set<std::string> written;
  for (int i = 0; i < 40; ++i) written.insert(Put(Body(300, i)).location);
  // A location with files on only some drives is still listed once.
  const meta::ChunkInfo partial = Put(Body(300, 1000));
  for (int shard = 0; shard < 5; ++shard) fs::remove(ShardFile(partial, shard));
  written.insert(partial.location);
  // Junk that is not a location is ignored.
  fs::create_directories(drives_[0] / "chunks" / "zz" / "nonsense");
  fs::create_directories(drives_[0] / "chunks" / "ab" / "not-a-location");

  std::multiset<std::string> seen;
  ASSERT_TRUE(store_
                  ->ForEachLocation([&](const StoredLocation& stored) {
                    seen.insert(stored.location);
                    EXPECT_GE(stored.modified_ms, now_ms - 5'000) << stored.location;
                    EXPECT_LE(stored.modified_ms, now_ms + 60'000) << stored.location;
                  })
                  .ok());
  EXPECT_EQ(seen, std::multiset<std::string>(written.begin(), written.end()));

  for (const auto& location : written) ASSERT_TRUE(store_->Delete(location).ok());
  ASSERT_TRUE(store_->Delete(*written.begin()).ok()) << "already gone is fine";
  seen.clear();
  ASSERT_TRUE(
      store_->ForEachLocation([&](const StoredLocation& s) { seen.insert(s.location); }).ok());
  EXPECT_TRUE(seen.empty());
  EXPECT_EQ(CountFiles(root_), 0u);
}

TEST_F(ErasureChunkStoreTest, ForEachLocationReportsAnUnlistableDrive) {
  const meta::ChunkInfo chunk = Put(Body(300));
  BreakDrive(DriveOf(chunk, 0));
  std::set<std::string> seen;
  const common::Status status =
      store_->ForEachLocation([&](const StoredLocation& s) { seen.insert(s.location); });
  EXPECT_EQ(status.code(), common::Code::kUnavailable);
  EXPECT_EQ(seen, std::set<std::string>{chunk.location});  // from the other drives
  // A drive folder that is merely gone lists as empty.
  fs::remove(drives_[DriveOf(chunk, 0)]);
  clock_.Set(clock_.NowMillis() + 10'000);
  seen.clear();
  EXPECT_TRUE(
      store_->ForEachLocation([&](const StoredLocation& s) { seen.insert(s.location); }).ok());
  EXPECT_EQ(seen, std::set<std::string>{chunk.location});
}

TEST_F(ErasureChunkStoreTest, OpenValidatesOptions) {
  const ErasureChunkStoreOptions bad[] = {
      {.data_shards = 0},    {.data_shards = 200, .parity_shards = 56},
      {.write_quorum = 3},   {.write_quorum = 7},
      {.block_size = 0},     {.block_size = kMaxShardBlockSize + 1},
      {.drive_retry_ms = 0},
  };
  for (const auto& options : bad) {
    EXPECT_EQ(ErasureChunkStore::Open(drives_, random_, options).status().code(),
              common::Code::kInvalidArgument);
  }
  EXPECT_EQ(ErasureChunkStore::Open({}, random_).status().code(), common::Code::kInvalidArgument);
  EXPECT_EQ(
      ErasureChunkStore::Open({drives_[0], drives_[1], drives_[0] / "."}, random_).status().code(),
      common::Code::kInvalidArgument);
  // Without a clock the store runs on the system clock.
  auto system_clock_store = ErasureChunkStore::Open(drives_, random_);
  ASSERT_TRUE(system_clock_store.ok()) << system_clock_store.status().ToString();
  const std::string body = Body(100);
  EXPECT_TRUE((*system_clock_store)->Write(common::Sha256Hex(body), body).ok());
  // Default quorum: K, or K + 1 when K == M.
  Open({.data_shards = 3, .parity_shards = 3});
  EXPECT_EQ(store_->write_quorum(), 4);
  Open({.data_shards = 2, .parity_shards = 1});
  EXPECT_EQ(store_->write_quorum(), 2);
}

TEST_F(ErasureChunkStoreTest, OpenClearsTemporaryFilesAndToleratesABrokenDrive) {
  std::ofstream(drives_[0] / "tmp" / "leftover.0") << "half a shard";
  BreakDrive(5);
  Open();
  EXPECT_TRUE(fs::is_empty(drives_[0] / "tmp"));
  for (const auto& drive : drives_) {
    if (drive != drives_[5]) {
      EXPECT_TRUE(fs::is_directory(drive / "chunks")) << drive;
    }
  }
  const auto statuses = store_->DriveStatuses();
  EXPECT_FALSE(statuses[5].online);
  EXPECT_EQ(statuses[5].errors, 1u);
  const std::string data = Body(2'000);
  EXPECT_EQ(Read(Put(data), 0, data.size()), data);
}

TEST_F(ErasureChunkStoreTest, ReadsChunksWrittenWithOtherOptions) {
  Open({.data_shards = 2, .parity_shards = 1});
  const std::string data = Body(33'333);
  const meta::ChunkInfo chunk = Put(data);
  Open({.data_shards = 4, .parity_shards = 2, .block_size = 512});
  EXPECT_EQ(Read(chunk, 0, data.size()), data);
  fs::remove(ShardFile(chunk, 0));
  EXPECT_EQ(Read(chunk, 100, 20'000), data.substr(100, 20'000));
  auto healed = store_->Heal(chunk);
  ASSERT_TRUE(healed.ok()) << healed.status().ToString();
  EXPECT_EQ(*healed, (HealResult{3, 1, 0, 1}));
}

TEST_F(ErasureChunkStoreTest, ConcurrentHealsOfOneChunkDoNotCollide) {
  const std::string data = Body(50'000);
  const meta::ChunkInfo chunk = Put(data);
  const auto original = ShardContents(chunk);
  for (int round = 0; round < 5; ++round) {
    fs::remove(ShardFile(chunk, round % 6));
    std::vector<common::Result<HealResult>> results(4, common::Error(common::Code::kInternal, ""));
    std::vector<std::thread> threads;
    for (size_t t = 0; t < results.size(); ++t) {
      threads.emplace_back([&, t] { results[t] = store_->Heal(chunk); });
    }
    for (auto& thread : threads) thread.join();
    int rebuilt = 0;
    for (const auto& result : results) {
      ASSERT_TRUE(result.ok()) << result.status().ToString();
      rebuilt += result->shards_rebuilt;
    }
    EXPECT_EQ(rebuilt, 1);
    EXPECT_EQ(ShardContents(chunk), original);
  }
  for (const auto& drive : store_->DriveStatuses()) EXPECT_EQ(drive.errors, 0u) << drive.path;
}

TEST_F(ErasureChunkStoreTest, ConcurrentWritesReadsAndHeals) {
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 8; ++i) {
        const std::string data = Body(20'000 + i * 100, t * 100 + i);
        auto chunk = TryPut(data);
        if (!chunk.ok()) {
          ++failures[t];
          continue;
        }
        if (i % 2 == 0) fs::remove(ShardFile(*chunk, i % 6));
        auto read = TryRead(*chunk, 0, data.size());
        if (!read.ok() || *read != data) ++failures[t];
        auto healed = store_->Heal(*chunk);
        if (!healed.ok() || healed->shards_rebuilt != (i % 2 == 0 ? 1 : 0)) ++failures[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << t;
  // Losing shard 0 or 2 (i = 0, 2, 6) needs a rebuild; parity 4 (i = 4) not.
  EXPECT_EQ(store_->reconstructions(), kThreads * 3u);
}

}  // namespace
}  // namespace strata::storage
