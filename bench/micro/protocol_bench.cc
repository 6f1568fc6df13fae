// Micro-benchmarks of the per-request protocol work that does not depend on
// the body: SigV4 verification of a request head (auth/sigv4/verifier.h) and
// encoding a ListObjectsV2 result of 1,000 keys (s3/xml/list_objects.h).
// These are what a 4 KiB GET or a LIST page pays besides metadata and I/O.
// Run: bench/micro.sh (Release build); figures go to bench/README.md.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include "auth/credentials.h"
#include "auth/sigv4/test_signer.h"
#include "auth/sigv4/verifier.h"
#include "common/clock.h"
#include "s3/xml/list_objects.h"

namespace strata {
namespace {

using auth::test_signer::kDocAccessKey;
using auth::test_signer::kDocAmzDate;
using auth::test_signer::kDocSecretKey;
using auth::test_signer::kDocTimeMs;

// A GET as an SDK sends it: host, x-amz-date and x-amz-content-sha256 signed,
// a few unsigned headers beside them. With a query (ListObjectsV2) when
// `query` is not empty.
http::Request SignedGet(const std::string& path, const std::string& query) {
  const std::string target = query.empty() ? path : path + "?" + query;
  http::Request r = auth::test_signer::MakeRequest(
      "GET", target,
      {{"host", "bench.s3.example.com:9000"},
       {"user-agent", "aws-sdk-cpp/1.11 strata-bench"},
       {"accept", "*/*"},
       {"amz-sdk-invocation-id", "7b2ad2c4-8f1a-4a55-9d3e-0f6c2b8a1e11"},
       {"x-amz-content-sha256", auth::test_signer::kEmptySha256},
       {"x-amz-date", kDocAmzDate}});
  auth::test_signer::SignSpec spec;
  spec.payload_line = auth::test_signer::kEmptySha256;
  spec.signed_headers = {"host", "x-amz-content-sha256", "x-amz-date"};
  auth::test_signer::SignWithHeader(r, spec);
  return r;
}

// Authenticate() of a signed request head: parse the Authorization header,
// look the key up (a static store: no metadata read), build the canonical
// request, derive the signing key, HMAC and compare.
void RunVerify(benchmark::State& state, const http::Request& request) {
  auth::StaticCredentialStore store({{kDocAccessKey, kDocSecretKey, "bench"}});
  common::FixedClock clock(kDocTimeMs);
  auth::SigV4Verifier verifier(store, clock);
  if (!verifier.Authenticate(request).ok()) {
    state.SkipWithError("the benchmark request does not verify");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(verifier.Authenticate(request));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void BM_SigV4VerifyGetObject(benchmark::State& state) {
  RunVerify(state, SignedGet("/bench/photos/2026/12/01/obj-00001234", ""));
}
BENCHMARK(BM_SigV4VerifyGetObject);

void BM_SigV4VerifyListObjectsV2(benchmark::State& state) {
  RunVerify(state, SignedGet("/bench",
                             "continuation-token=b2JqLTAwMDAwOTk5&list-type=2&max-keys="
                             "1000&prefix=photos%2F2026%2F"));
}
BENCHMARK(BM_SigV4VerifyListObjectsV2);

// WriteListBucketResultV2 for one full page: 1,000 keys of ~40 bytes, as the
// ListObjectsV2 handler hands them over (no owner, no URL encoding; with
// encoding-type=url as the second argument, as the aws cli asks for).
void BM_XmlListObjectsV2(benchmark::State& state) {
  s3::xml::ListBucketResultV2 result;
  result.name = "bench";
  result.prefix = "photos/2026/";
  result.max_keys = 1000;
  result.is_truncated = true;
  result.next_continuation_token = "cGhvdG9zLzIwMjYvMTIvMDEvb2JqLTAwMDAwOTk5";
  result.url_encoding = state.range(0) != 0;
  char key[64];
  for (int i = 0; i < 1000; ++i) {
    std::snprintf(key, sizeof(key), "photos/2026/12/01/obj-%08d.jpg", i);
    s3::xml::ObjectSummary s;
    s.key = key;
    s.last_modified_ms = kDocTimeMs + i;
    s.etag = "9b2cf535f27731c974343645a3985328";
    s.size = 4096 + static_cast<uint64_t>(i);
    result.contents.push_back(std::move(s));
  }
  size_t bytes = 0;
  for (auto _ : state) {
    std::string xml = s3::xml::WriteListBucketResultV2(result);
    bytes = xml.size();
    benchmark::DoNotOptimize(xml);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 1000));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_XmlListObjectsV2)->Arg(0)->Arg(1);

}  // namespace
}  // namespace strata

BENCHMARK_MAIN();
