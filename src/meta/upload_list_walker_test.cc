#include "meta/upload_list_walker.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace strata::meta {
namespace {

using Upload = std::pair<std::string, std::string>;  // (key, upload_id)

// A cursor over a std::set that counts its work, to hold WalkUploadListing to
// its cost promise. The semantics are checked against a model in the
// contract suite (meta_store_contract_multipart.cc).
class SetCursor : public UploadListCursor {
 public:
  explicit SetCursor(const std::set<Upload>& uploads) : uploads_(uploads), it_(uploads.end()) {}

  common::Status Seek(std::string_view key, bool inclusive) override {
    ++seeks;
    next_ = uploads_.lower_bound({std::string(key), ""});
    if (!inclusive) {
      while (next_ != uploads_.end() && next_->first == key) ++next_;
    }
    return common::Status::Ok();
  }
  common::Status SeekAfter(std::string_view key, std::string_view upload_id) override {
    ++seeks;
    next_ = uploads_.upper_bound({std::string(key), std::string(upload_id)});
    return common::Status::Ok();
  }
  common::Result<bool> Next() override {
    ++nexts;
    if (next_ == uploads_.end()) return false;
    it_ = next_++;
    return true;
  }
  std::string_view key() const override { return it_->first; }
  common::Result<MultipartUpload> Record() override {
    return MultipartUpload{.upload_id = it_->second, .key = it_->first};
  }

  int seeks = 0;
  int nexts = 0;

 private:
  const std::set<Upload>& uploads_;
  std::set<Upload>::const_iterator it_;
  std::set<Upload>::const_iterator next_;
};

std::vector<Upload> Uploads(const ListUploadsPage& page) {
  std::vector<Upload> uploads;
  for (const MultipartUpload& upload : page.uploads)
    uploads.emplace_back(upload.key, upload.upload_id);
  return uploads;
}

TEST(WalkUploadListingTest, SkipsCommonPrefixesWithOneSeekEach) {
  std::set<Upload> uploads;
  for (int dir = 0; dir < 10; ++dir) {
    for (int file = 0; file < 100; ++file) {
      for (const char* id : {"u1", "u2"}) {
        uploads.insert({"d" + std::to_string(dir) + "/f" + std::to_string(file), id});
      }
    }
  }
  uploads.insert({"top", "u1"});
  SetCursor cursor(uploads);
  auto page = WalkUploadListing({.delimiter = "/"}, cursor);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->common_prefixes.size(), 10u);
  EXPECT_EQ(Uploads(*page), (std::vector<Upload>{{"top", "u1"}}));
  EXPECT_FALSE(page->truncated);
  EXPECT_EQ(page->next_key_marker, "top");
  EXPECT_EQ(page->next_upload_id_marker, "u1");
  EXPECT_EQ(cursor.seeks, 1 + 10);
  EXPECT_EQ(cursor.nexts, 10 + 1 + 1);  // one per entry, one to find the end
}

TEST(WalkUploadListingTest, MarkersChooseTheStartingSeek) {
  const std::set<Upload> uploads = {{"a", "u1"}, {"a", "u2"}, {"a", "u3"}, {"b", "u1"}};
  struct Case {
    std::string key_marker;
    std::string upload_id_marker;
    std::vector<Upload> expected;
  };
  const Case cases[] = {
      {"", "", {{"a", "u1"}, {"a", "u2"}, {"a", "u3"}, {"b", "u1"}}},
      {"", "u2", {{"a", "u1"}, {"a", "u2"}, {"a", "u3"}, {"b", "u1"}}},  // ignored
      {"a", "", {{"b", "u1"}}},  // no upload-id-marker: past every upload of "a"
      {"a", "u1", {{"a", "u2"}, {"a", "u3"}, {"b", "u1"}}},
      {"a", "u3", {{"b", "u1"}}},
      {"a", "u25", {{"a", "u3"}, {"b", "u1"}}},  // need not be an upload id
      {"b", "u1", {}},
  };
  for (const Case& c : cases) {
    SetCursor cursor(uploads);
    auto page = WalkUploadListing(
        {.key_marker = c.key_marker, .upload_id_marker = c.upload_id_marker}, cursor);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(Uploads(*page), c.expected) << c.key_marker << " " << c.upload_id_marker;
    EXPECT_EQ(cursor.seeks, 1);
  }
}

TEST(WalkUploadListingTest, RejectsNegativeMaxUploads) {
  std::set<Upload> uploads;
  SetCursor cursor(uploads);
  EXPECT_EQ(WalkUploadListing({.max_uploads = -1}, cursor).status().code(),
            common::Code::kInvalidArgument);
  EXPECT_EQ(cursor.seeks, 0);
}

TEST(WalkUploadListingTest, MaxUploadsZeroDoesNoWork) {
  std::set<Upload> uploads = {{"a", "u1"}};
  SetCursor cursor(uploads);
  auto page = WalkUploadListing({.max_uploads = 0}, cursor);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->uploads.empty());
  EXPECT_FALSE(page->truncated);
  EXPECT_EQ(cursor.seeks + cursor.nexts, 0);
}

}  // namespace
}  // namespace strata::meta
