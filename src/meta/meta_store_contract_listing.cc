// The listing half of the MetaStore contract suite: ListObjects semantics as
// documented in meta/list_walker.h, checked by examples and against a model.
#include <algorithm>
#include <map>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "meta/internal/contract_util.h"
#include "meta/meta_store_contract.h"

namespace strata::meta::contract {
namespace {

using common::Code;
using Strings = std::vector<std::string>;

// One listing entry: a key, or a common prefix.
struct Entry {
  std::string name;
  bool is_prefix = false;
  friend bool operator==(const Entry&, const Entry&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Entry& e) {
    return os << (e.is_prefix ? "prefix " : "key ") << ::testing::PrintToString(e.name);
  }
};

// A page's objects and common prefixes merged into one byte-ordered list.
std::vector<Entry> Entries(const ListPage& page) {
  std::vector<Entry> entries;
  for (const ObjectRecord& object : page.objects) entries.push_back({object.key, false});
  for (const std::string& prefix : page.common_prefixes) entries.push_back({prefix, true});
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.name < b.name; });
  return entries;
}

Strings Keys(const ListPage& page) {
  Strings keys;
  for (const ObjectRecord& object : page.objects) keys.push_back(object.key);
  return keys;
}

// Creates bucket "b" if needed and puts `keys` into it.
common::Status PutKeys(MetaStore& store, const Strings& keys) {
  if (!store.GetBucket("b").ok()) STRATA_RETURN_IF_ERROR(store.CreateBucket(MakeBucket("b")));
  for (const std::string& key : keys) {
    STRATA_RETURN_IF_ERROR(store.PutObject(MakeObject("b", key), {}, {}, kNowMs).status());
  }
  return common::Status::Ok();
}

ListQuery Query(std::string prefix, std::string delimiter, std::string start_after = "",
                int max_keys = 1000) {
  return {.prefix = std::move(prefix),
          .delimiter = std::move(delimiter),
          .start_after = std::move(start_after),
          .max_keys = max_keys};
}

TEST_P(MetaStoreContractTest, ListMissingBucket) {
  STRATA_EXPECT_CODE(store().ListObjects("nope", {}), Code::kNoSuchBucket);
  STRATA_EXPECT_CODE(store().ListObjects("nope", {.max_keys = 0}), Code::kNoSuchBucket);
}

TEST_P(MetaStoreContractTest, ListEmptyBucket) {
  STRATA_ASSERT_OK(PutKeys(store(), {}));
  STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store().ListObjects("b", Query("", "/")));
  EXPECT_TRUE(page.objects.empty());
  EXPECT_TRUE(page.common_prefixes.empty());
  EXPECT_FALSE(page.truncated);
  EXPECT_EQ(page.last_entry, "");
}

TEST_P(MetaStoreContractTest, ListReturnsFullRecordsInByteOrder) {
  // Byte order, not locale order: control bytes and space before '/', upper
  // case before lower case, multi-byte UTF-8 after ASCII, U+FFFF-ish last.
  Strings keys = {"a",   "\x01", " ", "/",    "A", "Z",    "a b",
                  "a/b", "ab",   "é", "日本", "~", "\x7f", "z\xf0\x9f\x8e\x89"};
  STRATA_ASSERT_OK(PutKeys(store(), keys));
  std::sort(keys.begin(), keys.end());
  STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store().ListObjects("b", Query("", "")));
  EXPECT_EQ(Keys(page), keys);
  EXPECT_TRUE(page.common_prefixes.empty());
  EXPECT_FALSE(page.truncated);
  EXPECT_EQ(page.last_entry, keys.back());
  for (const ObjectRecord& object : page.objects) {
    EXPECT_TRUE(SameRecord(MakeObject("b", object.key), object)) << object.key;
  }
}

TEST_P(MetaStoreContractTest, ListOnlyTheBucket) {
  STRATA_ASSERT_OK(PutKeys(store(), {"k1", "k2"}));
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b2")));
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("a")));
  STRATA_ASSERT_OK(store().PutObject(MakeObject("b2", "k0"), {}, {}, kNowMs));
  STRATA_ASSERT_OK(store().PutObject(MakeObject("a", "k3"), {}, {}, kNowMs));
  STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store().ListObjects("b", Query("", "")));
  EXPECT_EQ(Keys(page), (Strings{"k1", "k2"}));
}

