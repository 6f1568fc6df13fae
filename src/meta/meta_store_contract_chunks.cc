// The chunk half of the MetaStore contract suite: manifests and inline bodies,
// reference counting in PutObject and DeleteObject, and the dedup, GC and
// healer calls (meta_store.h).
//
// Counts are not readable through the interface, so tests observe them the
// way GC does: a chunk is listed by ListUnreferencedChunks exactly when its
// count is 0, and since when. A count of n shows as "still referenced after
// n - 1 references go, unreferenced after the n-th".
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "meta/internal/contract_util.h"
#include "meta/meta_store_contract.h"

namespace strata::meta::contract {
namespace {

using common::Code;
using Strings = std::vector<std::string>;
using PutResult = MetaStore::PutResult;

WriteCondition IfNoneMatchAny() { return {.kind = WriteCondition::Kind::kIfNoneMatchAny}; }

common::Result<PutResult> Put(MetaStore& store, const ObjectRecord& object,
                              const std::vector<ChunkInfo>& written = {}, int64_t now_ms = kNowMs,
                              const WriteCondition& condition = {}) {
  return store.PutObject(object, condition, written, now_ms);
}

// --- Bodies ----------------------------------------------------------------

TEST_P(MetaStoreContractTest, ManifestAndInlineDataRoundTrip) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  const ChunkInfo c1 = Chunk(1);
  const ChunkInfo c2 = Chunk(2);
  // Whole chunks, pieces starting inside one, a chunk named twice.
  ObjectRecord pieces = WithManifest(
      "b", "pieces", {Whole(c1), Piece(c2, 10, 20), Piece(c1, c1.size - 1, 1), Whole(c2)});
  STRATA_ASSERT_OK(Put(store(), pieces, {c1, c2}));

  std::string bytes;  // every byte value, NUL first
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  const std::string inline_bodies[] = {
      std::string("\0", 1),
      bytes,
      std::string(100000, '\xff') + std::string(3, '\0'),
      // Text a column with numeric affinity would turn into a number.
      "12345",
      "1e5",
      " 7 ",
  };
  std::vector<ObjectRecord> all = {pieces};
  for (size_t i = 0; i < std::size(inline_bodies); ++i) {
    ObjectRecord object = MakeObject("b", "inline-" + std::to_string(i));
    object.inline_data = inline_bodies[i];
    object.size = object.inline_data.size();
    STRATA_ASSERT_OK(Put(store(), object));
    all.push_back(object);
  }
  for (const ObjectRecord& object : all) {
    STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord out, store().GetObject("b", object.key));
    EXPECT_TRUE(SameRecord(object, out)) << object.key;
  }
  STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store().ListObjects("b", {}));
  ASSERT_EQ(page.objects.size(), all.size());
  for (const ObjectRecord& listed : page.objects) {
    bool found = false;
    for (const ObjectRecord& object : all) {
      if (object.key != listed.key) continue;
      found = true;
      EXPECT_TRUE(SameRecord(object, listed)) << object.key;
    }
    EXPECT_TRUE(found) << listed.key;
  }
  // Replaced and deleted records carry their bodies too.
  STRATA_ASSERT_OK_AND_ASSIGN(PutResult put, Put(store(), MakeObject("b", "pieces")));
  ASSERT_TRUE(put.replaced.has_value());
  EXPECT_TRUE(SameRecord(pieces, *put.replaced));
  STRATA_ASSERT_OK_AND_ASSIGN(std::optional<ObjectRecord> deleted,
                              store().DeleteObject("b", "inline-1", kNowMs));
  ASSERT_TRUE(deleted.has_value());
  EXPECT_EQ(deleted->inline_data, bytes);
  EXPECT_TRUE(deleted->manifest.empty());
}

