// ObjectWriter over the real SQLite MetaStore (the dedup index) and the
// in-memory ChunkStore, whose call counts show which chunks were stored.
#include "storage/dedup/object_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "common/hash.h"
#include "common/hex.h"
#include "common/memory_budget.h"
#include "common/random.h"
#include "common/testing/byte_sources.h"
#include "meta/sqlite/sqlite_meta_store.h"
#include "storage/chunker/fixed_chunker.h"
#include "storage/testing/memory_chunk_store.h"

namespace strata::storage {
namespace {

namespace fs = std::filesystem;
using common::Code;

constexpr size_t kChunk = 1024;
constexpr size_t kInline = 100;

std::string Pattern(size_t n, uint32_t seed) {
  std::string out(n, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (auto& c : out) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return out;
}

class ObjectWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    common::SecureRandom random;
    dir_ = fs::temp_directory_path() / ("strata-writer-" + common::RandomHexId(random, 8));
    fs::create_directories(dir_);
    auto meta = meta::sqlite::SqliteMetaStore::Open((dir_ / "strata.db").string());
    ASSERT_TRUE(meta.ok()) << meta.status().ToString();
    meta_ = std::move(meta).value();
    ASSERT_TRUE(meta_->CreateBucket({.name = "b", .region = "", .owner = "o"}).ok());
    chunker_ = std::move(MakeFixedChunker(kChunk)).value();
    writer_ = std::make_unique<ObjectWriter>(*meta_, chunks_, *chunker_, clock_, kInline);
  }
  void TearDown() override { fs::remove_all(dir_); }

  common::Result<WrittenObject> Write(const std::string& body,
                                      std::optional<uint64_t> expected = std::nullopt) {
    common::StringSource source(body);
    return writer_->Write(source, expected ? expected : std::optional<uint64_t>(body.size()));
  }

  // Commits a write under key, as ObjectService does.
  void Commit(const std::string& key, const WrittenObject& written) {
    meta::ObjectRecord record;
    record.bucket = "b";
    record.key = key;
    record.size = written.size;
    record.etag = "e";
    record.content_type = "x";
    record.manifest = written.manifest;
    record.inline_data = written.inline_data;
    auto put = meta_->PutObject(record, {}, written.written_chunks, clock_.NowMillis());
    ASSERT_TRUE(put.ok()) << put.status().ToString();
    writer_->Discard(put->unused_chunks);
  }

  std::string Assemble(const meta::Manifest& manifest) {
    std::string out;
    for (const auto& entry : manifest) {
      std::string piece(entry.length, '\0');
      EXPECT_TRUE(chunks_
                      .ReadRange(entry.chunk, entry.offset,
                                 std::span(reinterpret_cast<uint8_t*>(piece.data()), piece.size()))
                      .ok());
      out += piece;
    }
    return out;
  }

  fs::path dir_;
  common::FixedClock clock_{1'700'000'000'000};
  testing::MemoryChunkStore chunks_{clock_};
  std::unique_ptr<meta::MetaStore> meta_;
  std::unique_ptr<Chunker> chunker_;
  std::unique_ptr<ObjectWriter> writer_;
};

TEST_F(ObjectWriterTest, SmallBodiesStayInline) {
  for (size_t size : {size_t{0}, size_t{1}, kInline}) {
    auto written = Write(Pattern(size, 1));
    ASSERT_TRUE(written.ok()) << written.status().ToString();
    EXPECT_EQ(written->inline_data, Pattern(size, 1));
    EXPECT_TRUE(written->manifest.empty());
    EXPECT_TRUE(written->written_chunks.empty());
  }
  EXPECT_EQ(chunks_.calls().write, 0u);

  auto above = Write(Pattern(kInline + 1, 1));
  ASSERT_TRUE(above.ok());
  EXPECT_TRUE(above->inline_data.empty());
  ASSERT_EQ(above->manifest.size(), 1u);
  EXPECT_EQ(Assemble(above->manifest), Pattern(kInline + 1, 1));
  EXPECT_EQ(chunks_.calls().write, 1u);
}

TEST_F(ObjectWriterTest, CommittedChunksAreNotStoredAgain) {
  const std::string body = Pattern(3 * kChunk + 17, 2);
  auto first = Write(body);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->manifest.size(), 4u);
  EXPECT_EQ(first->written_chunks.size(), 4u);
  EXPECT_EQ(first->deduplicated_bytes, 0u);
  EXPECT_EQ(Assemble(first->manifest), body);
  Commit("one", *first);

