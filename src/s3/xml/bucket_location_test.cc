#include "s3/xml/bucket_location.h"

#include <gtest/gtest.h>

namespace strata::s3::xml {
namespace {

TEST(ParseCreateBucketConfigurationTest, Good) {
  const std::pair<std::string_view, std::string_view> kCases[] = {
      {"", ""},
      {"  \r\n", ""},
      {"<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
       "<LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>",
       "eu-west-1"},
      {"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CreateBucketConfiguration>\n"
       "  <LocationConstraint> us-west-2 </LocationConstraint>\n</CreateBucketConfiguration>\n",
       "us-west-2"},
      {"<CreateBucketConfiguration/>", ""},
      {"<CreateBucketConfiguration><LocationConstraint/></CreateBucketConfiguration>", ""},
      {"<s3:CreateBucketConfiguration xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
       "<s3:LocationConstraint>ap-south-1</s3:LocationConstraint>"
       "</s3:CreateBucketConfiguration>",
       "ap-south-1"},
      {"<CreateBucketConfiguration><!-- c --><Bucket><Type>Directory</Type></Bucket>"
       "<LocationConstraint>eu</LocationConstraint></CreateBucketConfiguration>",
       "eu"},
  };
  for (const auto& [body, location] : kCases) {
    common::Result<std::string> parsed = ParseCreateBucketConfiguration(body);
    ASSERT_TRUE(parsed.ok()) << body << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed, location) << body;
  }
}

TEST(ParseCreateBucketConfigurationTest, Bad) {
  const std::string_view kCases[] = {
      "eu-west-1",
      "{\"LocationConstraint\": \"eu-west-1\"}",
      "<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint>",
      "<CreateBucketConfiguration><LocationConstraint>eu</CreateBucketConfiguration>",
      "<Delete><Object><Key>k</Key></Object></Delete>",
      "<CreateBucketConfiguration/><CreateBucketConfiguration/>",
      "<CreateBucketConfiguration/>trailing",
      "<CreateBucketConfiguration><LocationConstraint>a</LocationConstraint>"
      "<LocationConstraint>b</LocationConstraint></CreateBucketConfiguration>",
      "<CreateBucketConfiguration><LocationConstraint><x/></LocationConstraint>"
      "</CreateBucketConfiguration>",
      "<!DOCTYPE CreateBucketConfiguration [<!ENTITY r \"eu\">]>"
      "<CreateBucketConfiguration><LocationConstraint>&r;</LocationConstraint>"
      "</CreateBucketConfiguration>",
  };
  for (std::string_view body : kCases) {
    common::Result<std::string> parsed = ParseCreateBucketConfiguration(body);
    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_EQ(parsed.status().code(), common::Code::kMalformedXml) << body;
  }
}

TEST(WriteLocationConstraintTest, Golden) {
  EXPECT_EQ(WriteLocationConstraint("eu-west-1"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">eu-west-1"
            "</LocationConstraint>");
  const std::string kEmpty =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>";
  EXPECT_EQ(WriteLocationConstraint(""), kEmpty);
  EXPECT_EQ(WriteLocationConstraint("us-east-1"), kEmpty);
}

}  // namespace
}  // namespace strata::s3::xml
