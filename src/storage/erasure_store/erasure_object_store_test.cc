#include "storage/erasure_store/erasure_object_store.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <utility>

#include "common/random.h"
#include "common/testing/byte_sources.h"
#include "storage/erasure_store/layout.h"
#include "storage/erasure_store/manifest.h"

namespace strata::storage {
namespace {

namespace fs = std::filesystem;

constexpr size_t kChunk = 64 << 10;  // shard size 16 KiB with K = 4
constexpr int kDrives = 6;

size_t CountFiles(const fs::path& root) {
  size_t n = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    n += it->is_regular_file();
  }
  return n;
}

std::string Body(size_t size, uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::string body(size, '\0');
  for (auto& c : body) c = static_cast<char>(rng());
  return body;
}

// Hands out at most `step` bytes per Read, so the store sees short reads.
class TrickleSource : public common::ByteSource {
 public:
  TrickleSource(std::string_view data, size_t step) : data_(data), step_(step) {}
  common::Result<size_t> Read(std::span<char> out) override {
    size_t n = std::min({out.size(), step_, data_.size() - pos_});
    std::memcpy(out.data(), data_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string_view data_;
  size_t step_;
  size_t pos_ = 0;
};

class ErasureObjectStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("strata-ec-" + common::RandomHexId(random_, 8));
    for (int i = 0; i < kDrives; ++i) drives_.push_back(root_ / ("drive" + std::to_string(i)));
    OpenStore({.chunk_size = kChunk});
  }
  void TearDown() override { fs::remove_all(root_); }

