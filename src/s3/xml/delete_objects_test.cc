#include "s3/xml/delete_objects.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>
#include <string>

namespace strata::s3::xml {
namespace {

using common::Code;

std::string DeleteBody(size_t objects) {
  std::string body = "<Delete>";
  for (size_t i = 0; i < objects; ++i) {
    body += "<Object><Key>k" + std::to_string(i) + "</Key></Object>";
  }
  return body + "</Delete>";
}

TEST(ParseDeleteRequestTest, Full) {
  common::Result<DeleteRequest> parsed = ParseDeleteRequest(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
      "  <Quiet>true</Quiet>\n"
      "  <Object>\n    <Key>a/b.txt</Key>\n  </Object>\n"
      "  <Object><Key>sample2.txt</Key><VersionId>v2</VersionId><ETag>\"x\"</ETag></Object>\n"
      "  <Object><Key> spaced </Key></Object>\n"
      "  <Object><Key>a&amp;b&lt;&#13;&#x20AC;</Key></Object>\n"
      "  <Object><Key><![CDATA[<raw>]]></Key></Object>\n"
      "  <Object><Key></Key></Object>\n"
      "</Delete>\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(parsed->quiet);
  ASSERT_EQ(parsed->objects.size(), 6u);
  EXPECT_EQ(parsed->objects[0].key, "a/b.txt");
  EXPECT_EQ(parsed->objects[0].version_id, "");
  EXPECT_EQ(parsed->objects[1].key, "sample2.txt");
  EXPECT_EQ(parsed->objects[1].version_id, "v2");
  EXPECT_EQ(parsed->objects[2].key, " spaced ");
  EXPECT_EQ(parsed->objects[3].key, "a&b<\r\xE2\x82\xAC");
  EXPECT_EQ(parsed->objects[4].key, "<raw>");
  EXPECT_EQ(parsed->objects[5].key, "");  // reported per key by the caller
}

TEST(ParseDeleteRequestTest, GoodVariants) {
  const std::pair<std::string, bool> kCases[] = {
      {"<Delete><Object><Key>k</Key></Object></Delete>", false},
      {"<Delete><Quiet>false</Quiet><Object><Key>k</Key></Object></Delete>", false},
      {"<Delete><Object><Key>k</Key></Object><Quiet> TRUE </Quiet></Delete>", true},
      {"<s3:Delete xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\"><s3:Object>"
       "<s3:Key>k</s3:Key></s3:Object></s3:Delete>",
       false},
      {"<Delete><!-- c --><Unknown>1</Unknown><Object><Key>k</Key><Size>3</Size></Object>"
       "</Delete>",
       false},
      {DeleteBody(kMaxDeleteObjects), false},
  };
  for (const auto& [body, quiet] : kCases) {
    common::Result<DeleteRequest> parsed = ParseDeleteRequest(body);
    ASSERT_TRUE(parsed.ok()) << body.substr(0, 200) << ": " << parsed.status().ToString();
    EXPECT_EQ(parsed->quiet, quiet);
    EXPECT_FALSE(parsed->objects.empty());
  }
}

TEST(ParseDeleteRequestTest, Bad) {
  const std::string kCases[] = {
      "",
      "   ",
      "not xml",
      "{\"Objects\": []}",
      "<Delete><Object><Key>k</Key></Object>",     // truncated
      "<Delete><Object><Key>k</Object></Delete>",  // mismatched
      "<Delete></Delete>",                         // no objects
      "<Delete><Quiet>true</Quiet></Delete>",      // no objects
      "<Delete><Object></Object></Delete>",        // no key
      "<Delete><Object><Key>a</Key><Key>b</Key></Object></Delete>",
      "<Delete><Object><Key><b>x</b></Key></Object></Delete>",
      "<Delete><Quiet>yes</Quiet><Object><Key>k</Key></Object></Delete>",
      "<DeleteObjects><Object><Key>k</Key></Object></DeleteObjects>",  // wrong root
      "<Delete><Object><Key>k</Key></Object></Delete><Delete/>",
      "junk<Delete><Object><Key>k</Key></Object></Delete>",
      "<Delete><Object><Key>k</Key></Object></Delete>junk",
      "<Delete><Object><Key>k</Key></Object></Delete><![CDATA[x]]>",
      "<Delete><Object><Key>k</Key></Object></Delete",
      "<Delete><Object><Key>k</Key></Object></Delete>&amp;",
      "<!DOCTYPE Delete [<!ENTITY x \"k\">]><Delete><Object><Key>&x;</Key></Object></Delete>",
      DeleteBody(kMaxDeleteObjects + 1),
  };
  for (const std::string& body : kCases) {
    common::Result<DeleteRequest> parsed = ParseDeleteRequest(body);
    ASSERT_FALSE(parsed.ok()) << body.substr(0, 200);
    EXPECT_EQ(parsed.status().code(), Code::kMalformedXml) << body.substr(0, 200);
  }
}

TEST(WriteDeleteResultTest, Golden) {
  DeleteResult result;
  result.deleted = {{"a.txt", "", false, ""}, {"b.txt", "v1", true, "dm1"}};
  result.errors = {{"c.txt", "", common::Status(Code::kAccessDenied, "")},
                   {"d.txt", "v9", common::Status(Code::kInternal, "disk /dev/sdb failed")}};
  EXPECT_EQ(WriteDeleteResult(result),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Deleted><Key>a.txt</Key></Deleted>"
            "<Deleted><Key>b.txt</Key><VersionId>v1</VersionId><DeleteMarker>true</DeleteMarker>"
            "<DeleteMarkerVersionId>dm1</DeleteMarkerVersionId></Deleted>"
            "<Error><Key>c.txt</Key><Code>AccessDenied</Code><Message>Access Denied</Message>"
            "</Error>"
            "<Error><Key>d.txt</Key><VersionId>v9</VersionId><Code>InternalError</Code>"
            "<Message>We encountered an internal error. Please try again.</Message></Error>"
            "</DeleteResult>");
}

TEST(WriteDeleteResultTest, EmptyAndParsesBack) {
  EXPECT_EQ(WriteDeleteResult({}),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>");
  DeleteResult result;
  result.errors = {{std::string(1025, 'k'), "", common::Status(Code::kKeyTooLong, "")}};
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(WriteDeleteResult(result).c_str()));
  pugi::xml_node error = doc.child("DeleteResult").child("Error");
  EXPECT_EQ(std::string(error.child("Key").text().get()).size(), 1025u);
  EXPECT_STREQ(error.child("Code").text().get(), "KeyTooLongError");
}

}  // namespace
}  // namespace strata::s3::xml