// A 4 GiB + 4 MiB object: 1025 entries naming one chunk, a size past 32 bits.
TEST_P(MetaStoreContractTest, LargeManifestCountsEveryEntry) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  ChunkInfo chunk = Chunk(1);
  chunk.size = 4 << 20;
  const Manifest manifest(1025, Whole(chunk));
  const ObjectRecord big = WithManifest("b", "big", manifest);
  ASSERT_GT(big.size, uint64_t{1} << 32);
  STRATA_ASSERT_OK(Put(store(), big, {chunk}));
  STRATA_ASSERT_OK(Put(store(), WithManifest("b", "small", {Whole(chunk)})));
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord out, store().GetObject("b", "big"));
  EXPECT_TRUE(SameRecord(big, out));
  STRATA_ASSERT_OK(store().DeleteObject("b", "big", kNowMs));
  EXPECT_EQ(Unreferenced(store()), Strings{});  // 1026 - 1025 = 1
  STRATA_ASSERT_OK(store().DeleteObject("b", "small", kNowMs));
  EXPECT_EQ(Unreferenced(store()), Strings{chunk.hash});
}

// --- Reference counts ------------------------------------------------------

TEST_P(MetaStoreContractTest, PutCreatesChunkRows) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  const ChunkInfo c1 = Chunk(1);
  const ChunkInfo c2 = Chunk(2);
  STRATA_ASSERT_OK_AND_ASSIGN(std::optional<ChunkInfo> before, store().FindChunk(c1.hash, kNowMs));
  EXPECT_FALSE(before.has_value());
  STRATA_ASSERT_OK_AND_ASSIGN(
      PutResult put, Put(store(), WithManifest("b", "k", {Whole(c1), Whole(c2)}), {c1, c2}));
  EXPECT_TRUE(put.unused_chunks.empty());
  for (const ChunkInfo& chunk : {c1, c2}) {
    STRATA_ASSERT_OK_AND_ASSIGN(std::optional<ChunkInfo> found,
                                store().FindChunk(chunk.hash, kNowMs));
    ASSERT_TRUE(found.has_value());
    EXPECT_TRUE(*found == chunk) << chunk.hash;
    EXPECT_TRUE(LocationExists(store(), chunk.location));
  }
  EXPECT_FALSE(LocationExists(store(), Chunk(1, 1).location));
  EXPECT_FALSE(LocationExists(store(), Chunk(3).location));
  EXPECT_EQ(Unreferenced(store()), Strings{});
}

TEST_P(MetaStoreContractTest, CountsEntriesNotDistinctChunks) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  const ChunkInfo c = Chunk(1);
  const ChunkInfo d = Chunk(2);
  // "twice" writes c and names it twice (count 2), "dedup-twice" names it
  // twice more through FindChunk (4), "once" once more (5).
  STRATA_ASSERT_OK(
      Put(store(), WithManifest("b", "twice", {Piece(c, 0, 10), Piece(c, 10, 10)}), {c}));
  STRATA_ASSERT_OK(Put(store(), WithManifest("b", "dedup-twice", {Whole(c), Piece(c, 5, 5)})));
  STRATA_ASSERT_OK(Put(store(), WithManifest("b", "once", {Whole(c)})));
  STRATA_ASSERT_OK(store().DeleteObject("b", "twice", 2000));
  EXPECT_EQ(Unreferenced(store()), Strings{});  // 5 - 2 = 3
  STRATA_ASSERT_OK(store().DeleteObject("b", "dedup-twice", 2000));
  EXPECT_EQ(Unreferenced(store()), Strings{});  // 3 - 2 = 1
  STRATA_ASSERT_OK(store().DeleteObject("b", "once", 3000));
  EXPECT_EQ(Unreferenced(store(), 2999), Strings{});
  EXPECT_EQ(Unreferenced(store(), 3000), Strings{c.hash});

  // And alone: both entries' references go with the object.
  STRATA_ASSERT_OK(Put(store(), WithManifest("b", "d", {Whole(d), Whole(d)}), {d}));
  STRATA_ASSERT_OK(store().DeleteObject("b", "d", 4000));
  EXPECT_EQ(Unreferenced(store()), (Strings{c.hash, d.hash}));
}

