#include "s3/xml/copy_object.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>

namespace strata::s3::xml {
namespace {

TEST(WriteCopyObjectResultTest, Golden) {
  // 2026-11-30T22:08:55.123Z
  std::string xml = WriteCopyObjectResult({"9b2cf535f27731c974343645a3985328", 1796076535123});
  EXPECT_EQ(xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<CopyObjectResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<LastModified>2026-11-30T22:08:55.123Z</LastModified>"
            "<ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag></CopyObjectResult>");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str()));
  EXPECT_STREQ(doc.child("CopyObjectResult").child("ETag").text().get(),
               "\"9b2cf535f27731c974343645a3985328\"");
}

}  // namespace
}  // namespace strata::s3::xml
