#include "service/content_md5.h"

#include <gtest/gtest.h>

#include "common/hash.h"
#include "common/hex.h"

namespace strata::service {
namespace {

TEST(ContentMd5Test, DecodesAndMatches) {
  std::string md5 = common::Md5("hello");
  auto decoded = DecodeContentMd5(common::Base64Encode(md5));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, md5);
  EXPECT_TRUE(MatchContentMd5(*decoded, common::Md5("hello")).ok());
  EXPECT_EQ(MatchContentMd5(*decoded, common::Md5("hellO")).code(), common::Code::kBadDigest);
}

TEST(ContentMd5Test, RejectsMalformedHeaders) {
  for (std::string bad :
       {std::string(""), std::string("not-base64!"), common::Base64Encode("fifteen bytes!!"),
        common::Base64Encode(common::Sha256("x"))}) {
    EXPECT_EQ(DecodeContentMd5(bad).status().code(), common::Code::kInvalidDigest) << bad;
  }
}

}  // namespace
}  // namespace strata::service
