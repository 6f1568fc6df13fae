#include "meta/internal/multipart_rules.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "meta/internal/contract_util.h"

namespace strata::meta::internal {
namespace {

using common::Code;

TEST(MultipartRulesTest, AnUploadIdNamesOneBucketAndKey) {
  const MultipartUpload upload = contract::MakeUpload("b", "k", "u1");
  STRATA_EXPECT_OK(CheckUploadIsFor(upload, "u1", "b", "k"));
  STRATA_EXPECT_CODE(CheckUploadIsFor(upload, "u1", "other", "k"), Code::kNoSuchUpload);
  STRATA_EXPECT_CODE(CheckUploadIsFor(upload, "u1", "b", "other"), Code::kNoSuchUpload);
  STRATA_EXPECT_CODE(CheckUploadIsFor(std::nullopt, "u1", "b", "k"), Code::kNoSuchUpload);
}

TEST(MultipartRulesTest, MaxParts) {
  STRATA_EXPECT_OK(CheckMaxParts(0));
  STRATA_EXPECT_OK(CheckMaxParts(1000));
  STRATA_EXPECT_CODE(CheckMaxParts(-1), Code::kInvalidArgument);
}

std::vector<PartRecord> Parts(std::vector<int> numbers) {
  std::vector<PartRecord> parts;
  for (int number : numbers) parts.push_back({.upload_id = "u", .part_number = number});
  return parts;
}

TEST(MultipartRulesTest, PagesOfParts) {
  struct Case {
    std::vector<int> rows;  // as read, with a limit of max_parts + 1
    int max_parts;
    std::vector<int> page;
    bool truncated;
    int next_marker;
  };
  const Case cases[] = {
      {{}, 3, {}, false, 0},
      {{2, 5}, 3, {2, 5}, false, 5},
      {{2, 5, 7}, 3, {2, 5, 7}, false, 7},
      {{2, 5, 7, 9}, 3, {2, 5, 7}, true, 7},
      {{4, 6}, 1, {4}, true, 4},
  };
  for (const Case& c : cases) {
    const ListPartsPage page = PartsPage(Parts(c.rows), c.max_parts);
    std::vector<int> numbers;
    for (const PartRecord& part : page.parts) numbers.push_back(part.part_number);
    EXPECT_EQ(numbers, c.page) << c.max_parts << " of " << c.rows.size();
    EXPECT_EQ(page.truncated, c.truncated) << c.max_parts << " of " << c.rows.size();
    EXPECT_EQ(page.next_part_number_marker, c.next_marker);
  }
}

}  // namespace
}  // namespace strata::meta::internal
