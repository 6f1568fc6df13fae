#include "meta/version_list_walker.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "meta/internal/contract_util.h"

namespace strata::meta {
namespace {

using common::Code;

// Keys and their version ids, newest first ("" is the null version).
using KeyVersions = std::map<std::string, std::vector<std::string>>;

// A VersionCursor over a std::map that counts its work, to hold WalkVersions
// to its cost promise.
class MapCursor : public VersionCursor {
 public:
  explicit MapCursor(const KeyVersions& keys) : keys_(keys), it_(keys.end()), next_(keys.end()) {}

  common::Status SeekKey(std::string_view lower, bool inclusive) override {
    ++seeks;
    next_ =
        inclusive ? keys_.lower_bound(std::string(lower)) : keys_.upper_bound(std::string(lower));
    return common::Status::Ok();
  }
  common::Result<bool> NextKey() override {
    if (next_ == keys_.end()) return false;
    it_ = next_++;
    return true;
  }
  std::string_view key() const override { return it_->first; }
  common::Result<std::vector<ObjectRecord>> Versions(
      const std::optional<std::string>& after_version_id, size_t limit) override {
    const std::vector<std::string>& ids = it_->second;
    size_t start = 0;
    if (after_version_id) {
      while (start < ids.size() && ids[start] != *after_version_id) ++start;
      if (start == ids.size()) return std::vector<ObjectRecord>();
      ++start;
    }
    std::vector<ObjectRecord> out;
    for (size_t i = start; i < ids.size() && out.size() < limit; ++i) {
      ObjectRecord record;
      record.key = it_->first;
      record.version_id = ids[i];
      record.is_latest = i == 0;
      out.push_back(record);
    }
    versions_read += static_cast<int>(out.size());
    return out;
  }

  int seeks = 0;
  int versions_read = 0;