TEST_P(MetaStoreContractTest, ObjectsShareAChunk) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  const ChunkInfo c = Chunk(1);
  STRATA_ASSERT_OK(Put(store(), WithManifest("b", "first", {Whole(c)}), {c}));
  // Deduplicated: found, then referenced without being written.
  STRATA_ASSERT_OK_AND_ASSIGN(std::optional<ChunkInfo> found, store().FindChunk(c.hash, kNowMs));
  ASSERT_TRUE(found.has_value());
  STRATA_ASSERT_OK_AND_ASSIGN(PutResult put,
                              Put(store(), WithManifest("b", "second", {Whole(*found)})));
  EXPECT_TRUE(put.unused_chunks.empty());
  STRATA_ASSERT_OK(store().DeleteObject("b", "first", 2000));
  EXPECT_EQ(Unreferenced(store()), Strings{});
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord second, store().GetObject("b", "second"));
  EXPECT_EQ(second.manifest, Manifest{Whole(c)});
  STRATA_ASSERT_OK(store().DeleteObject("b", "second", 3000));
  EXPECT_EQ(Unreferenced(store(), 2999), Strings{});
  EXPECT_EQ(Unreferenced(store(), 3000), Strings{c.hash});
}

TEST_P(MetaStoreContractTest, OverwriteMovesReferences) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  const ChunkInfo c1 = Chunk(1);
  const ChunkInfo c2 = Chunk(2);
  const ChunkInfo c3 = Chunk(3);
  const ObjectRecord first = WithManifest("b", "k", {Whole(c1), Whole(c2)});
  STRATA_ASSERT_OK(Put(store(), first, {c1, c2}, 1000));
  // c2 stays (deduplicated by the new body), c1 goes, c3 arrives.
  STRATA_ASSERT_OK_AND_ASSIGN(
      PutResult put, Put(store(), WithManifest("b", "k", {Whole(c2), Whole(c3)}), {c3}, 2000));
  ASSERT_TRUE(put.replaced.has_value());
  EXPECT_TRUE(SameRecord(first, *put.replaced));
  EXPECT_EQ(Unreferenced(store(), 1999), Strings{});
  EXPECT_EQ(Unreferenced(store(), 2000), Strings{c1.hash});
  // Same body again: nothing passes through 0.
  STRATA_ASSERT_OK(Put(store(), WithManifest("b", "k", {Whole(c2), Whole(c3)}), {}, 2500));
  EXPECT_EQ(Unreferenced(store()), Strings{c1.hash});
  // An inline body releases every chunk.
  STRATA_ASSERT_OK(Put(store(), MakeObject("b", "k"), {}, 3000));
  EXPECT_EQ(Unreferenced(store(), 2999), Strings{c1.hash});
  EXPECT_EQ(Unreferenced(store(), 3000), (Strings{c1.hash, c2.hash, c3.hash}));
}

TEST_P(MetaStoreContractTest, DeleteReleasesReferences) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  const ChunkInfo c = Chunk(1);
  const ObjectRecord object = WithManifest("b", "k", {Whole(c)});
  STRATA_ASSERT_OK(Put(store(), object, {c}));
  STRATA_ASSERT_OK_AND_ASSIGN(std::optional<ObjectRecord> deleted,
                              store().DeleteObject("b", "k", 5000));
  ASSERT_TRUE(deleted.has_value());
  EXPECT_TRUE(SameRecord(object, *deleted));
  EXPECT_EQ(Unreferenced(store(), 4999), Strings{});
  EXPECT_EQ(Unreferenced(store(), 5000), Strings{c.hash});
  // Deleting nothing changes nothing.
  STRATA_ASSERT_OK(store().DeleteObject("b", "k", 9000));
  EXPECT_EQ(Unreferenced(store(), 5000), Strings{c.hash});
}

// A chunk in written_chunks that no entry names still gets its row, at count
// 0 from now_ms, so GC finds and removes it.
TEST_P(MetaStoreContractTest, WrittenButUnusedChunkAwaitsGc) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  const ChunkInfo c = Chunk(1);
  STRATA_ASSERT_OK_AND_ASSIGN(PutResult put, Put(store(), MakeObject("b", "k"), {c}, 7000));
  EXPECT_TRUE(put.unused_chunks.empty());
  EXPECT_TRUE(LocationExists(store(), c.location));
  EXPECT_EQ(Unreferenced(store(), 6999), Strings{});
  EXPECT_EQ(Unreferenced(store(), 7000), Strings{c.hash});
}

