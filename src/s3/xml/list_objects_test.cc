#include "s3/xml/list_objects.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>
#include <string>
#include <vector>

#include "http/url.h"

namespace strata::s3::xml {
namespace {

constexpr int64_t kTime = 1796076535123;  // 2026-11-30T22:08:55.123Z

ObjectSummary Object(std::string key, uint64_t size) {
  ObjectSummary object;
  object.key = std::move(key);
  object.last_modified_ms = kTime;
  object.etag = "fba9dede5f27731c9771645a39863328";
  object.size = size;
  object.owner = Owner{"owner-id", "alice"};
  return object;
}

pugi::xml_node Parse(pugi::xml_document& doc, const std::string& xml) {
  pugi::xml_parse_result parsed = doc.load_string(xml.c_str());
  EXPECT_TRUE(parsed) << parsed.description() << "\n" << xml;
  pugi::xml_node root = doc.child("ListBucketResult");
  EXPECT_STREQ(root.attribute("xmlns").value(), "http://s3.amazonaws.com/doc/2006-03-01/");
  return root;
}

std::vector<std::string> Texts(pugi::xml_node root, const char* element, const char* child) {
  std::vector<std::string> texts;
  for (pugi::xml_node node : root.children(element)) {
    texts.push_back(node.child(child).text().get());
  }
  return texts;
}

TEST(WriteListBucketResultTest, GoldenV1) {
  ListBucketResult result;
  result.name = "photos";
  result.max_keys = 1000;
  result.contents = {Object("my-image.jpg", 434234)};
  EXPECT_EQ(WriteListBucketResult(result),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Name>photos</Name><Prefix></Prefix><Marker></Marker><MaxKeys>1000</MaxKeys>"
            "<IsTruncated>false</IsTruncated>"
            "<Contents><Key>my-image.jpg</Key>"
            "<LastModified>2026-11-30T22:08:55.123Z</LastModified>"
            "<ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size>"
            "<Owner><ID>owner-id</ID><DisplayName>alice</DisplayName></Owner>"
            "<StorageClass>STANDARD</StorageClass></Contents>"
            "</ListBucketResult>");
}

TEST(WriteListBucketResultTest, V1Fields) {
  ListBucketResult result;
  result.name = "photos";
  result.prefix = "2026/";
  result.marker = "2026/a";
  result.next_marker = "2026/c/";
  result.delimiter = "/";
  result.max_keys = 2;
  result.is_truncated = true;
  result.contents = {Object("2026/b", 1)};
  result.contents[0].owner.reset();
  result.common_prefixes = {"2026/c/"};
  pugi::xml_document doc;
  pugi::xml_node root = Parse(doc, WriteListBucketResult(result));
  EXPECT_STREQ(root.child("Name").text().get(), "photos");
  EXPECT_STREQ(root.child("Prefix").text().get(), "2026/");
  EXPECT_STREQ(root.child("Marker").text().get(), "2026/a");
  EXPECT_STREQ(root.child("NextMarker").text().get(), "2026/c/");
  EXPECT_STREQ(root.child("MaxKeys").text().get(), "2");
  EXPECT_STREQ(root.child("Delimiter").text().get(), "/");
  EXPECT_STREQ(root.child("IsTruncated").text().get(), "true");
  EXPECT_FALSE(root.child("EncodingType"));
  EXPECT_FALSE(root.child("Contents").child("Owner"));
  EXPECT_STREQ(root.child("Contents").child("ETag").text().get(),
               "\"fba9dede5f27731c9771645a39863328\"");
  EXPECT_EQ(Texts(root, "CommonPrefixes", "Prefix"), std::vector<std::string>{"2026/c/"});
}

TEST(WriteListBucketResultTest, NextMarkerOnlyWhenTruncatedWithDelimiter) {
  ListBucketResult result;
  result.name = "b";
  result.next_marker = "k";
  result.is_truncated = true;  // but no delimiter
  EXPECT_EQ(WriteListBucketResult(result).find("NextMarker"), std::string::npos);
  result.delimiter = "/";
  result.is_truncated = false;
  EXPECT_EQ(WriteListBucketResult(result).find("NextMarker"), std::string::npos);
}

TEST(WriteListBucketResultTest, V2Fields) {
  ListBucketResultV2 result;
  result.name = "photos";
  result.prefix = "p";
  result.continuation_token = "tok1";
  result.next_continuation_token = "tok2";
  result.start_after = "pa";
  result.delimiter = "/";
  result.max_keys = 3;
  result.is_truncated = true;
  result.contents = {Object("pb", 10), Object("pc", 20)};
  result.common_prefixes = {"pd/"};
  pugi::xml_document doc;
  pugi::xml_node root = Parse(doc, WriteListBucketResultV2(result));
  EXPECT_STREQ(root.child("ContinuationToken").text().get(), "tok1");
  EXPECT_STREQ(root.child("NextContinuationToken").text().get(), "tok2");
  EXPECT_STREQ(root.child("StartAfter").text().get(), "pa");
  EXPECT_STREQ(root.child("KeyCount").text().get(), "3");
  EXPECT_STREQ(root.child("MaxKeys").text().get(), "3");
  EXPECT_STREQ(root.child("IsTruncated").text().get(), "true");
  EXPECT_FALSE(root.child("Marker"));
  EXPECT_EQ(Texts(root, "Contents", "Key"), (std::vector<std::string>{"pb", "pc"}));
  EXPECT_EQ(Texts(root, "Contents", "Size"), (std::vector<std::string>{"10", "20"}));
  // Owner only with fetch-owner=true.
  EXPECT_FALSE(root.child("Contents").child("Owner"));
  result.fetch_owner = true;
  pugi::xml_document doc2;
  root = Parse(doc2, WriteListBucketResultV2(result));
  EXPECT_STREQ(root.child("Contents").child("Owner").child("ID").text().get(), "owner-id");
}

TEST(WriteListBucketResultTest, V2Minimal) {
  ListBucketResultV2 result;
  result.name = "b";
  result.next_continuation_token = "ignored-when-not-truncated";
  EXPECT_EQ(WriteListBucketResultV2(result),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Name>b</Name><Prefix></Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys>"
            "<IsTruncated>false</IsTruncated></ListBucketResult>");
}

TEST(WriteListBucketResultTest, XmlSpecialCharactersWithoutEncoding) {
  ListBucketResultV2 result;
  result.name = "b";
  result.contents = {Object("a&b<c>\"d'e\r", 1)};
  pugi::xml_document doc;
  pugi::xml_node root = Parse(doc, WriteListBucketResultV2(result));
  EXPECT_STREQ(root.child("Contents").child("Key").text().get(), "a&b<c>\"d'e\r");
}

// What botocore does with encoding-type=url: unquote_plus on these fields.
std::string UnquotePlus(const std::string& text) {
  return http::PercentDecode(text, /*plus_as_space=*/true).value_or("<malformed>");
}

TEST(WriteListBucketResultTest, UrlEncodingRoundTrips) {
  const std::vector<std::string> kKeys = {
      "foo+1/bar", "quux ab/thud", "a%2Fb", "x\ry\x01z", "\xE2\x82\xAC/\xF0\x9F\x98\x80", "q?&=#"};
  ListBucketResult v1;
  v1.name = "b";
  v1.prefix = "p +";
  v1.marker = "m+";
  v1.next_marker = "n +/";
  v1.delimiter = "/";
  v1.is_truncated = true;
  v1.url_encoding = true;
  for (const std::string& key : kKeys) v1.contents.push_back(Object(key, 1));
  v1.common_prefixes = {"foo+1/", "quux ab/"};
  pugi::xml_document doc;
  pugi::xml_node root = Parse(doc, WriteListBucketResult(v1));
  EXPECT_STREQ(root.child("EncodingType").text().get(), "url");
  // '/' stays, '+' and ' ' are escaped (ceph s3-tests expect "foo%2B1/").
  EXPECT_EQ(Texts(root, "CommonPrefixes", "Prefix"),
            (std::vector<std::string>{"foo%2B1/", "quux%20ab/"}));
  std::vector<std::string> keys = Texts(root, "Contents", "Key");
  ASSERT_EQ(keys.size(), kKeys.size());
  for (size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(UnquotePlus(keys[i]), kKeys[i]);
  EXPECT_EQ(UnquotePlus(root.child("Prefix").text().get()), "p +");
  EXPECT_EQ(UnquotePlus(root.child("Marker").text().get()), "m+");
  EXPECT_EQ(UnquotePlus(root.child("NextMarker").text().get()), "n +/");
  EXPECT_EQ(UnquotePlus(root.child("Delimiter").text().get()), "/");

  ListBucketResultV2 v2;
  v2.name = "b";
  v2.start_after = "s +";
  v2.continuation_token = "a+b/c=";
  v2.delimiter = " ";
  v2.url_encoding = true;
  v2.contents.push_back(Object("k +", 1));
  pugi::xml_document doc2;
  root = Parse(doc2, WriteListBucketResultV2(v2));
  EXPECT_EQ(UnquotePlus(root.child("StartAfter").text().get()), "s +");
  EXPECT_EQ(UnquotePlus(root.child("Delimiter").text().get()), " ");
  EXPECT_EQ(UnquotePlus(root.child("Contents").child("Key").text().get()), "k +");
  // Continuation tokens are opaque: never encoded.
  EXPECT_STREQ(root.child("ContinuationToken").text().get(), "a+b/c=");
}

}  // namespace
}  // namespace strata::s3::xml