 private:
  const KeyVersions& keys_;
  KeyVersions::const_iterator it_;
  KeyVersions::const_iterator next_;
};

// A page's entries as "key@id" for versions ("key@null" for the null
// version) and "prefix/" for common prefixes, in listing order.
std::vector<std::string> Entries(const ListVersionsPage& page) {
  std::vector<std::string> entries;
  for (const ObjectRecord& v : page.versions) {
    entries.push_back(v.key + "@" + (v.version_id.empty() ? "null" : v.version_id));
  }
  // Common prefixes interleave with versions by key; merge them in.
  std::vector<std::string> merged;
  size_t p = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    const std::string key = page.versions[i].key;
    while (p < page.common_prefixes.size() && page.common_prefixes[p] < key) {
      merged.push_back(page.common_prefixes[p++]);
    }
    merged.push_back(entries[i]);
  }
  while (p < page.common_prefixes.size()) merged.push_back(page.common_prefixes[p++]);
  return merged;
}

ListVersionsPage Walk(const KeyVersions& keys, const ListVersionsQuery& query) {
  MapCursor cursor(keys);
  common::Result<ListVersionsPage> page = WalkVersions(query, cursor);
  EXPECT_TRUE(page.ok()) << page.status().ToString();
  return page.ok() ? *std::move(page) : ListVersionsPage();
}

const KeyVersions kKeys = {
    {"a", {"a3", "a2", "", "a1"}},
    {"b", {""}},
    {"c/1", {"c1b", "c1a"}},
    {"c/2", {"c2"}},
    {"c/d/3", {"c3"}},
    {"d", {"d2", "d1"}},
    {"e/", {"e"}},
};

TEST(WalkVersionsTest, ListsEveryVersionByKeyThenNewestFirst) {
  const ListVersionsPage page = Walk(kKeys, {});
  EXPECT_EQ(Entries(page),
            (std::vector<std::string>{"a@a3", "a@a2", "a@null", "a@a1", "b@null", "c/1@c1b",
                                      "c/1@c1a", "c/2@c2", "c/d/3@c3", "d@d2", "d@d1", "e/@e"}));
  EXPECT_FALSE(page.truncated);
  EXPECT_EQ(page.next_key_marker, "");
  EXPECT_EQ(page.next_version_id_marker, "");
  EXPECT_TRUE(page.versions[0].is_latest);
  EXPECT_FALSE(page.versions[1].is_latest);
}

TEST(WalkVersionsTest, PagingVisitsEveryEntryOnce) {
  const ListVersionsQuery queries[] = {
      {},
      {.delimiter = "/"},
      {.prefix = "c/"},
      {.prefix = "c/", .delimiter = "/"},
      {.prefix = "a"},
      {.delimiter = "d"},
  };
  for (const ListVersionsQuery& base : queries) {
    const std::vector<std::string> all = Entries(Walk(kKeys, base));
    for (int max_keys = 1; max_keys <= 13; ++max_keys) {
      SCOPED_TRACE("prefix '" + base.prefix + "' delimiter '" + base.delimiter + "' max_keys " +
                   std::to_string(max_keys));
      ListVersionsQuery query = base;
      query.max_keys = max_keys;
      std::vector<std::string> seen;
      for (int pages = 0; pages < 20; ++pages) {
        const ListVersionsPage page = Walk(kKeys, query);
        const std::vector<std::string> entries = Entries(page);
        EXPECT_LE(entries.size(), static_cast<size_t>(max_keys));
        seen.insert(seen.end(), entries.begin(), entries.end());
        if (!page.truncated) break;
        ASSERT_FALSE(page.next_key_marker.empty());
        query.key_marker = page.next_key_marker;
        query.version_id_marker = page.next_version_id_marker;
      }
      EXPECT_EQ(seen, all);
    }
  }
}

TEST(WalkVersionsTest, Delimiters) {
  const ListVersionsPage page = Walk(kKeys, {.delimiter = "/"});
  EXPECT_EQ(Entries(page), (std::vector<std::string>{"a@a3", "a@a2", "a@null", "a@a1", "b@null",
                                                     "c/", "d@d2", "d@d1", "e/"}));
  const ListVersionsPage nested = Walk(kKeys, {.prefix = "c/", .delimiter = "/"});
  EXPECT_EQ(Entries(nested), (std::vector<std::string>{"c/1@c1b", "c/1@c1a", "c/2@c2", "c/d/"}));
}

TEST(WalkVersionsTest, PageEndingOnACommonPrefix) {
  const ListVersionsPage page = Walk(kKeys, {.prefix = "c", .delimiter = "/", .max_keys = 1});
  EXPECT_EQ(page.common_prefixes, std::vector<std::string>{"c/"});
  EXPECT_FALSE(page.truncated);
  const ListVersionsPage first = Walk(kKeys, {.delimiter = "/", .max_keys = 6});
  EXPECT_TRUE(first.truncated);
  EXPECT_EQ(first.next_key_marker, "c/");
  EXPECT_EQ(first.next_version_id_marker, "");
}

TEST(WalkVersionsTest, MaxKeys) {
  const ListVersionsPage empty = Walk(kKeys, {.max_keys = 0});
  EXPECT_TRUE(empty.versions.empty());
  EXPECT_FALSE(empty.truncated);
  MapCursor cursor(kKeys);
  STRATA_EXPECT_CODE(WalkVersions({.max_keys = -1}, cursor), Code::kInvalidArgument);

  const ListVersionsPage two = Walk(kKeys, {.max_keys = 2});
  EXPECT_EQ(Entries(two), (std::vector<std::string>{"a@a3", "a@a2"}));
  EXPECT_TRUE(two.truncated);
  EXPECT_EQ(two.next_key_marker, "a");
  EXPECT_EQ(two.next_version_id_marker, "a2");
  // A page that ends on a key's last version still knows more follow.
  const ListVersionsPage four = Walk(kKeys, {.max_keys = 4});
  EXPECT_TRUE(four.truncated);
  EXPECT_EQ(four.next_key_marker, "a");
  EXPECT_EQ(four.next_version_id_marker, "a1");
  // The last entries exactly: not truncated.
  const ListVersionsPage tail = Walk(kKeys, {.prefix = "d", .max_keys = 2});
  EXPECT_FALSE(tail.truncated);
}

TEST(WalkVersionsTest, MarkersNameTheNullVersionNull) {
  const ListVersionsPage page = Walk(kKeys, {.max_keys = 3});
  EXPECT_EQ(page.next_key_marker, "a");
  EXPECT_EQ(page.next_version_id_marker, "null");
  const ListVersionsPage next =
      Walk(kKeys, {.key_marker = "a", .version_id_marker = "null", .max_keys = 2});
  EXPECT_EQ(Entries(next), (std::vector<std::string>{"a@a1", "b@null"}));
  EXPECT_EQ(next.next_key_marker, "b");
  EXPECT_EQ(next.next_version_id_marker, "null");
}

TEST(WalkVersionsTest, StartPositions) {
  struct Case {
    ListVersionsQuery query;
    std::vector<std::string> first;  // the first entries of the page
  };
  const Case cases[] = {
      // key_marker alone: after every version of that key.
      {{.key_marker = "a", .max_keys = 2}, {"b@null", "c/1@c1b"}},
      // A key_marker that is no key: the next key.
      {{.key_marker = "bb", .max_keys = 1}, {"c/1@c1b"}},
      // With a version marker: that key's older versions first.
      {{.key_marker = "a", .version_id_marker = "a3", .max_keys = 2}, {"a@a2", "a@null"}},
      {{.key_marker = "a", .version_id_marker = "a1", .max_keys = 1}, {"b@null"}},
      // A version marker that names no version of the key: the next key.
      {{.key_marker = "a", .version_id_marker = "zz", .max_keys = 1}, {"b@null"}},
      {{.key_marker = "b", .version_id_marker = "b9", .max_keys = 1}, {"c/1@c1b"}},
      // A version marker without key_marker is ignored.
      {{.version_id_marker = "a3", .max_keys = 1}, {"a@a3"}},
      // A key_marker inside a common prefix skips the prefix whole.
      {{.delimiter = "/", .key_marker = "c/1", .version_id_marker = "c1b", .max_keys = 1},
       {"d@d2"}},
      {{.delimiter = "/", .key_marker = "c/", .max_keys = 1}, {"d@d2"}},
      // A key_marker before the prefix starts at the prefix.
      {{.prefix = "d", .key_marker = "a", .max_keys = 5}, {"d@d2", "d@d1"}},
      // After the prefix: nothing.
      {{.prefix = "c/", .key_marker = "d", .max_keys = 5}, {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("key_marker '" + c.query.key_marker + "' version_id_marker '" +
                 c.query.version_id_marker + "'");
    EXPECT_EQ(Entries(Walk(kKeys, c.query)), c.first);
  }
}

TEST(WalkVersionsTest, SkipsCommonPrefixesWithOneSeekEachAndReadsOneVersionMore) {
  KeyVersions keys;
  for (int dir = 0; dir < 10; ++dir) {
    for (int file = 0; file < 100; ++file) {
      keys["d" + std::to_string(dir) + "/f" + std::to_string(file)] = {"v2", "v1"};
    }
  }
  keys["top"] = {"t3", "t2", "t1"};
  MapCursor cursor(keys);
  common::Result<ListVersionsPage> page = WalkVersions({.delimiter = "/"}, cursor);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->common_prefixes.size(), 10u);
  EXPECT_EQ(page->versions.size(), 3u);
  EXPECT_EQ(cursor.seeks, 11);  // the start, then one per prefix

  MapCursor paged(keys);
  page = WalkVersions({.max_keys = 5}, paged);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->versions.size(), 5u);
  EXPECT_EQ(paged.versions_read, 6);
}

}  // namespace
}  // namespace strata::meta
