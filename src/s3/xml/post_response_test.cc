#include "s3/xml/post_response.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>

namespace strata::s3::xml {
namespace {

TEST(WritePostResponseTest, Golden) {
  std::string xml = WritePostResponse({"http://127.0.0.1:9000/photos/a%20%26b", "photos", "a &b",
                                       "9b2cf535f27731c974343645a3985328"});
  EXPECT_EQ(xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<PostResponse><Location>http://127.0.0.1:9000/photos/a%20%26b</Location>"
            "<Bucket>photos</Bucket><Key>a &amp;b</Key>"
            "<ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag></PostResponse>");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str()));
  EXPECT_STREQ(doc.child("PostResponse").child("Key").text().get(), "a &b");
}

}  // namespace
}  // namespace strata::s3::xml