// --- Concurrent copies of one content --------------------------------------

// Two uploads of the same content both missed in FindChunk and stored their
// own copies: the second commit keeps the first copy and hands its own back.
TEST_P(MetaStoreContractTest, SecondCopyOfAChunkIsUnused) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  const ChunkInfo mine = Chunk(1, 0);
  const ChunkInfo theirs = Chunk(1, 1);
  STRATA_ASSERT_OK(Put(store(), WithManifest("b", "a", {Whole(mine)}), {mine}));
  STRATA_ASSERT_OK_AND_ASSIGN(
      PutResult put,
      Put(store(), WithManifest("b", "b", {Piece(theirs, 1, 2), Whole(theirs)}), {theirs}));
  ASSERT_EQ(put.unused_chunks.size(), 1u);
  EXPECT_TRUE(put.unused_chunks[0] == theirs);
  EXPECT_FALSE(LocationExists(store(), theirs.location));
  // The entries now name the kept copy, with its K and M.
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord b, store().GetObject("b", "b"));
  EXPECT_EQ(b.manifest, (Manifest{Piece(mine, 1, 2), Whole(mine)}));
  STRATA_ASSERT_OK_AND_ASSIGN(std::optional<ChunkInfo> found, store().FindChunk(mine.hash, 0));
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(*found == mine);
  // And they count on it: 3 references.
  STRATA_ASSERT_OK(store().DeleteObject("b", "b", kNowMs));
  EXPECT_EQ(Unreferenced(store()), Strings{});
  STRATA_ASSERT_OK(store().DeleteObject("b", "a", kNowMs));
  EXPECT_EQ(Unreferenced(store()), Strings{mine.hash});
  STRATA_ASSERT_OK_AND_ASSIGN(StorageStats stats, store().GetStorageStats());
  EXPECT_EQ(stats.chunks, 1u);
}

// The same content written twice by one upload: one copy is kept.
TEST_P(MetaStoreContractTest, TwoCopiesInOnePut) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  const ChunkInfo first = Chunk(1, 0);
  const ChunkInfo second = Chunk(1, 1);
  STRATA_ASSERT_OK_AND_ASSIGN(
      PutResult put,
      Put(store(), WithManifest("b", "k", {Whole(first), Whole(second)}), {first, second}));
  ASSERT_EQ(put.unused_chunks.size(), 1u);
  EXPECT_TRUE(put.unused_chunks[0] == second);
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord object, store().GetObject("b", "k"));
  EXPECT_EQ(object.manifest, (Manifest{Whole(first), Whole(first)}));
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<ChunkInfo> chunks, store().ListChunks("", 10));
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_TRUE(chunks[0] == first);
}

// A copy written while the kept row waits for GC at count 0 revives it: GC's
// conditional delete then refuses.
TEST_P(MetaStoreContractTest, CopyOfAnUnreferencedChunkRevivesIt) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  const ChunkInfo old_copy = Chunk(1, 0);
  const ChunkInfo new_copy = Chunk(1, 1);
  STRATA_ASSERT_OK(Put(store(), WithManifest("b", "a", {Whole(old_copy)}), {old_copy}));
  STRATA_ASSERT_OK(store().DeleteObject("b", "a", 1000));
  EXPECT_EQ(Unreferenced(store()), Strings{old_copy.hash});
  STRATA_ASSERT_OK_AND_ASSIGN(
      PutResult put, Put(store(), WithManifest("b", "b", {Whole(new_copy)}), {new_copy}, 2000));
  ASSERT_EQ(put.unused_chunks.size(), 1u);
  EXPECT_TRUE(put.unused_chunks[0] == new_copy);
  EXPECT_EQ(Unreferenced(store()), Strings{});
  STRATA_ASSERT_OK_AND_ASSIGN(bool deleted, store().DeleteUnreferencedChunk(old_copy, kForever));
  EXPECT_FALSE(deleted);
}

