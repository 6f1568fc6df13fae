#include "s3/xml/list_buckets.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>

namespace strata::s3::xml {
namespace {

TEST(WriteListAllMyBucketsResultTest, Golden) {
  ListAllMyBucketsResult result;
  result.owner = {"owner-id", "alice"};
  result.buckets = {{"photos", 1796076535123}, {"logs", 0}};
  EXPECT_EQ(WriteListAllMyBucketsResult(result),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Owner><ID>owner-id</ID><DisplayName>alice</DisplayName></Owner>"
            "<Buckets>"
            "<Bucket><Name>photos</Name><CreationDate>2026-11-30T22:08:55.123Z</CreationDate>"
            "</Bucket>"
            "<Bucket><Name>logs</Name><CreationDate>1970-01-01T00:00:00.000Z</CreationDate>"
            "</Bucket>"
            "</Buckets></ListAllMyBucketsResult>");
}

TEST(WriteListAllMyBucketsResultTest, EmptyAndPaginated) {
  ListAllMyBucketsResult result;
  result.owner = {"id", ""};
  result.continuation_token = "tok/en=";
  result.prefix = "ph";
  std::string xml = WriteListAllMyBucketsResult(result);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str()));
  pugi::xml_node root = doc.child("ListAllMyBucketsResult");
  ASSERT_TRUE(root);
  EXPECT_STREQ(root.attribute("xmlns").value(), "http://s3.amazonaws.com/doc/2006-03-01/");
  EXPECT_TRUE(root.child("Buckets"));
  EXPECT_FALSE(root.child("Buckets").child("Bucket"));
  EXPECT_STREQ(root.child("ContinuationToken").text().get(), "tok/en=");
  EXPECT_STREQ(root.child("Prefix").text().get(), "ph");
}

}  // namespace
}  // namespace strata::s3::xml
