// Shard writer and reader: round trips, range reads, and every kind of damage
// a shard file can suffer on disk. Header encoding alone is in
// shard_format_test.cc.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "common/random.h"
#include "storage/drive/local_drive.h"
#include "storage/shard/shard_format.h"
#include "storage/shard/shard_reader.h"
#include "storage/shard/shard_writer.h"

namespace strata::storage {
namespace {

namespace fs = std::filesystem;

std::vector<uint8_t> RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 gen(seed);
  std::vector<uint8_t> out(n);
  for (auto& b : out) b = static_cast<uint8_t>(gen());
  return out;
}

ShardHeader MakeHeader(uint64_t payload_size, uint32_t block_size) {
  ShardHeader h;
  h.shard_index = 1;
  h.data_shards = 4;
  h.parity_shards = 2;
  h.block_size = block_size;
  h.payload_size = payload_size;
  h.chunk_size = payload_size * 4;
  for (size_t i = 0; i < h.chunk_hash.size(); ++i) h.chunk_hash[i] = static_cast<uint8_t>(i * 7);
  return h;
}

// Overwrites bytes of a file in place.
void Patch(const fs::path& path, uint64_t offset, const std::vector<uint8_t>& bytes) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(f.is_open()) << path;
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(f.good());
}

std::vector<uint8_t> ReadFileBytes(const fs::path& path, uint64_t offset, size_t n) {
  std::ifstream f(path, std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  std::vector<uint8_t> out(n);
  f.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(n));
  return out;
}

void FlipByte(const fs::path& path, uint64_t offset) {
  std::vector<uint8_t> b = ReadFileBytes(path, offset, 1);
  b[0] ^= 0x01;
  Patch(path, offset, b);
}

class ShardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("strata-shard-" + common::RandomHexId(random_, 8));
    fs::create_directories(root_ / "tmp");
    drive_ = std::make_unique<LocalDrive>(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  // A fresh name in the drive's tmp/.
  fs::path TempName() { return fs::path("tmp") / ("tmp-" + common::RandomHexId(random_, 8)); }
  // ShardReader::Open of a file under root_.
  common::Result<ShardReader> OpenShard(const fs::path& path) {
    return ShardReader::Open(*drive_, path.lexically_relative(root_));
  }

  // Writes payload in pieces of the given sizes (cycled), returns the full
  // path.
  fs::path Write(const ShardHeader& header, const std::vector<uint8_t>& payload,
                 std::vector<size_t> pieces = {4096}) {
    const fs::path name = fs::path("shards") / ("s" + std::to_string(++count_));
    const fs::path path = root_ / name;
    auto writer = ShardWriter::Create(header, *drive_, TempName());
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    if (!writer.ok()) return path;
    size_t pos = 0;
    for (size_t i = 0; pos < payload.size(); ++i) {
      size_t n = std::min(pieces[i % pieces.size()], payload.size() - pos);
      common::Status status = writer->Append(std::span(payload).subspan(pos, n));
      EXPECT_TRUE(status.ok()) << status.ToString();
      pos += n;
    }
    common::Status status = writer->Finish(name);
    EXPECT_TRUE(status.ok()) << status.ToString();
    return path;
  }

  ShardReader OpenOrDie(const fs::path& path) {
    auto reader = OpenShard(path);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    return std::move(reader).value();
  }

  size_t TempFileCount() {
    return static_cast<size_t>(std::distance(fs::directory_iterator(root_ / "tmp"), {}));
  }

  common::SecureRandom random_;
  fs::path root_;
  std::unique_ptr<LocalDrive> drive_;
  int count_ = 0;
};

TEST_F(ShardTest, RoundTripsAtManySizes) {
  for (uint32_t bs : {uint32_t{1000}, kDefaultShardBlockSize}) {
    for (uint64_t size : std::vector<uint64_t>{0, 1, bs - 1u, bs, bs + 1u, 3u * bs, 3u * bs + 17}) {
      SCOPED_TRACE("block " + std::to_string(bs) + " size " + std::to_string(size));
      std::vector<uint8_t> payload = RandomBytes(size, static_cast<uint32_t>(size));
      ShardHeader header = MakeHeader(size, bs);
      // Odd piece sizes so appends straddle block boundaries.
      fs::path path = Write(header, payload, {1, 7, 999, 65536, 3});
      EXPECT_EQ(fs::file_size(path), ShardFileSize(header));
      EXPECT_EQ(TempFileCount(), 0u);

      ShardReader reader = OpenOrDie(path);
      EXPECT_EQ(reader.header(), header);
      std::vector<uint8_t> back(size);
      ASSERT_TRUE(reader.ReadRange(0, back).ok());
      EXPECT_TRUE(back == payload);
      EXPECT_TRUE(reader.VerifyAll().ok());
    }
  }
}

