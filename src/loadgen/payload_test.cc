#include "loadgen/payload.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace strata::loadgen {
namespace {

std::string Generate(const PayloadGenerator& g, uint64_t seed, uint64_t offset, size_t n) {
  std::string out(n, '\0');
  g.Fill(seed, offset, std::span<char>(out.data(), out.size()));
  return out;
}

TEST(Payload, DeterministicAndOffsetIndependent) {
  PayloadGenerator a, b;
  constexpr size_t kSize = 3 * kPayloadBlockSize + 1234;
  std::string whole = Generate(a, 99, 0, kSize);
  EXPECT_EQ(whole, Generate(b, 99, 0, kSize));
  // Any split of the object gives the same bytes, across block and header
  // boundaries alike.
  for (size_t cut : {1ul, 7ul, 15ul, 16ul, 17ul, 4095ul, 4096ul, 4100ul, 9000ul}) {
    std::string joined = Generate(a, 99, 0, cut) + Generate(a, 99, cut, kSize - cut);
    EXPECT_EQ(joined, whole) << "cut at " << cut;
  }
}

TEST(Payload, EveryBlockUniqueAcrossObjects) {
  PayloadGenerator g;
  constexpr size_t kBlocks = 64;
  std::set<std::string> blocks;
  for (const char* key : {"p/obj-00000000", "p/obj-00000001", "q/obj-00000000"}) {
    std::string data = Generate(g, PayloadSeed(key, false), 0, kBlocks * kPayloadBlockSize);
    for (size_t i = 0; i < kBlocks; ++i) {
      blocks.insert(data.substr(i * kPayloadBlockSize, kPayloadBlockSize));
    }
  }
  EXPECT_EQ(blocks.size(), 3 * kBlocks);
}

TEST(Payload, BlockStartsWithSeedAndCounter) {
  PayloadGenerator g;
  std::string data = Generate(g, 0x0102030405060708ull, 0, 3 * kPayloadBlockSize);
  const std::string seed_le = "\x08\x07\x06\x05\x04\x03\x02\x01";
  for (uint64_t block = 0; block < 3; ++block) {
    std::string header = data.substr(block * kPayloadBlockSize, kPayloadHeaderSize);
    EXPECT_EQ(header.substr(0, 8), seed_le);
    EXPECT_EQ(static_cast<unsigned char>(header[8]), block);
    EXPECT_EQ(header.substr(9), std::string(7, '\0'));
  }
}

TEST(Payload, SamePayloadMakesObjectsIdentical) {
  PayloadGenerator g;
  EXPECT_EQ(PayloadSeed("a", true), PayloadSeed("b", true));
  EXPECT_NE(PayloadSeed("a", false), PayloadSeed("b", false));
  EXPECT_NE(PayloadSeed("", false), 0u);
  std::string a = Generate(g, PayloadSeed("a", true), 0, 2 * kPayloadBlockSize);
  std::string b = Generate(g, PayloadSeed("b", true), 0, 2 * kPayloadBlockSize);
  EXPECT_EQ(a, b);
  // Blocks inside one object still differ (the counter).
  EXPECT_NE(a.substr(0, kPayloadBlockSize), a.substr(kPayloadBlockSize));
}

TEST(Payload, FirstMismatchFindsTheFlippedByte) {
  PayloadGenerator g;
  constexpr size_t kSize = 10000;
  std::string data = Generate(g, 5, 0, kSize);
  std::vector<char> scratch(1000);
  EXPECT_EQ(g.FirstMismatch(5, 0, data, scratch), kSize);
  EXPECT_EQ(g.FirstMismatch(5, 100, std::string_view(data).substr(100), scratch), kSize - 100);
  EXPECT_EQ(g.FirstMismatch(6, 0, data, scratch), 0u);  // another object's seed
  for (size_t at : {0ul, 15ul, 16ul, 999ul, 1000ul, 4096ul, 9999ul}) {
    std::string bad = data;
    bad[at] ^= 0x20;
    EXPECT_EQ(g.FirstMismatch(5, 0, bad, scratch), at);
  }
}

}  // namespace
}  // namespace strata::loadgen
