#include "s3/xml/internal/xml_builder.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>
#include <string>

namespace strata::s3::xml {
namespace {

TEST(AppendEscapedTest, Table) {
  const std::pair<std::string_view, std::string_view> kCases[] = {
      {"", ""},
      {"plain/key.txt", "plain/key.txt"},
      {"\"etag\"", "&quot;etag&quot;"},
      {"a&b<c>d", "a&amp;b&lt;c&gt;d"},
      {"it's", "it's"},
      {"tab\tnewline\n", "tab\tnewline\n"},
      {"cr\r", "cr&#xD;"},
      {std::string_view("nul\0x", 5), "nul&#x0;x"},
      {"\x1f\x7f", "&#x1F;&#x7F;"},
      {"\xE2\x82\xAC", "\xE2\x82\xAC"},
  };
  for (const auto& [in, out] : kCases) {
    std::string escaped;
    AppendEscaped(escaped, in);
    EXPECT_EQ(escaped, out);
  }
}

TEST(XmlBuilderTest, EmptyRoot) {
  EXPECT_EQ(XmlBuilder("LocationConstraint", kS3Namespace).Finish(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>");
  EXPECT_EQ(XmlBuilder("Error", "").Finish(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error/>");
}

TEST(XmlBuilderTest, NestedAndAutoClosed) {
  XmlBuilder builder("Root", "");
  builder.Open("A");
  builder.Element("B", "");
  builder.Element("C", "x\ry");
  builder.Open("D");
  builder.Text("t");
  std::string xml = std::move(builder).Finish();
  EXPECT_EQ(xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<Root><A><B></B><C>x&#xD;y</C><D>t</D></A></Root>");
  // A parser gives back the exact bytes, '\r' included.
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str()));
  EXPECT_STREQ(doc.child("Root").child("A").child("C").text().get(), "x\ry");
}

}  // namespace
}  // namespace strata::s3::xml