  auto second = Write(body);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->written_chunks.empty()) << "every chunk was already stored";
  EXPECT_EQ(second->deduplicated_bytes, body.size());
  EXPECT_EQ(second->manifest, first->manifest);
  EXPECT_EQ(chunks_.calls().write, 4u);

  // A body differing in its third chunk stores only that chunk.
  std::string changed = body;
  changed[2 * kChunk + 5] ^= 1;
  auto third = Write(changed);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->written_chunks.size(), 1u);
  EXPECT_EQ(third->deduplicated_bytes, 2 * kChunk + 17);
  EXPECT_EQ(Assemble(third->manifest), changed);
}

TEST_F(ObjectWriterTest, RepeatedChunkInOneBodyIsStoredOnce) {
  const std::string body(4 * kChunk, 'z');
  auto written = Write(body);
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(written->manifest.size(), 4u);
  EXPECT_EQ(written->written_chunks.size(), 1u);
  EXPECT_EQ(chunks_.LocationCount(), 1u);
  for (const auto& entry : written->manifest) {
    EXPECT_EQ(entry.chunk, written->written_chunks[0]);
  }
  Commit("zeros", *written);
  auto row = meta_->ListChunks("", 10);
  ASSERT_TRUE(row.ok());
  ASSERT_EQ(row->size(), 1u);
}

TEST_F(ObjectWriterTest, WrongLengthsFailAndLeaveNothing) {
  const std::string body = Pattern(3 * kChunk, 3);
  auto longer = Write(body, 2 * kChunk + 10);
  EXPECT_EQ(longer.status().code(), Code::kInvalidRequest);
  auto shorter = Write(body, 5 * kChunk);
  EXPECT_EQ(shorter.status().code(), Code::kIncompleteBody);
  auto short_inline = Write("abc", 50);
  EXPECT_EQ(short_inline.status().code(), Code::kIncompleteBody);
  EXPECT_EQ(chunks_.LocationCount(), 0u) << "chunks stored before the failure are deleted";
}

TEST_F(ObjectWriterTest, BodyErrorDeletesWhatWasStored) {
  common::testing::DroppingSource dropping(5 * kChunk + 3, 'q');
  // 'q' repeats, so distinct content is needed to store more than one chunk:
  // the point is that whatever was stored goes.
  auto written = writer_->Write(dropping, 10 * kChunk);
  EXPECT_EQ(written.status().code(), Code::kIncompleteBody);
  EXPECT_GE(chunks_.calls().write, 1u);
  EXPECT_EQ(chunks_.LocationCount(), 0u);
}

// A client that drops mid-upload while its body holds the budget: the lease
// comes back (or every later large upload would wait forever) and nothing
// it stored stays.
TEST_F(ObjectWriterTest, ADroppedBodyReturnsItsLeaseAndLeavesNothing) {
  auto chunker = std::move(MakeFixedChunker(256 * 1024)).value();
  ObjectWriter probe(*meta_, chunks_, *chunker, clock_, kInline);
  common::MemoryBudget budget(probe.UploadLeaseBytes());
  ObjectWriter writer(*meta_, chunks_, *chunker, clock_, kInline, &budget);
  common::testing::DroppingSource dropping(600 * 1024, 'd');
  auto written = writer.Write(dropping, 1024 * 1024);
  EXPECT_EQ(written.status().code(), Code::kIncompleteBody);
  EXPECT_GE(chunks_.calls().write, 1u) << "the body got past its first chunk";
  EXPECT_EQ(chunks_.LocationCount(), 0u);
  EXPECT_EQ(budget.leased(), 0u);
  // The budget is whole again: a full-size body gets it without waiting.
  const std::string body = Pattern(300 * 1024, 4);
  common::StringSource source(body);
  ASSERT_TRUE(writer.Write(source, body.size()).ok());
  EXPECT_EQ(budget.waits(), 0u);
  EXPECT_EQ(budget.leased(), 0u);
}