  void OpenStore(ErasureStoreOptions options) {
    auto store = ErasureObjectStore::Open(drives_, random_, options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  std::string Put(const std::string& body) {
    common::StringSource source(body);
    auto written = store_->Write(source, body.size());
    EXPECT_TRUE(written.ok()) << written.status().ToString();
    if (!written.ok()) return "";
    EXPECT_EQ(written->size, body.size());
    return written->data_ref;
  }

  // Reads through a small buffer so pieces and chunk edges are exercised.
  common::Result<std::string> TryRead(const std::string& ref, uint64_t offset, uint64_t length) {
    STRATA_ASSIGN_OR_RETURN(auto source, store_->Read(ref, offset, length));
    std::string out;
    std::vector<char> buffer(7000);
    while (true) {
      STRATA_ASSIGN_OR_RETURN(size_t n, source->Read(buffer));
      if (n == 0) break;
      out.append(buffer.data(), n);
    }
    return out;
  }

  std::string ReadRange(const std::string& ref, uint64_t offset, uint64_t length) {
    auto data = TryRead(ref, offset, length);
    EXPECT_TRUE(data.ok()) << data.status().ToString();
    return data.ok() ? *data : "";
  }

  // Full read plus ranges across shard (16 KiB) and chunk (64 KiB) edges.
  void ExpectReadsMatch(const std::string& ref, const std::string& body) {
    ASSERT_EQ(ReadRange(ref, 0, body.size()), body);
    const uint64_t shard = kChunk / 4;
    std::vector<std::pair<uint64_t, uint64_t>> ranges = {{0, 1},
                                                         {shard - 1, 2},
                                                         {shard - 10, 3 * shard},
                                                         {kChunk - 5, 10},
                                                         {kChunk - 100, kChunk + 200},
                                                         {kChunk + 3 * shard + 7, 1000},
                                                         {12345, 2 * kChunk}};
    for (auto [offset, length] : ranges) {
      if (offset + length > body.size()) continue;
      ASSERT_EQ(ReadRange(ref, offset, length), body.substr(offset, length))
          << offset << "+" << length;
    }
    ASSERT_EQ(ReadRange(ref, body.size() - 1, 1), body.substr(body.size() - 1));
  }

  ErasureManifest Manifest(const std::string& ref) { return *ParseErasureManifest(ref); }

  fs::path ShardPath(const ErasureManifest& m, uint64_t chunk, int shard) {
    return ShardFilePath(drives_[ShardDrive(m.id, chunk, shard, drives_.size())], m.id, chunk,
                         shard);
  }

  // Replaces a drive folder by a regular file, so every create under it fails.
  void BreakDrive(int drive) {
    fs::remove_all(drives_[drive]);
    std::ofstream(drives_[drive]) << "not a directory";
  }

  common::SecureRandom random_;
  fs::path root_;
  std::vector<fs::path> drives_;
  std::unique_ptr<ErasureObjectStore> store_;
};

TEST_F(ErasureObjectStoreTest, RoundTripsEverySize) {
  for (size_t size : {size_t{0}, size_t{1}, kChunk - 1, kChunk, kChunk + 1, 3 * kChunk + 12345}) {
    std::string body = Body(size, static_cast<uint32_t>(size));
    std::string ref = Put(body);
    ASSERT_FALSE(ref.empty());
    EXPECT_EQ(ReadRange(ref, 0, size), body) << size;
    EXPECT_EQ(CountFiles(root_), Manifest(ref).ChunkCount() * 6) << size;
    EXPECT_TRUE(store_->Delete(ref).ok());
    EXPECT_EQ(CountFiles(root_), 0u);
  }
  // Without a declared size, and with a source that returns short reads.
  std::string body = Body(2 * kChunk + 99);
  TrickleSource source(body, 1000);
  auto written = store_->Write(source, std::nullopt);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(written->size, body.size());
  EXPECT_EQ(ReadRange(written->data_ref, 0, body.size()), body);
  EXPECT_EQ(store_->reconstructions(), 0u);
}

TEST_F(ErasureObjectStoreTest, RangeReadsMatchSource) {
  std::string body = Body(5 * kChunk + 4321);
  std::string ref = Put(body);
  ExpectReadsMatch(ref, body);
  EXPECT_EQ(ReadRange(ref, 100, 0), "");
  EXPECT_EQ(ReadRange(ref, body.size(), 0), "");
  EXPECT_EQ(store_->Read(ref, body.size(), 1).status().code(), common::Code::kInvalidArgument);
  EXPECT_EQ(store_->Read(ref, 0, body.size() + 1).status().code(), common::Code::kInvalidArgument);
  EXPECT_EQ(store_->reconstructions(), 0u);
}

TEST_F(ErasureObjectStoreTest, DefaultFourMiBChunks) {
  OpenStore({});
  std::string body = Body((size_t{4} << 20) * 2 + 777);
  std::string ref = Put(body);
  EXPECT_EQ(Manifest(ref).chunk_size, size_t{4} << 20);
  EXPECT_EQ(ReadRange(ref, 0, body.size()), body);
  const uint64_t mib = 1 << 20;
  EXPECT_EQ(ReadRange(ref, 4 * mib - 3, 2 * mib), body.substr(4 * mib - 3, 2 * mib));
  EXPECT_EQ(ReadRange(ref, mib - 1, 2), body.substr(mib - 1, 2));
  fs::remove_all(drives_[0]);
  fs::remove_all(drives_[3]);
  EXPECT_EQ(ReadRange(ref, 0, body.size()), body);
}

TEST_F(ErasureObjectStoreTest, SpreadsDataAndParityOverEveryDrive) {
  std::string ref = Put(Body(40 * 1000));
  for (int i = 0; i < 30; ++i) ref = Put(Body(1000, i));
  std::vector<std::set<bool>> kinds(kDrives);  // per drive: holds data? parity?
  for (int d = 0; d < kDrives; ++d) {
    for (const auto& entry : fs::recursive_directory_iterator(drives_[d] / "shards")) {
      if (!entry.is_regular_file()) continue;
      int shard = std::stoi(entry.path().extension().string().substr(1));
      kinds[d].insert(shard < 4);
    }
  }
  for (int d = 0; d < kDrives; ++d) EXPECT_EQ(kinds[d].size(), 2u) << "drive " << d;
}

TEST_F(ErasureObjectStoreTest, SurvivesAnyTwoLostDrives) {
  std::string body = Body(4 * kChunk + 5555);
  std::string ref = Put(body);
  const fs::path aside = root_ / "aside";
  for (int a = 0; a < kDrives; ++a) {
    for (int b = a + 1; b < kDrives; ++b) {
      SCOPED_TRACE("lost drives " + std::to_string(a) + " and " + std::to_string(b));
      fs::create_directories(aside);
      fs::rename(drives_[a], aside / "a");
      fs::rename(drives_[b], aside / "b");
      ExpectReadsMatch(ref, body);
      fs::rename(aside / "a", drives_[a]);
      fs::rename(aside / "b", drives_[b]);
    }
  }
  EXPECT_GT(store_->reconstructions(), 0u);
}

TEST_F(ErasureObjectStoreTest, ThreeLostDrivesFailCleanly) {
  std::string body = Body(3 * kChunk);
  std::string ref = Put(body);
  for (int d : {0, 2, 5}) fs::remove_all(drives_[d]);
  auto read = TryRead(ref, 0, body.size());
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), common::Code::kUnavailable) << read.status().ToString();
  // A range inside one data shard needs only that shard: it either survived
  // (and the bytes are right) or the read fails; never wrong bytes.
  for (uint64_t chunk = 0; chunk < 3; ++chunk) {
    auto piece = TryRead(ref, chunk * kChunk + 10, 10);
    if (piece.ok()) {
      EXPECT_EQ(*piece, body.substr(chunk * kChunk + 10, 10));
    }
  }
}

TEST_F(ErasureObjectStoreTest, CorruptShardsAreRebuilt) {
  std::string body = Body(6 * kChunk + 3333);
  std::string ref = Put(body);
  ErasureManifest m = Manifest(ref);
  std::mt19937 rng(42);
  for (uint64_t chunk = 0; chunk < m.ChunkCount(); ++chunk) {
    // One data shard (so the fast path notices) and one other shard.
    int first = static_cast<int>(rng() % 4);
    int second = static_cast<int>((first + 1 + rng() % 5) % 6);
    for (int shard : {first, second}) {
      fs::path path = ShardPath(m, chunk, shard);
      std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
      ASSERT_TRUE(file) << path;
      // Inside the first block's payload, which every full read touches.
      uint64_t limit = std::min<uint64_t>(fs::file_size(path), 80 + 1000);
      for (int flips = 0; flips < 3; ++flips) {
        uint64_t at = rng() % limit;
        file.seekg(static_cast<std::streamoff>(at));
        char c = 0;
        file.read(&c, 1);
        c = static_cast<char>(c ^ (1 + rng() % 255));
        file.seekp(static_cast<std::streamoff>(at));
        file.write(&c, 1);
      }
    }
  }
  ExpectReadsMatch(ref, body);
  EXPECT_GE(store_->reconstructions(), m.ChunkCount());
}

TEST_F(ErasureObjectStoreTest, CorruptBeyondParityIsAnError) {
  std::string body = Body(kChunk);
  std::string ref = Put(body);
  ErasureManifest m = Manifest(ref);
  for (int shard : {0, 3, 5}) {
    fs::path path = ShardPath(m, 0, shard);
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(100);
    file.write("garbage", 7);
  }
  EXPECT_EQ(TryRead(ref, 0, body.size()).status().code(), common::Code::kCorruption);
}

TEST_F(ErasureObjectStoreTest, WriteNeedsQuorum) {
  EXPECT_EQ(store_->write_quorum(), 4);
  for (int d : {1, 3, 4}) BreakDrive(d);
  std::string body = Body(3 * kChunk + 10);
  common::StringSource source(body);
  auto written = store_->Write(source, body.size());
  EXPECT_EQ(written.status().code(), common::Code::kUnavailable) << written.status().ToString();
  for (int d : {0, 2, 5}) EXPECT_EQ(CountFiles(drives_[d]), 0u) << d;

  // Two broken drives leave 4 shards per chunk: exactly the quorum.
  fs::remove(drives_[3]);
  fs::create_directories(drives_[3] / "tmp");
  std::string ref = Put(body);
  ASSERT_FALSE(ref.empty());
  EXPECT_EQ(CountFiles(root_) - 2, 4 * Manifest(ref).ChunkCount());  // minus the 2 drive files
  ExpectReadsMatch(ref, body);
  EXPECT_GT(store_->reconstructions(), 0u);
  EXPECT_TRUE(store_->Delete(ref).ok());
  EXPECT_EQ(CountFiles(root_), 2u);
}

TEST_F(ErasureObjectStoreTest, StricterQuorumFailsWithOneBadDrive) {
  OpenStore({.chunk_size = kChunk, .write_quorum = 6});
  BreakDrive(2);
  std::string body = Body(100);
  common::StringSource source(body);
  EXPECT_EQ(store_->Write(source, 100).status().code(), common::Code::kUnavailable);
  EXPECT_EQ(CountFiles(root_), 1u);
}

TEST_F(ErasureObjectStoreTest, FailedWritesLeaveNothing) {
  std::string body = Body(3 * kChunk);
  common::StringSource short_body(body);
  EXPECT_EQ(store_->Write(short_body, body.size() + 1).status().code(),
            common::Code::kIncompleteBody);
  common::StringSource long_body(body);
  EXPECT_EQ(store_->Write(long_body, 2 * kChunk + 5).status().code(),
            common::Code::kInvalidRequest);
  common::StringSource long_by_one(body);
  EXPECT_EQ(store_->Write(long_by_one, body.size() - 1).status().code(),
            common::Code::kInvalidRequest);
  common::testing::DroppingSource dropped(2 * kChunk + 100);
  EXPECT_EQ(store_->Write(dropped, 10 * kChunk).status().code(), common::Code::kIncompleteBody);
  common::testing::DroppingSource dropped_unsized(3 * kChunk);
  EXPECT_EQ(store_->Write(dropped_unsized, std::nullopt).status().code(),
            common::Code::kIncompleteBody);
  EXPECT_EQ(CountFiles(root_), 0u);
  for (const auto& drive : drives_) {
    for (const auto& entry : fs::recursive_directory_iterator(drive / "shards")) {
      EXPECT_NE(entry.path().parent_path().parent_path().filename(), "shards")
          << "only empty prefix folders may stay: " << entry.path();
    }
  }
}

TEST_F(ErasureObjectStoreTest, RejectsMalformedReferences) {
  std::string ref = Put(Body(10));
  for (const std::string& bad : {std::string(""), std::string("0/0123456789abcdef0123456789abcdef"),
                                 ref + ";", ref.substr(0, ref.size() - 1) + "9", ref.substr(1),
                                 std::string("ec1;../../etc/passwd;4;2;65536;10;1")}) {
    EXPECT_EQ(store_->Read(bad, 0, 1).status().code(), common::Code::kCorruption) << bad;
    EXPECT_EQ(store_->Delete(bad).code(), common::Code::kCorruption) << bad;
  }
}

TEST_F(ErasureObjectStoreTest, DeleteRemovesEverything) {
  std::string body = Body(3 * kChunk + 1);
  std::string ref = Put(body);
  EXPECT_EQ(CountFiles(root_), 4u * 6);
  EXPECT_TRUE(store_->Delete(ref).ok());
  EXPECT_EQ(CountFiles(root_), 0u);
  EXPECT_EQ(store_->Read(ref, 0, 1).status().code(), common::Code::kUnavailable);
  EXPECT_TRUE(store_->Delete(ref).ok()) << "deleting twice is not an error";
}

TEST_F(ErasureObjectStoreTest, FewerDrivesThanShards) {
  drives_.resize(3);
  OpenStore({.chunk_size = kChunk});
  std::string body = Body(2 * kChunk + 17);
  std::string ref = Put(body);
  ExpectReadsMatch(ref, body);
  // Each drive holds two shards of every chunk: losing one is still readable.
  fs::remove_all(drives_[1]);
  ExpectReadsMatch(ref, body);
}

TEST_F(ErasureObjectStoreTest, OpenValidatesAndClearsTemporaryFiles) {
  std::ofstream(drives_[0] / "tmp" / "crashed.0.1") << "partial";
  OpenStore({.chunk_size = kChunk});
  EXPECT_FALSE(fs::exists(drives_[0] / "tmp" / "crashed.0.1"));

  EXPECT_EQ(ErasureObjectStore::Open({}, random_).status().code(), common::Code::kInvalidArgument);
  for (ErasureStoreOptions bad :
       {ErasureStoreOptions{.data_shards = 0}, ErasureStoreOptions{.chunk_size = 0},
        ErasureStoreOptions{.chunk_size = (4 << 20) + 1}, ErasureStoreOptions{.write_quorum = 3},
        ErasureStoreOptions{.write_quorum = 7}}) {
    EXPECT_EQ(ErasureObjectStore::Open(drives_, random_, bad).status().code(),
              common::Code::kInvalidArgument);
  }
  auto equal = ErasureObjectStore::Open(drives_, random_, {.data_shards = 2, .parity_shards = 2});
  ASSERT_TRUE(equal.ok());
  EXPECT_EQ((*equal)->write_quorum(), 3) << "K == M needs K + 1";
}

TEST_F(ErasureObjectStoreTest, ReadsObjectsWrittenWithOtherOptions) {
  OpenStore({.data_shards = 3, .parity_shards = 1, .chunk_size = 1000});
  std::string body = Body(4500);
  std::string ref = Put(body);
  OpenStore({.chunk_size = kChunk});
  EXPECT_EQ(ReadRange(ref, 0, body.size()), body);
  EXPECT_EQ(ReadRange(ref, 999, 1002), body.substr(999, 1002));
}

}  // namespace
}  // namespace strata::storage
