// The upload listing of the MetaStore contract suite: ListMultipartUploads
// semantics as documented in meta/upload_list_walker.h, checked by examples
// and against a model, as meta_store_contract_listing.cc does for objects.
#include <algorithm>
#include <map>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "meta/internal/contract_util.h"
#include "meta/meta_store_contract.h"

namespace strata::meta::contract {
namespace {

using common::Code;
using Strings = std::vector<std::string>;

// One listing entry: an upload (key, id), or a common prefix (id "").
struct Entry {
  std::string name;
  std::string upload_id;
  bool is_prefix = false;
  friend bool operator==(const Entry&, const Entry&) = default;
  friend bool operator<(const Entry& a, const Entry& b) {
    return std::tie(a.name, a.upload_id) < std::tie(b.name, b.upload_id);
  }
  friend std::ostream& operator<<(std::ostream& os, const Entry& e) {
    if (e.is_prefix) return os << "prefix " << ::testing::PrintToString(e.name);
    return os << "upload " << ::testing::PrintToString(e.name) << "/" << e.upload_id;
  }
};
using Entries = std::vector<Entry>;

Entry U(std::string key, std::string id) { return {std::move(key), std::move(id), false}; }
Entry P(std::string prefix) { return {std::move(prefix), "", true}; }

// A page's uploads and common prefixes merged into one ordered list.
Entries EntriesOf(const ListUploadsPage& page) {
  Entries entries;
  for (const MultipartUpload& upload : page.uploads)
    entries.push_back(U(upload.key, upload.upload_id));
  for (const std::string& prefix : page.common_prefixes) entries.push_back(P(prefix));
  std::sort(entries.begin(), entries.end());
  return entries;
}

ListUploadsQuery UploadsQuery(std::string prefix, std::string delimiter,
                              std::string key_marker = "", std::string upload_id_marker = "",
                              int max_uploads = 1000) {
  return {.prefix = std::move(prefix),
          .delimiter = std::move(delimiter),
          .key_marker = std::move(key_marker),
          .upload_id_marker = std::move(upload_id_marker),
          .max_uploads = max_uploads};
}

// Creates bucket "b" if needed and an upload for each (key, id).
common::Status CreateUploads(MetaStore& store,
                             const std::vector<std::pair<std::string, std::string>>& uploads) {
  if (!store.GetBucket("b").ok()) STRATA_RETURN_IF_ERROR(store.CreateBucket(MakeBucket("b")));
  for (const auto& [key, id] : uploads) {
    STRATA_RETURN_IF_ERROR(store.CreateMultipartUpload(MakeUpload("b", key, id)));
  }
  return common::Status::Ok();
}

TEST_P(MetaStoreContractTest, ListUploadsMissingBucket) {
  STRATA_EXPECT_CODE(store().ListMultipartUploads("nope", {}), Code::kNoSuchBucket);
  STRATA_EXPECT_CODE(store().ListMultipartUploads("nope", {.max_uploads = 0}), Code::kNoSuchBucket);
}

TEST_P(MetaStoreContractTest, ListUploadsExamples) {
  // Created out of order, ids not in creation order: the listing orders by
  // key, then upload id.
  STRATA_ASSERT_OK(CreateUploads(
      store(),
      {{"c", "u5"}, {"a", "u2"}, {"b/2", "u4"}, {"a", "u1"}, {"d/x/1", "u6"}, {"b/1", "u3"}}));
  STRATA_ASSERT_OK(store().CreateBucket(MakeBucket("b2")));
  STRATA_ASSERT_OK(store().CreateMultipartUpload(MakeUpload("b2", "a", "u0")));

  STRATA_ASSERT_OK_AND_ASSIGN(ListUploadsPage page,
                              store().ListMultipartUploads("b", UploadsQuery("", "")));
  EXPECT_EQ(EntriesOf(page), (Entries{U("a", "u1"), U("a", "u2"), U("b/1", "u3"), U("b/2", "u4"),
                                      U("c", "u5"), U("d/x/1", "u6")}));
  EXPECT_FALSE(page.truncated);
  EXPECT_EQ(page.next_key_marker, "d/x/1");
  EXPECT_EQ(page.next_upload_id_marker, "u6");
  for (const MultipartUpload& upload : page.uploads) {
    EXPECT_TRUE(SameUpload(MakeUpload("b", upload.key, upload.upload_id), upload));
  }

  struct Step {
    ListUploadsQuery query;
    Entries entries;
    bool truncated;
  };
  const Step steps[] = {
      {UploadsQuery("b/", ""), {U("b/1", "u3"), U("b/2", "u4")}, false},
      {UploadsQuery("", "/"), {U("a", "u1"), U("a", "u2"), P("b/"), U("c", "u5"), P("d/")}, false},
      {UploadsQuery("d/", "/"), {P("d/x/")}, false},
      // Paging by max_uploads, markers from the previous page.
      {UploadsQuery("", "/", "", "", 2), {U("a", "u1"), U("a", "u2")}, true},
      {UploadsQuery("", "/", "a", "u2", 2), {P("b/"), U("c", "u5")}, true},
      {UploadsQuery("", "/", "c", "u5", 2), {P("d/")}, false},
      // key_marker alone skips every upload of that key.
      {UploadsQuery("", "", "a"),
       {U("b/1", "u3"), U("b/2", "u4"), U("c", "u5"), U("d/x/1", "u6")},
       false},
      // With an upload-id marker, the later uploads of key_marker come first.
      {UploadsQuery("", "", "a", "u1", 2), {U("a", "u2"), U("b/1", "u3")}, true},
      // An upload-id marker without a key marker is ignored.
      {UploadsQuery("", "", "", "u9", 1), {U("a", "u1")}, true},
      // A common prefix as key marker skips it and all under it.
      {UploadsQuery("", "/", "b/"), {U("c", "u5"), P("d/")}, false},
      {UploadsQuery("", "/", "b/1", "u3"), {U("c", "u5"), P("d/")}, false},
      // More uploads after the prefix's range do not truncate.
      {UploadsQuery("b", "/", "", "", 1), {P("b/")}, false},
      {UploadsQuery("", "", "", "", 0), {}, false},
      {UploadsQuery("zz", "/"), {}, false},
  };
  for (const Step& step : steps) {
    const ListUploadsQuery& q = step.query;
    SCOPED_TRACE(::testing::Message() << "prefix=" << q.prefix << " delimiter=" << q.delimiter
                                      << " markers=" << q.key_marker << "/" << q.upload_id_marker
                                      << " max=" << q.max_uploads);
    STRATA_ASSERT_OK_AND_ASSIGN(page, store().ListMultipartUploads("b", q));
    EXPECT_EQ(EntriesOf(page), step.entries);
    EXPECT_EQ(page.truncated, step.truncated);
    const Entry last = step.entries.empty() ? Entry{} : step.entries.back();
    EXPECT_EQ(page.next_key_marker, last.name);
    EXPECT_EQ(page.next_upload_id_marker, last.upload_id);
  }
  STRATA_EXPECT_CODE(store().ListMultipartUploads("b", {.max_uploads = -1}),
                     Code::kInvalidArgument);
}

// Pages through `query` with the next markers, checking each page's shape,
// and returns every entry seen in order.
Entries ListAllUploadPages(MetaStore& store, ListUploadsQuery query) {
  Entries all;
  for (int page_number = 0;; ++page_number) {
    auto result = store.ListMultipartUploads("b", query);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    if (!result.ok() || page_number > 100000) break;
    const ListUploadsPage& page = *result;
    const Entries entries = EntriesOf(page);
    EXPECT_LE(entries.size(), static_cast<size_t>(query.max_uploads));
    if (page.truncated) {
      EXPECT_EQ(entries.size(), static_cast<size_t>(query.max_uploads));
    }
    const Entry last = entries.empty() ? Entry{} : entries.back();
    EXPECT_EQ(page.next_key_marker, last.name);
    EXPECT_EQ(page.next_upload_id_marker, last.upload_id);
    all.insert(all.end(), entries.begin(), entries.end());
    if (!page.truncated) break;
    query.key_marker = page.next_key_marker;
    query.upload_id_marker = page.next_upload_id_marker;
  }
  return all;
}

// Random keys with one to three uploads each, random queries: paging through
// any listing must produce exactly what a std::set model computes.
TEST_P(MetaStoreContractTest, ListUploadsMatchesModel) {
  std::mt19937 rng(20240612);
  const Strings segments = {"a", "b", "ab", "é", "日本", "x\x01", "-", "~", "z", "0", "🎉"};
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  std::set<std::string> keys;
  while (keys.size() < 300) {
    std::string key;
    const size_t depth = 1 + pick(3);
    for (size_t i = 0; i < depth; ++i) {
      if (i > 0) key += '/';
      key += segments[pick(segments.size())];
    }
    if (pick(10) == 0) key += '/';
    keys.insert(key);
  }
  // Distinct ids in random order, so a key's ids do not follow creation.
  std::vector<int> numbers(1000);
  for (int i = 0; i < 1000; ++i) numbers[i] = 1000 + i;
  std::shuffle(numbers.begin(), numbers.end(), rng);
  std::vector<std::pair<std::string, std::string>> uploads;
  std::map<std::string, Strings> ids_of;
  for (const std::string& key : keys) {
    for (size_t n = 1 + pick(3); n > 0; --n) {
      std::string id = "u" + std::to_string(numbers[uploads.size()]);
      ids_of[key].push_back(id);
      uploads.emplace_back(key, std::move(id));
    }
  }
  STRATA_ASSERT_OK(CreateUploads(store(), uploads));

  const Strings delimiters = {"", "/", "/", "a", "é"};
  const int page_sizes[] = {1, 2, 3, 7, 50, 1000};
  const Strings key_list(keys.begin(), keys.end());
  for (int round = 0; round < 50; ++round) {
    ListUploadsQuery query;
    if (pick(3) != 0) {
      const std::string& key = key_list[pick(key_list.size())];
      query.prefix = key.substr(0, pick(key.size() + 1));
    }
    query.delimiter = delimiters[pick(delimiters.size())];
    query.max_uploads = page_sizes[pick(std::size(page_sizes))];
    switch (pick(4)) {
      case 0:
        break;
      case 1: {  // a cut of a key, no upload-id marker
        const std::string& key = key_list[pick(key_list.size())];
        query.key_marker = key.substr(0, pick(key.size() + 1));
        break;
      }
      case 2: {  // a key and one of its ids
        query.key_marker = key_list[pick(key_list.size())];
        const Strings& ids = ids_of[query.key_marker];
        query.upload_id_marker = ids[pick(ids.size())];
        break;
      }
      default:  // an id without a key marker, or a made-up id
        if (pick(2) == 0) query.key_marker = key_list[pick(key_list.size())];
        query.upload_id_marker = "u" + std::to_string(1000 + pick(1000)) + "5";
    }
    SCOPED_TRACE(::testing::Message()
                 << "round " << round << " prefix=" << ::testing::PrintToString(query.prefix)
                 << " delimiter=" << ::testing::PrintToString(query.delimiter)
                 << " key_marker=" << ::testing::PrintToString(query.key_marker)
                 << " upload_id_marker=" << query.upload_id_marker
                 << " max_uploads=" << query.max_uploads);

    // The model: every entry of the listing, then those after the marker.
    std::set<Entry> all;
    for (const auto& [key, id] : uploads) {
      if (!key.starts_with(query.prefix)) continue;
      const size_t at = query.delimiter.empty() ? std::string::npos
                                                : key.find(query.delimiter, query.prefix.size());
      if (at == std::string::npos) {
        all.insert(U(key, id));
      } else {
        all.insert(P(key.substr(0, at + query.delimiter.size())));
      }
    }
    Entries expected;
    for (const Entry& entry : all) {
      bool after = true;
      if (query.key_marker.empty()) {
        after = true;  // S3 ignores upload_id_marker then
      } else if (query.upload_id_marker.empty()) {
        after = entry.name > query.key_marker;
      } else {
        after = std::tie(entry.name, entry.upload_id) >
                std::tie(query.key_marker, query.upload_id_marker);
      }
      if (after) expected.push_back(entry);
    }
    ASSERT_EQ(ListAllUploadPages(store(), query), expected);
  }
}

}  // namespace
}  // namespace strata::meta::contract
