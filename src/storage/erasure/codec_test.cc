#include "storage/erasure/codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <memory>
#include <random>
#include <string>

namespace strata::storage {
namespace {

using Shards = std::vector<std::vector<uint8_t>>;
using MaybeShards = std::vector<std::optional<std::vector<uint8_t>>>;

std::vector<uint8_t> RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 gen(seed);
  std::vector<uint8_t> out(n);
  for (auto& b : out) b = static_cast<uint8_t>(gen());
  return out;
}

ErasureCodec MakeCodec(int k, int m) {
  auto codec = ErasureCodec::Create(k, m);
  EXPECT_TRUE(codec.ok()) << codec.status().ToString();
  return std::move(codec).value();
}

Shards EncodeOrDie(const ErasureCodec& codec, const std::vector<uint8_t>& chunk) {
  Shards shards;
  common::Status status = codec.Encode(chunk, shards);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return shards;
}

// Calls fn(lost) for every subset of {0..n-1} with 1..max_lost members.
template <typename Fn>
void ForEachLossPattern(int n, int max_lost, Fn fn) {
  for (uint32_t mask = 1; mask < (1u << n); ++mask) {
    if (std::popcount(mask) > max_lost) continue;
    std::vector<int> lost;
    for (int i = 0; i < n; ++i) {
      if (mask & (1u << i)) lost.push_back(i);
    }
    fn(lost);
  }
}

std::string Describe(const std::vector<int>& lost) {
  std::string s = "lost {";
  for (int i : lost) s += std::to_string(i) + ",";
  return s + "}";
}

// Drops `lost`, reconstructs, and checks every shard is byte-identical.
void ExpectRebuilds(const ErasureCodec& codec, const Shards& original,
                    const std::vector<int>& lost) {
  MaybeShards shards(original.begin(), original.end());
  for (int i : lost) shards[i].reset();
  common::Status status = codec.Reconstruct(shards);
  ASSERT_TRUE(status.ok()) << Describe(lost) << ": " << status.ToString();
  for (size_t i = 0; i < original.size(); ++i) {
    ASSERT_TRUE(shards[i].has_value()) << Describe(lost) << " shard " << i;
    ASSERT_TRUE(*shards[i] == original[i]) << Describe(lost) << " shard " << i << " differs";
  }
}

TEST(ErasureCodecTest, CreateRejectsBadLayouts) {
  struct Case {
    int k, m;
  };
  for (Case c : {Case{0, 2}, Case{-1, 1}, Case{4, -1}, Case{200, 56}, Case{256, 0}}) {
    auto codec = ErasureCodec::Create(c.k, c.m);
    ASSERT_FALSE(codec.ok()) << c.k << "+" << c.m;
    EXPECT_EQ(codec.status().code(), common::Code::kInvalidArgument);
  }
  for (Case c : {Case{1, 0}, Case{1, 254}, Case{254, 1}, Case{128, 127}}) {
    EXPECT_TRUE(ErasureCodec::Create(c.k, c.m).ok()) << c.k << "+" << c.m;
  }
}

TEST(ErasureCodecTest, ShardSizeRoundsUpToAlignment) {
  ErasureCodec codec = MakeCodec(4, 2);
  EXPECT_EQ(codec.ShardSize(0), 0u);
  EXPECT_EQ(codec.ShardSize(1), 64u);
  EXPECT_EQ(codec.ShardSize(256), 64u);
  EXPECT_EQ(codec.ShardSize(257), 128u);
  EXPECT_EQ(codec.ShardSize(4 << 20), 1u << 20);
  EXPECT_EQ(MakeCodec(3, 2).ShardSize(4 << 20), 1398144u);  // ceil(4Mi/3)=1398102 -> 64x
}

// Sizes that hit the edges: empty, one byte, not a multiple of K, not a
// multiple of the alignment, exactly aligned, and a full 4 MiB chunk.
const size_t kSizes[] = {0, 1, 63, 64 * 6, 1000, 65537, 4 << 20};

TEST(ErasureCodecTest, EncodeIsSystematicAndZeroPadded) {
  for (auto [k, m] : {std::pair{4, 2}, {2, 1}, {8, 4}, {1, 1}, {6, 0}, {3, 2}}) {
    ErasureCodec codec = MakeCodec(k, m);
    for (size_t size : kSizes) {
      SCOPED_TRACE(std::to_string(k) + "+" + std::to_string(m) + " size " + std::to_string(size));
      std::vector<uint8_t> chunk = RandomBytes(size, static_cast<uint32_t>(size));
      Shards shards = EncodeOrDie(codec, chunk);
      ASSERT_EQ(shards.size(), static_cast<size_t>(k + m));
      for (const auto& s : shards) ASSERT_EQ(s.size(), codec.ShardSize(size));
      std::vector<uint8_t> joined;
      for (int i = 0; i < k; ++i) joined.insert(joined.end(), shards[i].begin(), shards[i].end());
      ASSERT_GE(joined.size(), size);
      EXPECT_TRUE(std::equal(chunk.begin(), chunk.end(), joined.begin()));
      EXPECT_TRUE(std::all_of(joined.begin() + static_cast<std::ptrdiff_t>(size), joined.end(),
                              [](uint8_t b) { return b == 0; }));
    }
  }
}

TEST(ErasureCodecTest, EncodeParityOverCallerBuffersMatchesEncode) {
  for (auto [k, m] : {std::pair{4, 2}, {2, 1}, {8, 4}, {3, 2}}) {
    ErasureCodec codec = MakeCodec(k, m);
    for (size_t size : kSizes) {
      SCOPED_TRACE(std::to_string(k) + "+" + std::to_string(m) + " size " + std::to_string(size));
      const Shards expected = EncodeOrDie(codec, RandomBytes(size, static_cast<uint32_t>(size)));
      const size_t shard_bytes = codec.ShardSize(size);
      std::vector<const uint8_t*> data;
      for (int i = 0; i < k; ++i) data.push_back(expected[i].data());
      Shards parity(m, std::vector<uint8_t>(shard_bytes, 0xAB));  // stale bytes are overwritten
      std::vector<uint8_t*> parity_ptrs;
      for (auto& p : parity) parity_ptrs.push_back(p.data());
      ASSERT_TRUE(codec.EncodeParity(data, parity_ptrs, shard_bytes).ok());
      for (int i = 0; i < m; ++i) EXPECT_EQ(parity[i], expected[k + i]) << "parity " << i;
    }
  }
}

TEST(ErasureCodecTest, EncodeReusesAndResizesOutput) {
  ErasureCodec codec = MakeCodec(4, 2);
  Shards shards(9, std::vector<uint8_t>(5000, 0xAB));  // wrong count, stale bytes
  std::vector<uint8_t> chunk = RandomBytes(100, 1);
  ASSERT_TRUE(codec.Encode(chunk, shards).ok());
  EXPECT_EQ(shards, EncodeOrDie(codec, chunk));
}

TEST(ErasureCodecTest, OnePlusOneIsAMirror) {
  ErasureCodec codec = MakeCodec(1, 1);
  Shards shards = EncodeOrDie(codec, RandomBytes(1000, 7));
  EXPECT_EQ(shards[0], shards[1]);
}

// Every pattern of up to M lost shards rebuilds byte-identical shards.
TEST(ErasureCodecTest, RebuildsEveryLossPatternUpToM) {
  for (auto [k, m] : {std::pair{4, 2}, {2, 1}, {8, 4}, {1, 1}, {3, 3}}) {
    ErasureCodec codec = MakeCodec(k, m);
    for (size_t size : {size_t{0}, size_t{1}, size_t{1000}, size_t{65537}}) {
      SCOPED_TRACE(std::to_string(k) + "+" + std::to_string(m) + " size " + std::to_string(size));
      Shards original = EncodeOrDie(codec, RandomBytes(size, static_cast<uint32_t>(size + k)));
      ForEachLossPattern(
          k + m, m, [&](const std::vector<int>& lost) { ExpectRebuilds(codec, original, lost); });
    }
  }
}

// Full 4 MiB chunks: every pattern for the default 4+2 and 2+1, a spread of
// patterns for 8+4 (all 793 at 4 MiB would take minutes under ASan; the
// smaller sizes above cover all of them).
TEST(ErasureCodecTest, RebuildsFullChunks) {
  const size_t size = 4 << 20;
  std::vector<uint8_t> chunk = RandomBytes(size, 42);
  for (auto [k, m] : {std::pair{4, 2}, {2, 1}}) {
    ErasureCodec codec = MakeCodec(k, m);
    Shards original = EncodeOrDie(codec, chunk);
    ForEachLossPattern(
        k + m, m, [&](const std::vector<int>& lost) { ExpectRebuilds(codec, original, lost); });
  }
  ErasureCodec codec = MakeCodec(8, 4);
  Shards original = EncodeOrDie(codec, chunk);
  for (const std::vector<int>& lost : std::vector<std::vector<int>>{
           {0}, {11}, {0, 1, 2, 3}, {8, 9, 10, 11}, {0, 5, 9, 11}, {4, 5, 6, 7}, {1, 3, 8}}) {
    ExpectRebuilds(codec, original, lost);
  }
}

TEST(ErasureCodecTest, NothingMissingIsANoOp) {
  ErasureCodec codec = MakeCodec(4, 2);
  Shards original = EncodeOrDie(codec, RandomBytes(1000, 3));
  ExpectRebuilds(codec, original, {});
}

TEST(ErasureCodecTest, NoParityCannotRebuild) {
  ErasureCodec codec = MakeCodec(6, 0);
  Shards original = EncodeOrDie(codec, RandomBytes(1000, 4));
  ASSERT_EQ(original.size(), 6u);
  ExpectRebuilds(codec, original, {});
  MaybeShards shards(original.begin(), original.end());
  shards[2].reset();
  EXPECT_EQ(codec.Reconstruct(shards).code(), common::Code::kUnavailable);
}

// Losing M + 1 shards (every such pattern) is kUnavailable, and the present
// shards are left untouched.
TEST(ErasureCodecTest, MoreThanMLostIsUnavailable) {
  for (auto [k, m] : {std::pair{4, 2}, {2, 1}, {8, 4}, {1, 1}}) {
    ErasureCodec codec = MakeCodec(k, m);
    Shards original = EncodeOrDie(codec, RandomBytes(777, 5));
    ForEachLossPattern(k + m, m + 1, [&](const std::vector<int>& lost) {
      if (static_cast<int>(lost.size()) != m + 1) return;
      MaybeShards shards(original.begin(), original.end());
      for (int i : lost) shards[i].reset();
      common::Status status = codec.Reconstruct(shards);
      ASSERT_EQ(status.code(), common::Code::kUnavailable) << Describe(lost);
      for (int i = 0; i < k + m; ++i) {
        if (shards[i]) {
          EXPECT_EQ(*shards[i], original[i]);
        }
      }
    });
  }
}

TEST(ErasureCodecTest, RejectsMalformedShardSets) {
  ErasureCodec codec = MakeCodec(4, 2);
  Shards original = EncodeOrDie(codec, RandomBytes(1000, 6));

  MaybeShards too_few(original.begin(), original.begin() + 5);
  EXPECT_EQ(codec.Reconstruct(too_few).code(), common::Code::kInvalidArgument);

  MaybeShards uneven(original.begin(), original.end());
  uneven[0].reset();
  uneven[3]->push_back(0);
  EXPECT_EQ(codec.Reconstruct(uneven).code(), common::Code::kInvalidArgument);
}

// A slice of the present shards rebuilds the same slice of the lost ones, for
// every loss pattern, at offsets and lengths that are not SIMD-aligned, into
// buffers that were never initialised.
TEST(ErasureCodecTest, SlicesRebuildTheSameSliceOfLostShards) {
  ErasureCodec codec = MakeCodec(4, 2);
  Shards original = EncodeOrDie(codec, RandomBytes(100'003, 7));
  const size_t shard_bytes = original[0].size();
  for (auto [begin, length] : {std::pair<size_t, size_t>{0, shard_bytes},
                               {1, 1},
                               {13, 4'099},
                               {shard_bytes - 7, 7},
                               {4'096, 8'192}}) {
    ForEachLossPattern(6, 2, [&](const std::vector<int>& lost) {
      std::vector<const uint8_t*> present(6);
      for (int i = 0; i < 6; ++i) present[i] = original[i].data() + begin;
      for (int i : lost) present[i] = nullptr;
      std::vector<std::unique_ptr<uint8_t[]>> buffers;
      std::vector<uint8_t*> outputs;
      for (size_t e = 0; e < lost.size(); ++e) {
        buffers.push_back(std::make_unique_for_overwrite<uint8_t[]>(length));
        outputs.push_back(buffers.back().get());
      }
      common::Status status = codec.ReconstructSlices(present, lost, outputs, length);
      ASSERT_TRUE(status.ok()) << Describe(lost) << ": " << status.ToString();
      for (size_t e = 0; e < lost.size(); ++e) {
        ASSERT_EQ(std::memcmp(outputs[e], original[lost[e]].data() + begin, length), 0)
            << Describe(lost) << " shard " << lost[e] << " slice at " << begin << " +" << length;
      }
    });
  }
}

TEST(ErasureCodecTest, SlicesRefuseBadRequests) {
  ErasureCodec codec = MakeCodec(4, 2);
  Shards original = EncodeOrDie(codec, RandomBytes(1000, 8));
  const size_t n = original[0].size();
  std::vector<const uint8_t*> present;
  for (const auto& shard : original) present.push_back(shard.data());
  std::vector<uint8_t> out(n);
  std::vector<uint8_t*> one_output{out.data()};

  // A present shard cannot be "rebuilt", nor one that does not exist.
  EXPECT_EQ(codec.ReconstructSlices(present, std::vector<int>{1}, one_output, n).code(),
            common::Code::kInvalidArgument);
  present[1] = nullptr;
  EXPECT_EQ(codec.ReconstructSlices(present, std::vector<int>{6}, one_output, n).code(),
            common::Code::kInvalidArgument);
  // One output per wanted shard, one pointer per shard.
  EXPECT_EQ(codec.ReconstructSlices(present, std::vector<int>{1}, {}, n).code(),
            common::Code::kInvalidArgument);
  EXPECT_EQ(codec.ReconstructSlices(std::span(present).first(5), std::vector<int>{1}, one_output, n)
                .code(),
            common::Code::kInvalidArgument);
  // Three of six gone: below K.
  present[2] = nullptr;
  present[4] = nullptr;
  EXPECT_EQ(codec.ReconstructSlices(present, std::vector<int>{1}, one_output, n).code(),
            common::Code::kUnavailable);
  // Two gone: the wanted one comes back.
  present[4] = original[4].data();
  std::vector<uint8_t*> two_outputs{out.data(), nullptr};
  std::vector<uint8_t> out2(n);
  two_outputs[1] = out2.data();
  ASSERT_TRUE(codec.ReconstructSlices(present, std::vector<int>{1, 2}, two_outputs, n).ok());
  EXPECT_EQ(out, original[1]);
  EXPECT_EQ(out2, original[2]);
}

}  // namespace
}  // namespace strata::storage