TEST_P(MetaStoreContractTest, ListPrefix) {
  STRATA_ASSERT_OK(PutKeys(store(), {"photo", "photos", "photos/2006/jan/x", "photos/2006/feb/y",
                                     "photos/2007/z", "photos0", "q", "Photos/a"}));
  STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store().ListObjects("b", Query("photos/", "")));
  EXPECT_EQ(Keys(page), (Strings{"photos/2006/feb/y", "photos/2006/jan/x", "photos/2007/z"}));
  // A prefix that is itself a key includes that key.
  STRATA_ASSERT_OK_AND_ASSIGN(page, store().ListObjects("b", Query("photos", "")));
  EXPECT_EQ(Keys(page), (Strings{"photos", "photos/2006/feb/y", "photos/2006/jan/x",
                                 "photos/2007/z", "photos0"}));
  STRATA_ASSERT_OK_AND_ASSIGN(page, store().ListObjects("b", Query("nothing", "")));
  EXPECT_TRUE(page.objects.empty());
  EXPECT_FALSE(page.truncated);
}

TEST_P(MetaStoreContractTest, ListDelimiter) {
  // The example of the S3 ListObjects documentation.
  STRATA_ASSERT_OK(
      PutKeys(store(), {"sample.jpg", "photos/2006/January/sample.jpg",
                        "photos/2006/February/sample2.jpg", "photos/2006/February/sample3.jpg",
                        "photos/2006/February/sample4.jpg", "photos/2006/index.html"}));
  STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store().ListObjects("b", Query("", "/")));
  EXPECT_EQ(Keys(page), (Strings{"sample.jpg"}));
  EXPECT_EQ(page.common_prefixes, (Strings{"photos/"}));
  EXPECT_EQ(page.last_entry, "sample.jpg");

  STRATA_ASSERT_OK_AND_ASSIGN(page, store().ListObjects("b", Query("photos/2006/", "/")));
  EXPECT_EQ(Keys(page), (Strings{"photos/2006/index.html"}));
  EXPECT_EQ(page.common_prefixes, (Strings{"photos/2006/February/", "photos/2006/January/"}));
  EXPECT_EQ(page.last_entry, "photos/2006/index.html");
  EXPECT_FALSE(page.truncated);
}

TEST_P(MetaStoreContractTest, ListDelimiterEdgeCases) {
  // "dir/" is a folder marker: it contains the delimiter, so it is grouped.
  STRATA_ASSERT_OK(PutKeys(store(), {"dir/", "dir/a", "x--y--z", "x--w", "xy", "/lead"}));
  STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store().ListObjects("b", Query("", "/")));
  EXPECT_EQ(page.common_prefixes, (Strings{"/", "dir/"}));
  EXPECT_EQ(Keys(page), (Strings{"x--w", "x--y--z", "xy"}));
  // With the prefix equal to a common prefix, its keys are listed, the marker too.
  STRATA_ASSERT_OK_AND_ASSIGN(page, store().ListObjects("b", Query("dir/", "/")));
  EXPECT_EQ(Keys(page), (Strings{"dir/", "dir/a"}));
  EXPECT_TRUE(page.common_prefixes.empty());
  // A multi-byte delimiter; grouping uses its first occurrence after the prefix.
  STRATA_ASSERT_OK_AND_ASSIGN(page, store().ListObjects("b", Query("x", "--")));
  EXPECT_EQ(page.common_prefixes, (Strings{"x--"}));
  EXPECT_EQ(Keys(page), (Strings{"xy"}));
  STRATA_ASSERT_OK_AND_ASSIGN(page, store().ListObjects("b", Query("x--", "--")));
  EXPECT_EQ(page.common_prefixes, (Strings{"x--y--"}));
  EXPECT_EQ(Keys(page), (Strings{"x--w"}));
  // A delimiter no key contains changes nothing.
  STRATA_ASSERT_OK_AND_ASSIGN(page, store().ListObjects("b", Query("", "#")));
  EXPECT_EQ(page.objects.size(), 6u);
  EXPECT_TRUE(page.common_prefixes.empty());
}