TEST_F(ShardTest, WholeBlocksAndSmallPiecesWriteIdenticalFiles) {
  // Appends of whole blocks take the direct path (blocks and checksums
  // written from the caller's bytes); byte-sized pieces go through the
  // staging block. The files must not differ.
  const uint32_t bs = 1000;
  for (uint64_t size : std::vector<uint64_t>{bs, 5u * bs, 5u * bs + 1, 7u * bs - 1}) {
    SCOPED_TRACE("size " + std::to_string(size));
    std::vector<uint8_t> payload = RandomBytes(size, static_cast<uint32_t>(size) + 7);
    ShardHeader header = MakeHeader(size, bs);
    fs::path whole = Write(header, payload, {size});
    fs::path mixed = Write(header, payload, {2u * bs, 1, bs - 1, 3u * bs});
    fs::path bytes = Write(header, payload, {1});
    const auto expected = ReadFileBytes(bytes, 0, ShardFileSize(header));
    EXPECT_TRUE(ReadFileBytes(whole, 0, ShardFileSize(header)) == expected);
    EXPECT_TRUE(ReadFileBytes(mixed, 0, ShardFileSize(header)) == expected);
    std::vector<uint8_t> back(size);
    ShardReader reader = OpenOrDie(whole);
    ASSERT_TRUE(reader.ReadRange(0, back).ok());
    EXPECT_TRUE(back == payload);
    EXPECT_TRUE(reader.VerifyAll().ok());
  }
}

TEST_F(ShardTest, RangeReadsAtBlockBoundaries) {
  const uint32_t bs = 1000;
  std::vector<uint8_t> payload = RandomBytes(3500, 9);
  ShardReader reader = OpenOrDie(Write(MakeHeader(payload.size(), bs), payload));
  struct Range {
    uint64_t offset, length;
  };
  for (Range r : {Range{0, 0}, Range{0, 1}, Range{999, 1}, Range{999, 2}, Range{1000, 1000},
                  Range{1000, 1}, Range{1999, 1002}, Range{2999, 501}, Range{3000, 500},
                  Range{3499, 1}, Range{3500, 0}, Range{0, 3500}, Range{17, 3000}}) {
    std::vector<uint8_t> out(r.length);
    common::Status status = reader.ReadRange(r.offset, out);
    ASSERT_TRUE(status.ok()) << r.offset << "+" << r.length << ": " << status.ToString();
    EXPECT_TRUE(
        std::equal(out.begin(), out.end(), payload.begin() + static_cast<std::ptrdiff_t>(r.offset)))
        << r.offset << "+" << r.length;
  }
  for (Range r :
       {Range{3500, 1}, Range{0, 3501}, Range{3499, 2}, Range{UINT64_MAX, 1}, Range{4000, 0}}) {
    std::vector<uint8_t> out(r.length);
    EXPECT_EQ(reader.ReadRange(r.offset, out).code(), common::Code::kInvalidArgument)
        << r.offset << "+" << r.length;
  }
}

