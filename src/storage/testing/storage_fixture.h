// StorageFixture: a gtest fixture with a real SQLite MetaStore in a temporary
// directory, a MemoryChunkStore and a FixedClock, plus helpers that store an
// object the way the write path does (chunk written, then one commit naming
// it). Header-only; tests that use it link strata_meta_sqlite and
// strata_storage_testing.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/hash.h"
#include "common/hex.h"
#include "common/random.h"
#include "meta/meta_store.h"
#include "meta/sqlite/sqlite_meta_store.h"
#include "storage/testing/memory_chunk_store.h"

namespace strata::storage::testing {

// Polls `done` every 2 ms for at most `limit` (generous: sanitizer builds on
// a loaded machine); true once it holds. For waiting on another thread
// without sleeping for a guessed time.
template <typename Predicate>
bool WaitFor(Predicate done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

class StorageFixture : public ::testing::Test {
 protected:
  static constexpr int64_t kStartMs = 1'700'000'000'000;
  static constexpr const char* kBucket = "bucket";

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("strata-storage-" + common::RandomHexId(random_, 8));
    std::filesystem::create_directories(dir_);
    auto meta = meta::sqlite::SqliteMetaStore::Open((dir_ / "meta.db").string());
    ASSERT_TRUE(meta.ok()) << meta.status().ToString();
    meta_ = std::move(meta).value();
    ASSERT_TRUE(meta_->CreateBucket(meta::Bucket{kBucket, "", "owner", kStartMs}).ok());
  }

  void TearDown() override {
    meta_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Distinct content for each seed, `size` bytes.
  static std::string Content(int seed, size_t size = 1000) {
    std::string data(size, '\0');
    for (size_t i = 0; i < size; ++i) data[i] = static_cast<char>(seed * 131 + i * 7);
    return data;
  }

  // Writes `data` as one new chunk (no row yet: an orphan until committed).
  meta::ChunkInfo WriteChunk(std::string_view data) {
    auto chunk = chunks_.Write(common::Sha256Hex(data), data);
    EXPECT_TRUE(chunk.ok()) << chunk.status().ToString();
    return chunk.ok() ? *chunk : meta::ChunkInfo{};
  }

  // Commits object `key` whose body is the whole of `chunk`. `written` says
  // whether this write stored the chunk (else it was found through FindChunk).
  void Commit(const std::string& key, const meta::ChunkInfo& chunk, bool written) {
    meta::ObjectRecord record;
    record.bucket = kBucket;
    record.key = key;
    record.size = chunk.size;
    record.etag = std::string(32, 'e');
    record.last_modified_ms = clock_.NowMillis();
    record.manifest = {meta::ManifestEntry{chunk, 0, chunk.size}};
    std::vector<meta::ChunkInfo> written_chunks;
    if (written) written_chunks.push_back(chunk);
    auto put = meta_->PutObject(record, {}, written_chunks, clock_.NowMillis());
    ASSERT_TRUE(put.ok()) << put.status().ToString();
    EXPECT_TRUE(put->unused_chunks.empty());
  }

  // Stores `data` as object `key` the way the write path does: a new chunk,
  // then the commit naming it.
  meta::ChunkInfo PutObject(const std::string& key, std::string_view data) {
    meta::ChunkInfo chunk = WriteChunk(data);
    Commit(key, chunk, /*written=*/true);
    return chunk;
  }

  // n objects "k0" .. "k<n-1>" with one chunk each, of Content(i).
  std::vector<meta::ChunkInfo> PutObjects(int n) {
    std::vector<meta::ChunkInfo> stored;
    for (int i = 0; i < n; ++i) stored.push_back(PutObject("k" + std::to_string(i), Content(i)));
    return stored;
  }

  void DeleteObject(const std::string& key) {
    auto deleted = meta_->DeleteObject(kBucket, key, clock_.NowMillis());
    ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
    ASSERT_TRUE(deleted->has_value()) << key;
  }

  // Every chunk row, in hash order.
  std::vector<meta::ChunkInfo> ChunkRows() {
    auto rows = meta_->ListChunks("", 100000);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? *rows : std::vector<meta::ChunkInfo>{};
  }

  // Whether the whole chunk reads back as `data`.
  bool Readable(const meta::ChunkInfo& chunk, std::string_view data) {
    std::string out(chunk.size, '\0');
    common::Status read = chunks_.ReadRange(
        chunk, 0, std::span<uint8_t>(reinterpret_cast<uint8_t*>(out.data()), out.size()));
    return read.ok() && out == data;
  }

  common::SecureRandom random_;
  std::filesystem::path dir_;
  common::FixedClock clock_{kStartMs};
  MemoryChunkStore chunks_{clock_};
  std::unique_ptr<meta::MetaStore> meta_;
};

}  // namespace strata::storage::testing