TEST_P(MetaStoreContractTest, ListStartAfterIsExclusive) {
  STRATA_ASSERT_OK(PutKeys(store(), {"a", "b", "c", "d"}));
  STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store().ListObjects("b", Query("", "", "b")));
  EXPECT_EQ(Keys(page), (Strings{"c", "d"}));
  // Need not be a key.
  STRATA_ASSERT_OK_AND_ASSIGN(page, store().ListObjects("b", Query("", "", "bb")));
  EXPECT_EQ(Keys(page), (Strings{"c", "d"}));
  STRATA_ASSERT_OK_AND_ASSIGN(page, store().ListObjects("b", Query("", "", "d")));
  EXPECT_TRUE(page.objects.empty());
  EXPECT_FALSE(page.truncated);
  EXPECT_EQ(page.last_entry, "");
  // Below the prefix: the prefix decides.
  STRATA_ASSERT_OK_AND_ASSIGN(page, store().ListObjects("b", Query("c", "", "a")));
  EXPECT_EQ(Keys(page), (Strings{"c"}));
  // Above the prefix's range: nothing.
  STRATA_ASSERT_OK_AND_ASSIGN(page, store().ListObjects("b", Query("a", "", "b")));
  EXPECT_TRUE(page.objects.empty());
}

TEST_P(MetaStoreContractTest, ListStartAfterACommonPrefixSkipsIt) {
  STRATA_ASSERT_OK(PutKeys(store(), {"a/1", "a/2", "a/3/x", "b", "c/1"}));
  STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store().ListObjects("b", Query("", "/", "a/")));
  EXPECT_EQ(Entries(page), (std::vector<Entry>{{"b", false}, {"c/", true}}));
  // Just before the prefix: it is returned.
  STRATA_ASSERT_OK_AND_ASSIGN(page, store().ListObjects("b", Query("", "/", "a")));
  EXPECT_EQ(Entries(page), (std::vector<Entry>{{"a/", true}, {"b", false}, {"c/", true}}));
}

// start_after inside a common prefix: the prefix is <= start_after, so it is
// not returned again, and the keys under it after start_after are not listed
// either (they belong to that prefix). See meta/list_walker.h.
TEST_P(MetaStoreContractTest, ListStartAfterInsideACommonPrefix) {
  STRATA_ASSERT_OK(PutKeys(store(), {"a/1", "a/2", "a/3/x", "b", "c/1"}));
  STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store().ListObjects("b", Query("", "/", "a/1")));
  EXPECT_EQ(Entries(page), (std::vector<Entry>{{"b", false}, {"c/", true}}));
  // One level down the same rule holds for "a/3/".
  STRATA_ASSERT_OK_AND_ASSIGN(page, store().ListObjects("b", Query("a/", "/", "a/3/")));
  EXPECT_TRUE(Entries(page).empty());
  STRATA_ASSERT_OK_AND_ASSIGN(page, store().ListObjects("b", Query("a/", "/", "a/2")));
  EXPECT_EQ(Entries(page), (std::vector<Entry>{{"a/3/", true}}));
}

TEST_P(MetaStoreContractTest, ListMaxKeysZeroIsEmptyAndNotTruncated) {
  STRATA_ASSERT_OK(PutKeys(store(), {"a", "b"}));
  STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store().ListObjects("b", Query("", "", "", 0)));
  EXPECT_TRUE(page.objects.empty());
  EXPECT_TRUE(page.common_prefixes.empty());
  EXPECT_FALSE(page.truncated);
  EXPECT_EQ(page.last_entry, "");
  STRATA_EXPECT_CODE(store().ListObjects("b", Query("", "", "", -1)), Code::kInvalidArgument);
}