// Racing uploads of one content, each with its own copy: one copy survives,
// every other copy is handed back, and every object names the survivor.
TEST_P(MetaStoreContractTest, ConcurrentCopiesKeepOne) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  constexpr int kThreads = 8;
  std::atomic<int> failures = 0;
  std::vector<std::vector<ChunkInfo>> unused(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      const ChunkInfo copy = Chunk(1, i);
      auto put = Put(store(), WithManifest("b", "k" + std::to_string(i), {Whole(copy)}), {copy});
      if (!put.ok()) {
        ++failures;
        return;
      }
      unused[i] = put->unused_chunks;
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(failures, 0);
  STRATA_ASSERT_OK_AND_ASSIGN(std::optional<ChunkInfo> kept, store().FindChunk(Chunk(1).hash, 0));
  ASSERT_TRUE(kept.has_value());
  std::set<std::string> handed_back;
  for (int i = 0; i < kThreads; ++i) {
    for (const ChunkInfo& chunk : unused[i]) {
      EXPECT_EQ(chunk.location, Chunk(1, i).location);
      handed_back.insert(chunk.location);
    }
    STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord object,
                                store().GetObject("b", "k" + std::to_string(i)));
    EXPECT_EQ(object.manifest, Manifest{Whole(*kept)});
  }
  EXPECT_EQ(handed_back.size(), size_t{kThreads - 1});
  EXPECT_FALSE(handed_back.contains(kept->location));
  for (int i = 0; i < kThreads - 1; ++i) {
    STRATA_ASSERT_OK(store().DeleteObject("b", "k" + std::to_string(i), kNowMs));
  }
  EXPECT_EQ(Unreferenced(store()), Strings{});
  STRATA_ASSERT_OK(store().DeleteObject("b", "k" + std::to_string(kThreads - 1), kNowMs));
  EXPECT_EQ(Unreferenced(store()), Strings{kept->hash});
}

// --- Failed puts change nothing --------------------------------------------

TEST_P(MetaStoreContractTest, CollectedDedupChunkFailsThePut) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  const ChunkInfo kept = Chunk(1);
  const ChunkInfo collected = Chunk(2);
  const ChunkInfo fresh = Chunk(3);
  const ObjectRecord current = WithManifest("b", "k", {Whole(kept)});
  STRATA_ASSERT_OK(Put(store(), current, {kept}));
  // An upload finds `collected`, then GC removes it before the commit.
  STRATA_ASSERT_OK(Put(store(), WithManifest("b", "x", {Whole(collected)}), {collected}));
  STRATA_ASSERT_OK(store().DeleteObject("b", "x", 1000));
  STRATA_ASSERT_OK_AND_ASSIGN(bool gc, store().DeleteUnreferencedChunk(collected, 1000));
  ASSERT_TRUE(gc);
  STRATA_ASSERT_OK_AND_ASSIGN(StorageStats before, store().GetStorageStats());

  STRATA_EXPECT_CODE(
      Put(store(), WithManifest("b", "k", {Whole(fresh), Whole(collected), Whole(kept)}), {fresh}),
      Code::kUnavailable);
  // Nothing changed: the object, its chunk's count, no row for `fresh`.
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord now, store().GetObject("b", "k"));
  EXPECT_TRUE(SameRecord(current, now));
  EXPECT_FALSE(LocationExists(store(), fresh.location));
  STRATA_ASSERT_OK_AND_ASSIGN(StorageStats after, store().GetStorageStats());
  EXPECT_TRUE(SameStats(before, after));
  STRATA_ASSERT_OK(store().DeleteObject("b", "k", 5000));
  EXPECT_EQ(Unreferenced(store(), 5000), Strings{kept.hash});
  EXPECT_EQ(Unreferenced(store(), 4999), Strings{});
  // A new key fails the same way, and is not created.
  STRATA_EXPECT_CODE(Put(store(), WithManifest("b", "new", {Whole(collected)})),
                     Code::kUnavailable);
  STRATA_EXPECT_CODE(store().GetObject("b", "new"), Code::kNoSuchKey);
}

