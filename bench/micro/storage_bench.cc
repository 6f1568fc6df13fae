// Micro-benchmarks of the storage engine's CPU work per byte: the hashes every
// PUT pays (MD5 for the ETag, SHA-256 naming each chunk, XXH3 per shard
// block), the chunkers, and Reed-Solomon encode/decode, next to ISA-L's raw
// ec_encode_data on the same buffers (the ceiling our codec wraps).
// Run: bench/micro.sh (Release build); figures go to bench/README.md.
#include <benchmark/benchmark.h>
#include <isa-l/erasure_code.h>
#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "common/hash.h"
#include "storage/chunker/fastcdc_chunker.h"
#include "storage/chunker/fixed_chunker.h"
#include "storage/erasure/codec.h"

namespace strata {
namespace {

constexpr size_t kChunkBytes = size_t{4} << 20;

std::string RandomBytes(size_t n) {
  std::mt19937_64 rng(42);
  std::string out(n, '\0');
  for (size_t i = 0; i + 8 <= n; i += 8) {
    uint64_t v = rng();
    std::memcpy(out.data() + i, &v, 8);
  }
  return out;
}

const std::string& Chunk() {
  static const std::string chunk = RandomBytes(kChunkBytes);
  return chunk;
}

void BM_Sha256(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(common::Sha256(Chunk()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kChunkBytes));
}
BENCHMARK(BM_Sha256);

void BM_Md5(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(common::Md5(Chunk()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kChunkBytes));
}
BENCHMARK(BM_Md5);

void BM_Xxh3(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(XXH3_64bits(Chunk().data(), Chunk().size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kChunkBytes));
}
BENCHMARK(BM_Xxh3);

// Cuts a 64 MiB buffer into chunks, as ChunkStream drives a chunker.
void RunChunker(benchmark::State& state, const storage::Chunker& chunker) {
  static const std::string data = RandomBytes(size_t{64} << 20);
  for (auto _ : state) {
    size_t at = 0;
    size_t chunks = 0;
    while (at < data.size()) {
      std::span<const char> rest(data.data() + at,
                                 std::min(data.size() - at, chunker.max_chunk_size()));
      at += chunker.NextBoundary(rest, at + rest.size() == data.size());
      ++chunks;
    }
    benchmark::DoNotOptimize(chunks);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}

void BM_FixedChunker(benchmark::State& state) {
  auto chunker = storage::MakeFixedChunker().value();
  RunChunker(state, *chunker);
}
BENCHMARK(BM_FixedChunker);

void BM_FastCdcChunker(benchmark::State& state) {
  auto chunker = storage::MakeFastCdcChunker().value();
  RunChunker(state, *chunker);
}
BENCHMARK(BM_FastCdcChunker);

std::span<const uint8_t> ChunkSpan() {
  return {reinterpret_cast<const uint8_t*>(Chunk().data()), Chunk().size()};
}

// ISA-L alone: the same Cauchy matrix and tables our codec uses, encoding the
// same 4 MiB chunk's K data shards (already in place) into M parity shards.
void BM_IsalRawEncode(benchmark::State& state) {
  const int k = static_cast<int>(state.range(0));
  const int m = static_cast<int>(state.range(1));
  const size_t shard = kChunkBytes / static_cast<size_t>(k);
  std::vector<uint8_t> matrix(static_cast<size_t>((k + m) * k));
  gf_gen_cauchy1_matrix(matrix.data(), k + m, k);
  std::vector<uint8_t> tables(static_cast<size_t>(32 * k * m));
  ec_init_tables(k, m, matrix.data() + k * k, tables.data());
  std::vector<std::vector<uint8_t>> parity(static_cast<size_t>(m), std::vector<uint8_t>(shard));
  std::vector<uint8_t*> data_ptrs;
  std::vector<uint8_t*> parity_ptrs;
  for (int i = 0; i < k; ++i) {
    data_ptrs.push_back(const_cast<uint8_t*>(ChunkSpan().data()) + static_cast<size_t>(i) * shard);
  }
  for (auto& p : parity) parity_ptrs.push_back(p.data());
  for (auto _ : state) {
    ec_encode_data(static_cast<int>(shard), k, m, tables.data(), data_ptrs.data(),
                   parity_ptrs.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kChunkBytes));
}
BENCHMARK(BM_IsalRawEncode)->Args({4, 2})->Args({8, 4})->Args({2, 1});

// Our codec: splitting the chunk into shard buffers (a copy) plus the same
// ISA-L pass.
void BM_CodecEncode(benchmark::State& state) {
  auto codec = storage::ErasureCodec::Create(static_cast<int>(state.range(0)),
                                             static_cast<int>(state.range(1)))
                   .value();
  std::vector<std::vector<uint8_t>> shards;
  for (auto _ : state) {
    benchmark::DoNotOptimize(codec.Encode(ChunkSpan(), shards));
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kChunkBytes));
}
BENCHMARK(BM_CodecEncode)->Args({4, 2})->Args({8, 4})->Args({2, 1});

// Rebuilds M lost data shards (the worst case: every loss is data).
void BM_CodecDecode(benchmark::State& state) {
  const int k = static_cast<int>(state.range(0));
  const int m = static_cast<int>(state.range(1));
  auto codec = storage::ErasureCodec::Create(k, m).value();
  std::vector<std::vector<uint8_t>> encoded;
  (void)codec.Encode(ChunkSpan(), encoded);
  std::vector<std::optional<std::vector<uint8_t>>> shards;
  for (auto _ : state) {
    state.PauseTiming();
    shards.assign(encoded.begin(), encoded.end());
    for (int i = 0; i < m; ++i) shards[static_cast<size_t>(i)].reset();
    state.ResumeTiming();
    benchmark::DoNotOptimize(codec.Reconstruct(shards));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kChunkBytes));
}
BENCHMARK(BM_CodecDecode)->Args({4, 2})->Args({8, 4})->Args({2, 1});

}  // namespace
}  // namespace strata

BENCHMARK_MAIN();
