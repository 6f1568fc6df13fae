#include "meta/list_walker.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>

namespace strata::meta {
namespace {

TEST(PrefixSuccessorTest, Table) {
  struct Case {
    std::string prefix;
    std::optional<std::string> successor;
  };
  const Case cases[] = {
      {"a/", "a0"},
      {"abc", "abd"},
      {"a\x7f", "a\x80"},
      {std::string("a\xff", 2), "b"},
      {std::string("a\xff\xff", 3), "b"},
      {"\x01", "\x02"},
      {"é", "\xc3\xaa"},  // byte-wise: C3 A9 -> C3 AA
  };
  for (const Case& c : cases) {
    EXPECT_EQ(PrefixSuccessor(c.prefix), c.successor) << ::testing::PrintToString(c.prefix);
  }
  // No successor exists.
  EXPECT_EQ(PrefixSuccessor(""), std::nullopt);
  EXPECT_EQ(PrefixSuccessor(std::string("\xff\xff", 2)), std::nullopt);
}

// A cursor over a std::set that counts its work, to hold WalkListing to its
// cost promise: seeks per common prefix, not a scan of the keys under it.
class SetCursor : public ListCursor {
 public:
  explicit SetCursor(const std::set<std::string>& keys) : keys_(keys), it_(keys.end()) {}

  common::Status Seek(std::string_view lower, bool inclusive) override {
    ++seeks;
    next_ =
        inclusive ? keys_.lower_bound(std::string(lower)) : keys_.upper_bound(std::string(lower));
    return common::Status::Ok();
  }
  common::Result<bool> Next() override {
    ++nexts;
    if (next_ == keys_.end()) return false;
    it_ = next_++;
    return true;
  }
  std::string_view key() const override { return *it_; }
  common::Result<ObjectRecord> Record() override {
    ObjectRecord record;
    record.key = *it_;
    return record;
  }

  int seeks = 0;
  int nexts = 0;

 private:
  const std::set<std::string>& keys_;
  std::set<std::string>::const_iterator it_;
  std::set<std::string>::const_iterator next_;
};

TEST(WalkListingTest, SkipsCommonPrefixesWithOneSeekEach) {
  std::set<std::string> keys;
  for (int dir = 0; dir < 10; ++dir) {
    for (int file = 0; file < 1000; ++file) {
      keys.insert("d" + std::to_string(dir) + "/f" + std::to_string(file));
    }
  }
  keys.insert("top");
  SetCursor cursor(keys);
  auto page = WalkListing({.delimiter = "/", .max_keys = 1000}, cursor);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->common_prefixes.size(), 10u);
  EXPECT_EQ(page->objects.size(), 1u);
  EXPECT_FALSE(page->truncated);
  EXPECT_EQ(cursor.seeks, 1 + 10);
  EXPECT_EQ(cursor.nexts, 10 + 1 + 1);  // one per entry, one to find the end
}

TEST(WalkListingTest, StartAfterInsideAPrefixCostsOneExtraSeek) {
  std::set<std::string> keys;
  for (int file = 0; file < 1000; ++file) keys.insert("d/f" + std::to_string(file));
  keys.insert("e");
  SetCursor cursor(keys);
  auto page = WalkListing({.delimiter = "/", .start_after = "d/f1"}, cursor);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->objects[0].key, "e");
  EXPECT_TRUE(page->common_prefixes.empty());
  EXPECT_EQ(cursor.seeks, 2);
}

TEST(WalkListingTest, RejectsNegativeMaxKeys) {
  std::set<std::string> keys;
  SetCursor cursor(keys);
  EXPECT_EQ(WalkListing({.max_keys = -1}, cursor).status().code(), common::Code::kInvalidArgument);
  EXPECT_EQ(cursor.seeks, 0);
}

TEST(WalkListingTest, MaxKeysZeroDoesNoWork) {
  std::set<std::string> keys = {"a"};
  SetCursor cursor(keys);
  auto page = WalkListing({.max_keys = 0}, cursor);
  ASSERT_TRUE(page.ok());
  EXPECT_FALSE(page->truncated);
  EXPECT_EQ(cursor.seeks + cursor.nexts, 0);
}

}  // namespace
}  // namespace strata::meta