// GC removed the copy FindChunk returned, and another upload stored the
// content again elsewhere: the stale reference must not land on the new copy.
TEST_P(MetaStoreContractTest, MovedDedupChunkFailsThePut) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  const ChunkInfo old_copy = Chunk(1, 0);
  const ChunkInfo new_copy = Chunk(1, 1);
  STRATA_ASSERT_OK(Put(store(), WithManifest("b", "x", {Whole(old_copy)}), {old_copy}));
  STRATA_ASSERT_OK(store().DeleteObject("b", "x", 1000));
  STRATA_ASSERT_OK_AND_ASSIGN(bool gc, store().DeleteUnreferencedChunk(old_copy, 1000));
  ASSERT_TRUE(gc);
  STRATA_ASSERT_OK(Put(store(), WithManifest("b", "y", {Whole(new_copy)}), {new_copy}));
  STRATA_EXPECT_CODE(Put(store(), WithManifest("b", "z", {Whole(old_copy)})), Code::kUnavailable);
  STRATA_EXPECT_CODE(store().GetObject("b", "z"), Code::kNoSuchKey);
  STRATA_ASSERT_OK(store().DeleteObject("b", "y", 2000));
  EXPECT_EQ(Unreferenced(store()), Strings{new_copy.hash});  // y's was the only reference
}

TEST_P(MetaStoreContractTest, FailedConditionChangesNoCounts) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  const ChunkInfo c = Chunk(1);
  const ChunkInfo d = Chunk(2);
  STRATA_ASSERT_OK(Put(store(), WithManifest("b", "k", {Whole(c)}), {c}));
  STRATA_ASSERT_OK_AND_ASSIGN(StorageStats before, store().GetStorageStats());
  const ObjectRecord replacement = WithManifest("b", "k", {Whole(d), Whole(c)});
  STRATA_EXPECT_CODE(Put(store(), replacement, {d}, kNowMs, IfNoneMatchAny()),
                     Code::kPreconditionFailed);
  STRATA_EXPECT_CODE(Put(store(), replacement, {d}, kNowMs,
                         {.kind = WriteCondition::Kind::kIfMatch, .etag = "other"}),
                     Code::kPreconditionFailed);
  STRATA_EXPECT_CODE(Put(store(), WithManifest("b", "new", {Whole(d), Whole(c)}), {d}, kNowMs,
                         {.kind = WriteCondition::Kind::kIfMatch, .etag = "any"}),
                     Code::kPreconditionFailed);
  EXPECT_FALSE(LocationExists(store(), d.location));
  STRATA_ASSERT_OK_AND_ASSIGN(StorageStats after, store().GetStorageStats());
  EXPECT_TRUE(SameStats(before, after));
  STRATA_ASSERT_OK(store().DeleteObject("b", "k", 2000));
  EXPECT_EQ(Unreferenced(store()), Strings{c.hash});  // its count was exactly 1
}

// --- GC and the grace period -----------------------------------------------

TEST_P(MetaStoreContractTest, FindChunkRestartsTheGracePeriod) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  const ChunkInfo c = Chunk(1);
  const ChunkInfo d = Chunk(2);
  STRATA_ASSERT_OK(Put(store(), WithManifest("b", "c", {Whole(c)}), {c}));
  STRATA_ASSERT_OK(Put(store(), WithManifest("b", "d", {Whole(d)}), {d}));
  STRATA_ASSERT_OK(store().DeleteObject("b", "c", 1000));
  EXPECT_EQ(Unreferenced(store(), 999), Strings{});
  EXPECT_EQ(Unreferenced(store(), 1000), Strings{c.hash});

  STRATA_ASSERT_OK_AND_ASSIGN(std::optional<ChunkInfo> found, store().FindChunk(c.hash, 5000));
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(*found == c);
  EXPECT_EQ(Unreferenced(store(), 4999), Strings{});
  EXPECT_EQ(Unreferenced(store(), 5000), Strings{c.hash});
  STRATA_ASSERT_OK_AND_ASSIGN(bool too_young, store().DeleteUnreferencedChunk(c, 4999));
  EXPECT_FALSE(too_young);
  // Referencing it ends the wait; releasing it starts a new one.
  STRATA_ASSERT_OK(Put(store(), WithManifest("b", "c", {Whole(*found)}), {}, 6000));
  EXPECT_EQ(Unreferenced(store()), Strings{});
  STRATA_ASSERT_OK(store().DeleteObject("b", "c", 8000));
  EXPECT_EQ(Unreferenced(store(), 7999), Strings{});
  EXPECT_EQ(Unreferenced(store(), 8000), Strings{c.hash});

  // Finding a referenced chunk leaves it referenced.
  STRATA_ASSERT_OK(store().FindChunk(d.hash, 9000));
  EXPECT_EQ(Unreferenced(store()), Strings{c.hash});
  STRATA_ASSERT_OK_AND_ASSIGN(std::optional<ChunkInfo> missing,
                              store().FindChunk(Chunk(3).hash, 9000));
  EXPECT_FALSE(missing.has_value());
}

