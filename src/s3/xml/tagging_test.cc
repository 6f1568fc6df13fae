#include "s3/xml/tagging.h"

#include <gtest/gtest.h>

#include <string>

namespace strata::s3::xml {
namespace {

using common::Code;

TEST(ParseTaggingTest, Good) {
  const std::pair<std::string, TagSet> kCases[] = {
      {"<Tagging><TagSet/></Tagging>", {}},
      {"<Tagging><TagSet></TagSet></Tagging>", {}},
      {R"(<?xml version="1.0" encoding="UTF-8"?>
<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <TagSet>
    <Tag><Key>Project</Key><Value>Blue</Value></Tag>
    <Tag>
      <Value>12</Value>
      <Key>cost</Key>
    </Tag>
  </TagSet>
</Tagging>)",
       {{"Project", "Blue"}, {"cost", "12"}}},
      // Text as written: spaces kept, entities decoded, an empty value.
      {"<Tagging><TagSet><Tag><Key> a b </Key><Value></Value></Tag>"
       "<Tag><Key>x&amp;y</Key><Value/></Tag></TagSet></Tagging>",
       {{" a b ", ""}, {"x&y", ""}}},
      {"<s3:Tagging xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\"><s3:TagSet><s3:Tag>"
       "<s3:Key>k</s3:Key><s3:Value>v</s3:Value></s3:Tag></s3:TagSet></s3:Tagging>",
       {{"k", "v"}}},
      // Duplicates and bad characters are ValidateTagSet's to refuse.
      {"<Tagging><TagSet><Tag><Key>k</Key><Value>1</Value></Tag>"
       "<Tag><Key>k</Key><Value>&#13;</Value></Tag></TagSet></Tagging>",
       {{"k", "1"}, {"k", "\r"}}},
      {"<Tagging><!-- c --><TagSet><Tag><Key>k</Key><Value><![CDATA[<v>]]></Value></Tag>"
       "</TagSet></Tagging>",
       {{"k", "<v>"}}},
  };
  for (const auto& [body, tags] : kCases) {
    common::Result<TagSet> parsed = ParseTagging(body);
    ASSERT_TRUE(parsed.ok()) << body << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed, tags) << body;
  }
}

TEST(ParseTaggingTest, Bad) {
  const std::string_view kCases[] = {
      "",
      "not xml",
      "<Tagging>",
      "<Tagging/>",
      "<Tagging></Tagging>",
      "<Tags><TagSet/></Tags>",
      "<TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet>",
      "<Tagging><TagSet/><TagSet/></Tagging>",
      "<Tagging><TagSet/><Other/></Tagging>",
      "<Tagging>text<TagSet/></Tagging>",
      "<Tagging><TagSet>text</TagSet></Tagging>",
      "<Tagging><TagSet><Key>k</Key></TagSet></Tagging>",
      "<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>",
      "<Tagging><TagSet><Tag><Value>v</Value></Tag></TagSet></Tagging>",
      "<Tagging><TagSet><Tag/></TagSet></Tagging>",
      "<Tagging><TagSet><Tag><Key>k</Key><Key>j</Key><Value>v</Value></Tag></TagSet></Tagging>",
      "<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value><Value>w</Value></Tag></TagSet>"
      "</Tagging>",
      "<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value><Color>red</Color></Tag></TagSet>"
      "</Tagging>",
      "<Tagging><TagSet><Tag><Key><b>k</b></Key><Value>v</Value></Tag></TagSet></Tagging>",
      "<Tagging><TagSet><Tag>x<Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>",
      "<!DOCTYPE x [<!ENTITY e \"k\">]><Tagging><TagSet><Tag><Key>&e;</Key><Value>v</Value>"
      "</Tag></TagSet></Tagging>",
      "<Tagging><TagSet></Tagging>",
  };
  for (std::string_view body : kCases) {
    common::Result<TagSet> parsed = ParseTagging(body);
    EXPECT_EQ(parsed.status().code(), Code::kMalformedXml)
        << body << ": " << parsed.status().ToString();
  }
}

TEST(WriteTaggingTest, Documents) {
  EXPECT_EQ(WriteTagging({}),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet></TagSet>"
            "</Tagging>");
  EXPECT_EQ(WriteTagging({{"b", "<2>"}, {"a", ""}}),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet>"
            "<Tag><Key>b</Key><Value>&lt;2&gt;</Value></Tag>"
            "<Tag><Key>a</Key><Value></Value></Tag></TagSet></Tagging>");
}

TEST(WriteTaggingTest, RoundTrips) {
  const TagSet tags = {{"Project", "Blue"}, {"a b", "c&d"}, {"値", ""}};
  common::Result<TagSet> parsed = ParseTagging(WriteTagging(tags));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, tags);
}

}  // namespace
}  // namespace strata::s3::xml