// A corrupt block fails exactly the reads that cover it: range reads do not
// touch blocks outside their range.
TEST_F(ShardTest, CorruptionFailsOnlyReadsThatTouchTheBlock) {
  const uint32_t bs = 1000;
  std::vector<uint8_t> payload = RandomBytes(5 * bs, 11);
  ShardHeader header = MakeHeader(payload.size(), bs);
  // Damage block 3 three ways: its first payload byte, its last, its checksum.
  for (uint64_t where : {ShardBlockOffset(header, 3), ShardBlockOffset(header, 3) + bs - 1,
                         ShardBlockOffset(header, 3) + bs + 5}) {
    SCOPED_TRACE("flip at " + std::to_string(where));
    fs::path path = Write(header, payload);
    FlipByte(path, where);
    ShardReader reader = OpenOrDie(path);  // the header is intact

    std::vector<uint8_t> out(2 * bs);
    ASSERT_TRUE(reader.ReadRange(0, out).ok());  // blocks 0-1
    std::vector<uint8_t> tail(bs);
    ASSERT_TRUE(reader.ReadRange(4 * bs, tail).ok());  // block 4
    std::vector<uint8_t> just_before(10);
    ASSERT_TRUE(reader.ReadRange(3 * bs - 10, just_before).ok());  // end of block 2

    std::vector<uint8_t> one(1);
    common::Status status = reader.ReadRange(3 * bs + 500, one);
    EXPECT_EQ(status.code(), common::Code::kCorruption);
    EXPECT_NE(status.message().find("block 3"), std::string::npos) << status.ToString();
    EXPECT_NE(status.message().find(path.string()), std::string::npos) << status.ToString();
    std::vector<uint8_t> spanning(3 * bs);
    EXPECT_EQ(reader.ReadRange(2 * bs, spanning).code(), common::Code::kCorruption);

    status = reader.VerifyAll();
    EXPECT_EQ(status.code(), common::Code::kCorruption);
    EXPECT_NE(status.message().find("block 3"), std::string::npos) << status.ToString();
  }
}

// Block checksums are seeded with the block index and the header checksum, so
// a block moved within a file, or copied in from another shard file with
// identical payload bytes, fails.
TEST_F(ShardTest, MisplacedBlocksFail) {
  const uint32_t bs = 1000;
  std::vector<uint8_t> payload(3 * bs, 0);  // identical blocks, as zero padding is
  ShardHeader header = MakeHeader(payload.size(), bs);
  fs::path a = Write(header, payload);
  const uint64_t framed = bs + kShardBlockChecksumSize;
  Patch(a, ShardBlockOffset(header, 1), ReadFileBytes(a, ShardBlockOffset(header, 0), framed));
  std::vector<uint8_t> out(bs);
  EXPECT_TRUE(OpenOrDie(a).ReadRange(0, out).ok());
  EXPECT_EQ(OpenOrDie(a).ReadRange(bs, out).code(), common::Code::kCorruption);

  ShardHeader other = header;
  other.shard_index = 2;
  fs::path b = Write(header, payload);
  fs::path c = Write(other, payload);
  Patch(b, ShardBlockOffset(header, 0), ReadFileBytes(c, ShardBlockOffset(other, 0), framed));
  EXPECT_EQ(OpenOrDie(b).ReadRange(0, out).code(), common::Code::kCorruption);
}

TEST_F(ShardTest, TruncatedOrExtendedFileIsCorrupt) {
  const uint32_t bs = 1000;
  std::vector<uint8_t> payload = RandomBytes(2500, 12);
  ShardHeader header = MakeHeader(payload.size(), bs);
  const uint64_t full = ShardFileSize(header);
  for (uint64_t size :
       {full - 1, full - 8, uint64_t{kShardHeaderSize}, uint64_t{40}, uint64_t{0}, full + 1}) {
    fs::path path = Write(header, payload);
    fs::resize_file(path, size);
    auto reader = OpenShard(path);
    ASSERT_FALSE(reader.ok()) << "size " << size;
    EXPECT_EQ(reader.status().code(), common::Code::kCorruption) << reader.status().ToString();
  }
}

TEST_F(ShardTest, TruncationAfterOpenFailsOnlyTheLostBlocks) {
  const uint32_t bs = 1000;
  std::vector<uint8_t> payload = RandomBytes(2500, 13);
  ShardHeader header = MakeHeader(payload.size(), bs);
  fs::path path = Write(header, payload);
  ShardReader reader = OpenOrDie(path);
  fs::resize_file(path, ShardBlockOffset(header, 2) + 10);

  std::vector<uint8_t> out(2 * bs);
  EXPECT_TRUE(reader.ReadRange(0, out).ok());
  std::vector<uint8_t> last(1);
  common::Status status = reader.ReadRange(2499, last);
  EXPECT_EQ(status.code(), common::Code::kCorruption);
  EXPECT_NE(status.message().find("truncated in block 2"), std::string::npos) << status.ToString();
  EXPECT_EQ(reader.VerifyAll().code(), common::Code::kCorruption);
}

