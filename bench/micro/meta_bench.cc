// Micro-benchmarks of the metadata lookups every request makes, on the
// embedded store (SqliteMetaStore, a database in a temporary folder): the
// GetObject of a GET or HEAD, and one ListObjects page of 1,000 keys (a
// ListObjectsV2 without delimiter), in a bucket of 100,000 keys. The store is
// filled once per process through PutObject with the fsyncs skipped
// (nosync_vfs.h); the lookups themselves never sync.
// Run: bench/micro.sh (Release build); figures go to bench/README.md.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "meta/sqlite/sqlite_meta_store.h"
#include "nosync_vfs.h"

namespace strata {
namespace {

constexpr int kKeys = 100000;
constexpr char kBucket[] = "bench";

std::string Key(int i) {
  char name[48];
  std::snprintf(name, sizeof(name), "photos/2026/12/01/obj-%08d.jpg", i);
  return name;
}

// The store, filled on first use and removed with its folder at exit.
class Fixture {
 public:
  static Fixture& Get() {
    static Fixture fixture;
    return fixture;
  }
  meta::MetaStore* store() { return store_.get(); }
  ~Fixture() {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

 private:
  Fixture() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr ? tmp : "/tmp") + "/strata-meta-bench.XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr || !bench::InstallNoSyncVfs()) return;
    dir_ = pattern;
    auto opened = meta::sqlite::SqliteMetaStore::Open((dir_ / "strata.db").string());
    if (!opened.ok()) return;
    auto store = std::move(opened).value();
    meta::Bucket bucket;
    bucket.name = kBucket;
    if (!store->CreateBucket(bucket).ok()) return;
    meta::ObjectRecord record;
    record.bucket = kBucket;
    record.etag = "d41d8cd98f00b204e9800998ecf8427e";
    record.content_type = "image/jpeg";
    record.user_metadata = {{"camera", "bench"}};
    record.last_modified_ms = 1764547200000;
    for (int i = 0; i < kKeys; ++i) {
      record.key = Key(i);
      if (!store->PutObject(record, {}, {}, record.last_modified_ms).ok()) return;
    }
    store_ = std::move(store);
  }

  std::filesystem::path dir_;
  std::unique_ptr<meta::sqlite::SqliteMetaStore> store_;
};

// GetObject of a random existing key: one indexed row read and its decode.
void BM_MetaGetObject(benchmark::State& state) {
  meta::MetaStore* store = Fixture::Get().store();
  if (store == nullptr) {
    state.SkipWithError("cannot fill the metadata store");
    return;
  }
  std::mt19937 rng(7);
  for (auto _ : state) {
    auto object = store->GetObject(kBucket, Key(static_cast<int>(rng() % kKeys)));
    if (!object.ok()) state.SkipWithError("GetObject failed");
    benchmark::DoNotOptimize(object);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_MetaGetObject);

// One ListObjects page of 1,000 keys: arg 0 the bucket's first page, arg 1
// a page starting after a random key (a continuation token's position).
void BM_MetaListObjectsPage(benchmark::State& state) {
  meta::MetaStore* store = Fixture::Get().store();
  if (store == nullptr) {
    state.SkipWithError("cannot fill the metadata store");
    return;
  }
  std::mt19937 rng(7);
  meta::ListQuery query;
  query.prefix = "photos/";
  query.max_keys = 1000;
  for (auto _ : state) {
    if (state.range(0) != 0) query.start_after = Key(static_cast<int>(rng() % (kKeys - 1000)));
    auto page = store->ListObjects(kBucket, query);
    if (!page.ok() || page->objects.size() != 1000) state.SkipWithError("ListObjects failed");
    benchmark::DoNotOptimize(page);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 1000));
}
BENCHMARK(BM_MetaListObjectsPage)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace strata

BENCHMARK_MAIN();