TEST_F(ObjectWriterTest, ThresholdZeroStoresEveryBodyAsChunks) {
  ObjectWriter writer(*meta_, chunks_, *chunker_, clock_, 0);
  common::StringSource one_byte("x");
  auto written = writer.Write(one_byte, 1);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_TRUE(written->inline_data.empty());
  ASSERT_EQ(written->written_chunks.size(), 1u);
  EXPECT_EQ(Assemble(written->manifest), "x");
  common::StringSource empty("");
  auto nothing = writer.Write(empty, 0);
  ASSERT_TRUE(nothing.ok());
  EXPECT_TRUE(nothing->manifest.empty()) << "an empty body has no chunk";
  EXPECT_EQ(nothing->size, 0u);
}

// A source that hands out its body only up to `allowed` bytes, waiting for
// more: holds a write mid-body, as a slow client does.
class GatedSource : public common::ByteSource {
 public:
  GatedSource(std::string body, std::atomic<size_t>& allowed)
      : body_(std::move(body)), allowed_(allowed) {}
  common::Result<size_t> Read(std::span<char> out) override {
    while (pos_ < body_.size() && pos_ >= allowed_.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const size_t n = std::min({out.size(), body_.size() - pos_, allowed_.load() - pos_});
    std::memcpy(out.data(), body_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string body_;
  size_t pos_ = 0;
  std::atomic<size_t>& allowed_;
};

// The upload memory budget: a body past the stream's first 64 KiB leases its
// share until written; an inline body never does; a second large body waits
// while the budget is spent, then completes with the right bytes.
TEST_F(ObjectWriterTest, LargeBodiesLeaseTheMemoryBudgetAndWaitForIt) {
  auto chunker = std::move(MakeFixedChunker(256 * 1024)).value();
  ObjectWriter probe(*meta_, chunks_, *chunker, clock_, kInline);
  common::MemoryBudget budget(probe.UploadLeaseBytes());  // room for one body
  ObjectWriter writer(*meta_, chunks_, *chunker, clock_, kInline, &budget);

  const std::string small_body(50, 's');  // the source reads it in place
  common::StringSource small(small_body);
  ASSERT_TRUE(writer.Write(small, small_body.size()).ok());
  const std::string medium_body = Pattern(60 * 1024, 3);  // chunks, but within 64 KiB
  common::StringSource medium(medium_body);
  ASSERT_TRUE(writer.Write(medium, medium_body.size()).ok());
  EXPECT_EQ(budget.waits(), 0u);
  EXPECT_EQ(budget.leased(), 0u);

  const std::string first_body = Pattern(600 * 1024, 1);
  const std::string second_body = Pattern(700 * 1024, 2);
  std::atomic<size_t> first_allowed{128 * 1024};  // past 64 KiB: the buffer grows
  std::atomic<size_t> second_allowed{second_body.size()};
  GatedSource first_source(first_body, first_allowed);
  GatedSource second_source(second_body, second_allowed);
  common::Result<WrittenObject> first = common::Error(Code::kInternal, "not run");
  common::Result<WrittenObject> second = common::Error(Code::kInternal, "not run");
  std::atomic<bool> second_done{false};
  std::thread first_writer([&] { first = writer.Write(first_source, first_body.size()); });
  while (budget.leased() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(budget.leased(), probe.UploadLeaseBytes());
  std::thread second_writer([&] {
    second = writer.Write(second_source, second_body.size());
    second_done = true;
  });
  while (budget.waits() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_FALSE(second_done.load()) << "the second body must wait while the first holds the budget";
  first_allowed = first_body.size();
  first_writer.join();
  second_writer.join();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(Assemble(first->manifest), first_body);
  EXPECT_EQ(Assemble(second->manifest), second_body);
  EXPECT_EQ(budget.leased(), 0u);
  EXPECT_EQ(budget.waits(), 1u);
}

}  // namespace
}  // namespace strata::storage
