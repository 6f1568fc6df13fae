#include "s3/xml/policy_status.h"

#include <gtest/gtest.h>

namespace strata::s3::xml {
namespace {

TEST(WritePolicyStatusTest, Golden) {
  EXPECT_EQ(WritePolicyStatus(true),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<PolicyStatus xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<IsPublic>true</IsPublic></PolicyStatus>");
  EXPECT_NE(WritePolicyStatus(false).find("<IsPublic>false</IsPublic>"), std::string::npos);
}

}  // namespace
}  // namespace strata::s3::xml