TEST_P(MetaStoreContractTest, ListUnreferencedOldestFirst) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  const int64_t zero_at[] = {300, 100, 200};
  for (int i = 0; i < 3; ++i) {
    const ChunkInfo chunk = Chunk(i + 1);
    const std::string key = "k" + std::to_string(i);
    STRATA_ASSERT_OK(Put(store(), WithManifest("b", key, {Whole(chunk)}), {chunk}));
    STRATA_ASSERT_OK(store().DeleteObject("b", key, zero_at[i]));
  }
  const Strings oldest_first = {Chunk(2).hash, Chunk(3).hash, Chunk(1).hash};
  EXPECT_EQ(Unreferenced(store(), kForever), oldest_first);
  EXPECT_EQ(Unreferenced(store(), 300), oldest_first);
  EXPECT_EQ(Unreferenced(store(), kForever, 2), (Strings{Chunk(2).hash, Chunk(3).hash}));
  EXPECT_EQ(Unreferenced(store(), 250), (Strings{Chunk(2).hash, Chunk(3).hash}));
  EXPECT_EQ(Unreferenced(store(), 100), Strings{Chunk(2).hash});
  EXPECT_EQ(Unreferenced(store(), 99), Strings{});
  EXPECT_EQ(Unreferenced(store(), kForever, 0), Strings{});
  // Full ChunkInfo, not just the hash.
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<ChunkInfo> listed,
                              store().ListUnreferencedChunks(100, 10));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_TRUE(listed[0] == Chunk(2));
}

TEST_P(MetaStoreContractTest, DeleteUnreferencedChunkIsConditional) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  const ChunkInfo c = Chunk(1);
  STRATA_ASSERT_OK(Put(store(), WithManifest("b", "k", {Whole(c)}), {c}));
  auto delete_chunk = [&](const ChunkInfo& chunk, int64_t zero_before_ms) {
    auto deleted = store().DeleteUnreferencedChunk(chunk, zero_before_ms);
    EXPECT_TRUE(deleted.ok()) << deleted.status().ToString();
    return deleted.ok() && *deleted;
  };
  EXPECT_FALSE(delete_chunk(c, kForever));  // referenced
  STRATA_ASSERT_OK(store().DeleteObject("b", "k", 1000));
  EXPECT_FALSE(delete_chunk(c, 999));             // too young
  EXPECT_FALSE(delete_chunk(Chunk(1, 1), 1000));  // another copy's location
  EXPECT_FALSE(delete_chunk(Chunk(2), 1000));     // no such chunk
  EXPECT_TRUE(LocationExists(store(), c.location));
  EXPECT_TRUE(delete_chunk(c, 1000));
  EXPECT_FALSE(LocationExists(store(), c.location));
  STRATA_ASSERT_OK_AND_ASSIGN(std::optional<ChunkInfo> gone, store().FindChunk(c.hash, 2000));
  EXPECT_FALSE(gone.has_value());
  EXPECT_EQ(Unreferenced(store()), Strings{});
  EXPECT_FALSE(delete_chunk(c, kForever));  // already gone
}

