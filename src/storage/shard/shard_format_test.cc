// Shard header encoding: the byte layout docs/storage-format.md promises, and
// the table of headers that must be rejected.
#include "storage/shard/shard_format.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <string>
#include <vector>

namespace strata::storage {
namespace {

ShardHeader SampleHeader() {
  ShardHeader h;
  h.shard_index = 11;
  h.data_shards = 8;
  h.parity_shards = 4;
  h.block_size = 0x00010000;
  h.chunk_size = 0x0000000000400000;
  h.payload_size = 0x0000000000080000;
  for (size_t i = 0; i < h.chunk_hash.size(); ++i) h.chunk_hash[i] = static_cast<uint8_t>(0xA0 + i);
  return h;
}

TEST(ShardFormatTest, HeaderLayoutIsAsDocumented) {
  ShardHeader h = SampleHeader();
  std::array<uint8_t, kShardHeaderSize> b = EncodeShardHeader(h);
  EXPECT_EQ(std::string(b.begin(), b.begin() + 8), "STRSHARD");
  EXPECT_EQ(b[8], 1);  // version, u16 LE
  EXPECT_EQ(b[9], 0);
  EXPECT_EQ(b[10], 0x0B);  // shard index
  EXPECT_EQ(b[11], 0);
  EXPECT_EQ(b[12], 8);  // K
  EXPECT_EQ(b[14], 4);  // M
  EXPECT_EQ(std::vector<uint8_t>(b.begin() + 16, b.begin() + 20),
            (std::vector<uint8_t>{0x00, 0x00, 0x01, 0x00}));  // block size 65536
  EXPECT_EQ(std::vector<uint8_t>(b.begin() + 20, b.begin() + 24), std::vector<uint8_t>(4, 0));
  EXPECT_EQ(LoadLittleEndian64(&b[24]), h.chunk_size);
  EXPECT_EQ(b[26], 0x40);  // 0x400000 little-endian: 00 00 40 00 ...
  EXPECT_EQ(LoadLittleEndian64(&b[32]), h.payload_size);
  EXPECT_TRUE(std::equal(h.chunk_hash.begin(), h.chunk_hash.end(), b.begin() + 40));
  EXPECT_EQ(LoadLittleEndian64(&b[72]), XXH3_64bits(b.data(), 72));
  EXPECT_EQ(ShardHeaderChecksum(h), XXH3_64bits(b.data(), 72));
}

TEST(ShardFormatTest, HeaderRoundTrips) {
  ShardHeader h = SampleHeader();
  auto decoded = DecodeShardHeader(EncodeShardHeader(h));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, h);
}

TEST(ShardFormatTest, LayoutArithmetic) {
  ShardHeader h = SampleHeader();
  h.block_size = 1000;
  h.payload_size = 2500;
  h.chunk_size = 2500;
  EXPECT_EQ(ShardBlockCount(h), 3u);
  EXPECT_EQ(ShardFileSize(h), 80u + 2500u + 3u * 8u);
  EXPECT_EQ(ShardBlockOffset(h, 0), 80u);
  EXPECT_EQ(ShardBlockOffset(h, 2), 80u + 2u * 1008u);
  EXPECT_EQ(ShardBlockLength(h, 1), 1000u);
  EXPECT_EQ(ShardBlockLength(h, 2), 500u);
  h.payload_size = 0;
  h.chunk_size = 0;
  EXPECT_EQ(ShardBlockCount(h), 0u);
  EXPECT_EQ(ShardFileSize(h), 80u);
}

TEST(ShardFormatTest, BlockChecksumIsSeededByHeaderAndIndex) {
  std::vector<uint8_t> data(100, 0);
  EXPECT_EQ(ShardBlockChecksum(7, 0, data), XXH3_64bits_withSeed(data.data(), data.size(), 7));
  EXPECT_NE(ShardBlockChecksum(7, 0, data), ShardBlockChecksum(7, 1, data));
  EXPECT_NE(ShardBlockChecksum(7, 0, data), ShardBlockChecksum(8, 0, data));
}

TEST(ShardFormatTest, ValidateRejectsInconsistentHeaders) {
  struct Case {
    const char* name;
    void (*mutate)(ShardHeader&);
  };
  const Case cases[] = {
      {"K=0", [](ShardHeader& h) { h.data_shards = 0; }},
      {"K+M>255", [](ShardHeader& h) { h.parity_shards = 248; }},
      {"index>=K+M", [](ShardHeader& h) { h.shard_index = 12; }},
      {"block 0", [](ShardHeader& h) { h.block_size = 0; }},
      {"block too big", [](ShardHeader& h) { h.block_size = kMaxShardBlockSize + 1; }},
      {"payload too big", [](ShardHeader& h) { h.payload_size = kMaxShardPayloadSize + 1; }},
      {"chunk > K*payload", [](ShardHeader& h) { h.chunk_size = h.payload_size * 8 + 1; }},
  };
  EXPECT_TRUE(ValidateShardHeader(SampleHeader()).ok());
  for (const Case& c : cases) {
    ShardHeader h = SampleHeader();
    c.mutate(h);
    EXPECT_EQ(ValidateShardHeader(h).code(), common::Code::kInvalidArgument) << c.name;
  }
  ShardHeader edge = SampleHeader();
  edge.parity_shards = 247;  // K+M = 255
  edge.chunk_size = edge.payload_size * 8;
  EXPECT_TRUE(ValidateShardHeader(edge).ok());
}

TEST(ShardFormatTest, DecodeRejectsBadBytes) {
  std::array<uint8_t, kShardHeaderSize> good = EncodeShardHeader(SampleHeader());
  struct Case {
    const char* name;
    void (*mutate)(std::array<uint8_t, kShardHeaderSize>&);
    const char* message;
  };
  const Case cases[] = {
      {"magic", [](auto& b) { b[0] = 'X'; }, "bad magic"},
      {"version", [](auto& b) { b[8] = 2; }, "unsupported format version 2"},
      {"checksum", [](auto& b) { b[72] ^= 1; }, "header checksum mismatch"},
      {"field", [](auto& b) { b[30] ^= 1; }, "header checksum mismatch"},
      {"reserved",
       [](auto& b) {
         b[20] = 1;
         StoreLittleEndian64(&b[72], XXH3_64bits(b.data(), 72));
       },
       "reserved field"},
      {"checksummed nonsense",
       [](auto& b) {
         b[12] = 0;  // K = 0 under a valid checksum
         StoreLittleEndian64(&b[72], XXH3_64bits(b.data(), 72));
       },
       "out of range"},
  };
  for (const Case& c : cases) {
    std::array<uint8_t, kShardHeaderSize> b = good;
    c.mutate(b);
    auto decoded = DecodeShardHeader(b);
    ASSERT_FALSE(decoded.ok()) << c.name;
    EXPECT_EQ(decoded.status().code(), common::Code::kCorruption) << c.name;
    EXPECT_NE(decoded.status().message().find(c.message), std::string::npos)
        << c.name << ": " << decoded.status().ToString();
  }
  auto short_header = DecodeShardHeader(std::span(good).first(kShardHeaderSize - 1));
  EXPECT_EQ(short_header.status().code(), common::Code::kCorruption);
}

}  // namespace
}  // namespace strata::storage