TEST_P(MetaStoreContractTest, ListTruncatedOnlyWhenMoreRemain) {
  STRATA_ASSERT_OK(PutKeys(store(), {"a", "b", "c"}));
  STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store().ListObjects("b", Query("", "", "", 3)));
  EXPECT_EQ(page.objects.size(), 3u);
  EXPECT_FALSE(page.truncated);
  STRATA_ASSERT_OK_AND_ASSIGN(page, store().ListObjects("b", Query("", "", "", 2)));
  EXPECT_EQ(Keys(page), (Strings{"a", "b"}));
  EXPECT_TRUE(page.truncated);
  EXPECT_EQ(page.last_entry, "b");
  // More keys after the prefix's range do not make a page truncated.
  STRATA_ASSERT_OK(PutKeys(store(), {"d/1", "e"}));
  STRATA_ASSERT_OK_AND_ASSIGN(page, store().ListObjects("b", Query("d", "/", "", 1)));
  EXPECT_EQ(page.common_prefixes, (Strings{"d/"}));
  EXPECT_FALSE(page.truncated);
}

TEST_P(MetaStoreContractTest, ListMaxKeysCountsCommonPrefixes) {
  STRATA_ASSERT_OK(PutKeys(store(), {"a/1", "a/2", "b/1", "c", "d/1"}));
  STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store().ListObjects("b", Query("", "/", "", 2)));
  EXPECT_EQ(page.common_prefixes, (Strings{"a/", "b/"}));
  EXPECT_TRUE(page.objects.empty());
  EXPECT_TRUE(page.truncated);
  EXPECT_EQ(page.last_entry, "b/");
  STRATA_ASSERT_OK_AND_ASSIGN(page, store().ListObjects("b", Query("", "/", page.last_entry, 2)));
  EXPECT_EQ(Entries(page), (std::vector<Entry>{{"c", false}, {"d/", true}}));
  EXPECT_FALSE(page.truncated);
}

// The paging sequence of s3-tests test_bucket_list_delimiter_prefix, with
// start_after = the previous page's last entry (NextMarker).
TEST_P(MetaStoreContractTest, ListFollowsS3TestsDelimiterPrefix) {
  STRATA_ASSERT_OK(
      PutKeys(store(), {"asdf", "boo/bar", "boo/baz/xyzzy", "cquux/thud", "cquux/bla"}));
  struct Step {
    std::string prefix;
    std::string start_after;
    int max_keys;
    bool truncated;
    std::vector<Entry> entries;
  };
  const Step steps[] = {
      {"", "", 1, true, {{"asdf", false}}},
      {"", "asdf", 1, true, {{"boo/", true}}},
      {"", "boo/", 1, false, {{"cquux/", true}}},
      {"", "", 2, true, {{"asdf", false}, {"boo/", true}}},
      {"", "boo/", 2, false, {{"cquux/", true}}},
      {"boo/", "", 1, true, {{"boo/bar", false}}},
      {"boo/", "boo/bar", 1, false, {{"boo/baz/", true}}},
      {"boo/", "", 2, false, {{"boo/bar", false}, {"boo/baz/", true}}},
  };
  for (const Step& step : steps) {
    STRATA_ASSERT_OK_AND_ASSIGN(
        ListPage page,
        store().ListObjects("b", Query(step.prefix, "/", step.start_after, step.max_keys)));
    EXPECT_EQ(Entries(page), step.entries) << step.prefix << " after " << step.start_after;
    EXPECT_EQ(page.truncated, step.truncated) << step.prefix << " after " << step.start_after;
  }
}

// Pages through `query` with start_after = last_entry, checking each page's
// shape, and returns every entry seen in order.
std::vector<Entry> ListAllPages(MetaStore& store, ListQuery query, int* pages = nullptr) {
  std::vector<Entry> all;
  for (int page_number = 0;; ++page_number) {
    auto result = store.ListObjects("b", query);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    if (!result.ok() || page_number > 100000) break;
    const ListPage& page = *result;
    std::vector<Entry> entries = Entries(page);
    EXPECT_LE(entries.size(), static_cast<size_t>(query.max_keys));
    if (page.truncated) {
      EXPECT_EQ(entries.size(), static_cast<size_t>(query.max_keys));
    }
    EXPECT_EQ(page.last_entry, entries.empty() ? "" : entries.back().name);
    all.insert(all.end(), entries.begin(), entries.end());
    if (pages != nullptr) *pages = page_number + 1;
    if (!page.truncated) break;
    query.start_after = page.last_entry;
  }
  return all;
}

