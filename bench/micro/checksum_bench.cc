// Micro-benchmarks of the S3 additional checksums (x-amz-checksum-*): the
// CPU each algorithm adds per byte of a PutObject or UploadPart body, over
// one 4 MiB buffer, and the cost of a FULL_OBJECT combination at
// CompleteMultipartUpload for the maximum of 10,000 parts.
// Run: bench/micro.sh (Release build); figures go to bench/README.md.
#include <benchmark/benchmark.h>

#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "service/checksum/checksum.h"

namespace strata {
namespace {

using service::ChecksumAlgorithm;

constexpr size_t kBufferBytes = size_t{4} << 20;

const std::string& Buffer() {
  static const std::string buffer = [] {
    std::mt19937_64 rng(42);
    std::string out(kBufferBytes, '\0');
    for (size_t i = 0; i + 8 <= out.size(); i += 8) {
      uint64_t v = rng();
      std::memcpy(out.data() + i, &v, 8);
    }
    return out;
  }();
  return buffer;
}

void BM_Checksum(benchmark::State& state, ChecksumAlgorithm algorithm) {
  for (auto _ : state) benchmark::DoNotOptimize(service::ComputeChecksum(algorithm, Buffer()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kBufferBytes));
}
BENCHMARK_CAPTURE(BM_Checksum, crc32, ChecksumAlgorithm::kCrc32);
BENCHMARK_CAPTURE(BM_Checksum, crc32c, ChecksumAlgorithm::kCrc32c);
BENCHMARK_CAPTURE(BM_Checksum, crc64nvme, ChecksumAlgorithm::kCrc64Nvme);
BENCHMARK_CAPTURE(BM_Checksum, sha1, ChecksumAlgorithm::kSha1);
BENCHMARK_CAPTURE(BM_Checksum, sha256, ChecksumAlgorithm::kSha256);

// 10,000 parts of 5 MiB: S3's largest part count at a typical part size.
void BM_CombineFullObject(benchmark::State& state, ChecksumAlgorithm algorithm) {
  std::vector<std::pair<std::string, uint64_t>> parts;
  for (int i = 0; i < 10'000; ++i) {
    parts.emplace_back(service::ComputeChecksum(algorithm, std::to_string(i)), uint64_t{5} << 20);
  }
  for (auto _ : state) benchmark::DoNotOptimize(service::CombineFullObjectCrc(algorithm, parts));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * parts.size()));
}
BENCHMARK_CAPTURE(BM_CombineFullObject, crc32, ChecksumAlgorithm::kCrc32);
BENCHMARK_CAPTURE(BM_CombineFullObject, crc64nvme, ChecksumAlgorithm::kCrc64Nvme);

}  // namespace
}  // namespace strata

BENCHMARK_MAIN();