// Every single flipped bit of the header is caught at Open.
TEST_F(ShardTest, AnyFlippedHeaderByteIsCorrupt) {
  ShardHeader header = MakeHeader(1500, 1000);
  fs::path path = Write(header, RandomBytes(1500, 14));
  for (uint64_t i = 0; i < kShardHeaderSize; ++i) {
    FlipByte(path, i);
    auto reader = OpenShard(path);
    ASSERT_FALSE(reader.ok()) << "byte " << i;
    EXPECT_EQ(reader.status().code(), common::Code::kCorruption) << "byte " << i;
    FlipByte(path, i);  // restore
  }
  EXPECT_TRUE(OpenShard(path).ok());
}

TEST_F(ShardTest, WrongMagicAndVersionHaveClearMessages) {
  ShardHeader header = MakeHeader(100, 1000);
  fs::path path = Write(header, RandomBytes(100, 15));
  Patch(path, 0, {'N', 'O', 'T', 'S', 'H', 'A', 'R', 'D'});
  auto reader = OpenShard(path);
  EXPECT_EQ(reader.status().code(), common::Code::kCorruption);
  EXPECT_NE(reader.status().message().find("bad magic"), std::string::npos);

  fs::path newer = Write(header, RandomBytes(100, 15));
  Patch(newer, 8, {2, 0});
  auto newer_reader = OpenShard(newer);
  EXPECT_EQ(newer_reader.status().code(), common::Code::kCorruption);
  EXPECT_NE(newer_reader.status().message().find("unsupported format version 2"), std::string::npos)
      << newer_reader.status().ToString();
}

TEST_F(ShardTest, MissingFileIsUnavailable) {
  auto reader = OpenShard(root_ / "no-such-shard");
  EXPECT_EQ(reader.status().code(), common::Code::kUnavailable);
}

TEST_F(ShardTest, WriterRejectsTooManyBytes) {
  auto writer = ShardWriter::Create(MakeHeader(10, 1000), *drive_, TempName());
  ASSERT_TRUE(writer.ok());
  std::vector<uint8_t> bytes(8, 1);
  ASSERT_TRUE(writer->Append(bytes).ok());
  EXPECT_EQ(writer->Append(bytes).code(), common::Code::kInvalidArgument);
  // The writer stays failed, even for an append that would fit.
  EXPECT_EQ(writer->Append(std::span(bytes).first(2)).code(), common::Code::kInvalidArgument);
  EXPECT_EQ(writer->Finish("out").code(), common::Code::kInvalidArgument);
  EXPECT_FALSE(fs::exists(root_ / "out"));
}

TEST_F(ShardTest, WriterRejectsTooFewBytesAndLeavesNothing) {
  {
    auto writer = ShardWriter::Create(MakeHeader(2500, 1000), *drive_, TempName());
    ASSERT_TRUE(writer.ok());
    std::vector<uint8_t> bytes(2499, 1);
    ASSERT_TRUE(writer->Append(bytes).ok());
    EXPECT_EQ(TempFileCount(), 1u);
    EXPECT_EQ(writer->Finish("out").code(), common::Code::kInvalidArgument);
  }
  EXPECT_FALSE(fs::exists(root_ / "out"));
  EXPECT_EQ(TempFileCount(), 0u);
}

TEST_F(ShardTest, AbandonedWriterRemovesItsTempFile) {
  {
    auto writer = ShardWriter::Create(MakeHeader(2500, 1000), *drive_, TempName());
    ASSERT_TRUE(writer.ok());
    std::vector<uint8_t> bytes(1500, 1);
    ASSERT_TRUE(writer->Append(bytes).ok());
    EXPECT_EQ(TempFileCount(), 1u);
  }
  EXPECT_EQ(TempFileCount(), 0u);
}

TEST_F(ShardTest, WriterCreateErrors) {
  ShardHeader bad = MakeHeader(100, 1000);
  bad.shard_index = 6;  // K + M = 6
  auto writer = ShardWriter::Create(bad, *drive_, TempName());
  EXPECT_EQ(writer.status().code(), common::Code::kInvalidArgument);
  EXPECT_EQ(TempFileCount(), 0u);

  auto no_dir =
      ShardWriter::Create(MakeHeader(100, 1000), *drive_, fs::path("no-such-dir") / "tmp-x");
  EXPECT_EQ(no_dir.status().code(), common::Code::kUnavailable);
}

}  // namespace
}  // namespace strata::storage