TEST_P(MetaStoreContractTest, ListPagesThroughCommonPrefixes) {
  STRATA_ASSERT_OK(PutKeys(store(), {"a", "b/1", "b/2", "b/3", "c", "d/x/1", "d/y", "e/", "f"}));
  const std::vector<Entry> expected = {{"a", false}, {"b/", true}, {"c", false},
                                       {"d/", true}, {"e/", true}, {"f", false}};
  for (int size : {1, 2, 3, 5, 6, 7}) {
    int pages = 0;
    EXPECT_EQ(ListAllPages(store(), Query("", "/", "", size), &pages), expected) << size;
    EXPECT_EQ(pages, (6 + size - 1) / size) << size;
  }
}

// Random keys, random queries: paging through any listing with start_after =
// last_entry must produce exactly what a std::set model computes.
TEST_P(MetaStoreContractTest, ListMatchesModel) {
  std::mt19937 rng(20240611);
  const Strings segments = {"a", "b",    "ab", "a b", "é",   "日本", "x\x01", "-",
                            "~", "data", "z",  "0",   "a.b", "ü",    "🎉",     "A"};
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  std::set<std::string> model;
  while (model.size() < 2000) {
    std::string key;
    size_t depth = 1 + pick(4);
    for (size_t i = 0; i < depth; ++i) {
      if (i > 0) key += '/';
      key += segments[pick(segments.size())];
      if (pick(3) == 0) key += std::to_string(pick(20));
    }
    if (pick(20) == 0) key += '/';  // folder markers
    model.insert(key);
  }
  STRATA_ASSERT_OK(PutKeys(store(), Strings(model.begin(), model.end())));

  const Strings delimiters = {"", "/", "/", "a", "/b", "é", "-"};
  const int page_sizes[] = {1, 2, 3, 7, 50, 1000};
  const std::vector<std::string> keys(model.begin(), model.end());
  for (int round = 0; round < 60; ++round) {
    ListQuery query;
    switch (pick(4)) {
      case 0:
        query.prefix = "";
        break;
      case 1:
        query.prefix = "zz-none";
        break;
      default: {  // a random cut of a random key, possibly mid-character
        const std::string& key = keys[pick(keys.size())];
        query.prefix = key.substr(0, pick(key.size() + 1));
      }
    }
    query.delimiter = delimiters[pick(delimiters.size())];
    query.max_keys = page_sizes[pick(std::size(page_sizes))];
    // No page-size-1 walks over the whole bucket: they only cost time.
    if (query.max_keys == 1 && query.prefix.empty() && query.delimiter.empty()) query.max_keys = 7;
    if (pick(4) == 0) {
      const std::string& key = keys[pick(keys.size())];
      query.start_after = key.substr(0, pick(key.size() + 1));
    }
    SCOPED_TRACE(::testing::Message()
                 << "round " << round << " prefix=" << ::testing::PrintToString(query.prefix)
                 << " delimiter=" << ::testing::PrintToString(query.delimiter) << " start_after="
                 << ::testing::PrintToString(query.start_after) << " max_keys=" << query.max_keys);

    // The model: every entry of the listing, then those > start_after.
    std::map<std::string, bool> all;  // name -> is_prefix
    for (const std::string& key : model) {
      if (!key.starts_with(query.prefix)) continue;
      size_t at = query.delimiter.empty() ? std::string::npos
                                          : key.find(query.delimiter, query.prefix.size());
      if (at == std::string::npos) {
        all[key] = false;
      } else {
        all[key.substr(0, at + query.delimiter.size())] = true;
      }
    }
    std::vector<Entry> expected;
    for (const auto& [name, is_prefix] : all) {
      if (name > query.start_after) expected.push_back({name, is_prefix});
    }
    ASSERT_EQ(ListAllPages(store(), query), expected);
  }
}

}  // namespace
}  // namespace strata::meta::contract