// --- The healer's walk and figures -----------------------------------------

TEST_P(MetaStoreContractTest, ListChunksPagesInHashOrder) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  std::vector<ChunkInfo> written;
  Manifest manifest;
  for (int n : {5, 1, 4, 2, 3}) {
    written.push_back(Chunk(n));
    manifest.push_back(Whole(Chunk(n)));
  }
  STRATA_ASSERT_OK(Put(store(), WithManifest("b", "k", manifest), written));
  // Unreferenced chunks are still stored, so still walked.
  STRATA_ASSERT_OK(store().DeleteObject("b", "k", 1000));
  Strings walked;
  std::string after;
  int pages = 0;
  while (true) {
    STRATA_ASSERT_OK_AND_ASSIGN(std::vector<ChunkInfo> page, store().ListChunks(after, 2));
    if (page.empty()) break;
    ++pages;
    ASSERT_LE(page.size(), 2u);
    for (const ChunkInfo& chunk : page) {
      EXPECT_TRUE(chunk == Chunk(static_cast<int>(chunk.size - 1000))) << chunk.hash;
      walked.push_back(chunk.hash);
    }
    after = page.back().hash;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(walked,
            (Strings{Chunk(1).hash, Chunk(2).hash, Chunk(3).hash, Chunk(4).hash, Chunk(5).hash}));
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<ChunkInfo> none, store().ListChunks("", 0));
  EXPECT_TRUE(none.empty());
  // after_hash need not be a stored hash.
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<ChunkInfo> rest,
                              store().ListChunks(Chunk(3).hash + "0", 10));
  EXPECT_EQ(Hashes(rest), (Strings{Chunk(4).hash, Chunk(5).hash}));
}

TEST_P(MetaStoreContractTest, StorageStats) {
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b")));
  STRATA_ASSERT_OK_AND_ASSIGN(StorageStats empty, store().GetStorageStats());
  EXPECT_TRUE(SameStats(StorageStats{}, empty));

  const ChunkInfo c1 = Chunk(1);  // 1001 bytes
  const ChunkInfo c2 = Chunk(2);  // 1002 bytes
  ObjectRecord small = MakeObject("b", "small");
  small.inline_data = std::string("0123456\0\xff", 9);
  small.size = 9;
  STRATA_ASSERT_OK(Put(store(), small));
  ObjectRecord nothing = MakeObject("b", "empty");
  nothing.inline_data.clear();
  nothing.size = 0;
  STRATA_ASSERT_OK(Put(store(), nothing));
  STRATA_ASSERT_OK(
      Put(store(), WithManifest("b", "big", {Whole(c1), Piece(c1, 0, 1), Whole(c2)}), {c1, c2}));
  STRATA_ASSERT_OK_AND_ASSIGN(StorageStats stats, store().GetStorageStats());
  EXPECT_TRUE(SameStats({.objects = 3,
                         .logical_bytes = 9 + 1001 + 1 + 1002,
                         .inline_bytes = 9,
                         .chunks = 2,
                         .chunk_bytes = 1001 + 1002,
                         .unreferenced_chunks = 0},
                        stats));

  STRATA_ASSERT_OK(store().DeleteObject("b", "big", 1000));
  STRATA_ASSERT_OK_AND_ASSIGN(stats, store().GetStorageStats());
  EXPECT_TRUE(SameStats({.objects = 2,
                         .logical_bytes = 9,
                         .inline_bytes = 9,
                         .chunks = 2,
                         .chunk_bytes = 1001 + 1002,
                         .unreferenced_chunks = 2},
                        stats));
  STRATA_ASSERT_OK(store().DeleteUnreferencedChunk(c1, 1000));
  STRATA_ASSERT_OK_AND_ASSIGN(stats, store().GetStorageStats());
  EXPECT_TRUE(SameStats({.objects = 2,
                         .logical_bytes = 9,
                         .inline_bytes = 9,
                         .chunks = 1,
                         .chunk_bytes = 1002,
                         .unreferenced_chunks = 1},
                        stats));
}

}  // namespace
}  // namespace strata::meta::contract
