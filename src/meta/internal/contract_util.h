// Helpers shared by the files of the MetaStore contract suite.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "meta/meta_store.h"

namespace strata::meta::contract {

// The `now_ms` the suite passes to writes that do not test chunk timing.
inline constexpr int64_t kNowMs = 1700000000000;

// A bucket owned by "owner-1", created at a fixed time.
Bucket MakeBucket(std::string_view name, std::string_view owner = "owner-1");

// An object with every field set to a value derived from its key, so a
// round trip that mixes up rows or columns is caught. Its body is inline.
ObjectRecord MakeObject(std::string_view bucket, std::string_view key,
                        std::string_view etag = "0123456789abcdef0123456789abcdef");

// Success when every field of the two records is equal; otherwise names the
// first field that differs.
::testing::AssertionResult SameRecord(const ObjectRecord& expected, const ObjectRecord& actual);

// --- Chunks and their counts (meta_store_contract_chunks.cc explains how
// tests observe counts) ---

inline constexpr int64_t kForever = std::numeric_limits<int64_t>::max();

// Chunk n's copy number `copy`: copies share the hash (same content) and
// differ in location (each write stores under a fresh id). Its size is
// 1000 + n bytes.
ChunkInfo Chunk(int n, int copy = 0);

// All of `chunk`, and bytes [offset, offset + length) of it.
ManifestEntry Whole(const ChunkInfo& chunk);
ManifestEntry Piece(const ChunkInfo& chunk, uint64_t offset, uint64_t length);

// MakeObject with its body in `manifest` instead.
ObjectRecord WithManifest(std::string_view bucket, std::string_view key, Manifest manifest);

std::vector<std::string> Hashes(const std::vector<ChunkInfo>& chunks);

// Hashes of the chunks at count 0 since zero_before_ms or earlier, oldest
// first (a failed call adds a test failure and returns {"<error>"}).
std::vector<std::string> Unreferenced(MetaStore& store, int64_t zero_before_ms = kForever,
                                      size_t limit = 1000);

// Whether a chunk row has this location (a failed call adds a test failure).
bool LocationExists(MetaStore& store, std::string_view location);

// Success when the two are equal; otherwise names the first field that
// differs.
::testing::AssertionResult SameStats(const StorageStats& expected, const StorageStats& actual);

// --- Multipart uploads ---

// An upload with every field derived from its id and key, so a round trip
// that mixes up rows or columns is caught.
MultipartUpload MakeUpload(std::string_view bucket, std::string_view key,
                           std::string_view upload_id, int64_t initiated_ms = kNowMs);

// Success when every field of the two uploads is equal; otherwise names the
// first field that differs.
::testing::AssertionResult SameUpload(const MultipartUpload& expected,
                                      const MultipartUpload& actual);

}  // namespace strata::meta::contract

namespace strata::meta::contract {

inline const common::Status& StatusOf(const common::Status& status) { return status; }
template <typename T>
const common::Status& StatusOf(const common::Result<T>& result) {
  return result.status();
}

}  // namespace strata::meta::contract

// EXPECT/ASSERT that a Status or Result is OK, printing the error if not.
#define STRATA_EXPECT_OK(expr)                                                       \
  do {                                                                               \
    const auto& strata_expect_ = (expr);                                             \
    const auto& strata_status_ = ::strata::meta::contract::StatusOf(strata_expect_); \
    EXPECT_TRUE(strata_status_.ok()) << strata_status_.ToString();                   \
  } while (false)
#define STRATA_ASSERT_OK(expr)                                                       \
  do {                                                                               \
    const auto& strata_assert_ = (expr);                                             \
    const auto& strata_status_ = ::strata::meta::contract::StatusOf(strata_assert_); \
    ASSERT_TRUE(strata_status_.ok()) << strata_status_.ToString();                   \
  } while (false)
// EXPECT that a Status or Result failed with `code`.
#define STRATA_EXPECT_CODE(expr, expected_code)                                                \
  do {                                                                                         \
    const auto& strata_expect_ = (expr);                                                       \
    EXPECT_EQ(                                                                                 \
        ::strata::common::CodeName(::strata::meta::contract::StatusOf(strata_expect_).code()), \
        ::strata::common::CodeName(expected_code))                                             \
        << ::strata::meta::contract::StatusOf(strata_expect_).ToString();                      \
  } while (false)
// `STRATA_ASSERT_OK_AND_ASSIGN(auto x, Compute());` in a test body.
#define STRATA_ASSERT_OK_AND_ASSIGN(lhs, expr) \
  STRATA_ASSERT_OK_AND_ASSIGN_IMPL_(STRATA_CONCAT_(strata_test_result_, __LINE__), lhs, expr)
#define STRATA_ASSERT_OK_AND_ASSIGN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                      \
  ASSERT_TRUE(tmp.ok()) << tmp.status().ToString();       \
  lhs = std::move(tmp).value()
