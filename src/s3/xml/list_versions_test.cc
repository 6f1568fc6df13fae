#include "s3/xml/list_versions.h"

#include <gtest/gtest.h>

namespace strata::s3::xml {
namespace {

constexpr char kHead[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<ListVersionsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";

TEST(WriteListVersionsResultTest, VersionsAndMarkersInterleaved) {
  ListVersionsResult result;
  result.name = "b";
  result.max_keys = 2;
  result.is_truncated = true;
  result.next_key_marker = "a";
  result.next_version_id_marker = "null";
  VersionEntry marker;
  marker.delete_marker = true;
  marker.key = "a";
  marker.version_id = "v2";
  marker.is_latest = true;
  marker.last_modified_ms = 1000;
  marker.owner = Owner{"id", "alice"};
  VersionEntry version;
  version.key = "a";
  version.version_id = "null";
  version.last_modified_ms = 0;
  version.etag = "abc";
  version.size = 3;
  result.entries = {marker, version};
  EXPECT_EQ(WriteListVersionsResult(result),
            std::string(kHead) +
                "<Name>b</Name><Prefix></Prefix><KeyMarker></KeyMarker>"
                "<VersionIdMarker></VersionIdMarker><NextKeyMarker>a</NextKeyMarker>"
                "<NextVersionIdMarker>null</NextVersionIdMarker><MaxKeys>2</MaxKeys>"
                "<IsTruncated>true</IsTruncated>"
                "<DeleteMarker><Key>a</Key><VersionId>v2</VersionId><IsLatest>true</IsLatest>"
                "<LastModified>1970-01-01T00:00:01.000Z</LastModified>"
                "<Owner><ID>id</ID><DisplayName>alice</DisplayName></Owner></DeleteMarker>"
                "<Version><Key>a</Key><VersionId>null</VersionId><IsLatest>false</IsLatest>"
                "<LastModified>1970-01-01T00:00:00.000Z</LastModified>"
                "<ETag>&quot;abc&quot;</ETag><Size>3</Size><StorageClass>STANDARD</StorageClass>"
                "</Version></ListVersionsResult>");
}

TEST(WriteListVersionsResultTest, UrlEncodingAndPrefixes) {
  ListVersionsResult result;
  result.name = "b";
  result.prefix = "a b/";
  result.key_marker = "a b/c+";
  result.version_id_marker = "v1";
  result.delimiter = "/";
  result.url_encoding = true;
  result.common_prefixes = {"a b/d/"};
  VersionEntry version;
  version.key = "a b/é";
  version.version_id = "v0";
  version.is_latest = true;
  version.etag = "e";
  result.entries = {version};
  std::string xml = WriteListVersionsResult(result);
  EXPECT_NE(xml.find("<Prefix>a%20b/</Prefix><KeyMarker>a%20b/c%2B</KeyMarker>"
                     "<VersionIdMarker>v1</VersionIdMarker><MaxKeys>1000</MaxKeys>"
                     "<Delimiter>/</Delimiter><EncodingType>url</EncodingType>"
                     "<IsTruncated>false</IsTruncated>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<Key>a%20b/%C3%A9</Key>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<CommonPrefixes><Prefix>a%20b/d/</Prefix></CommonPrefixes>"),
            std::string::npos)
      << xml;
  // Not truncated: no Next* markers.
  EXPECT_EQ(xml.find("NextKeyMarker"), std::string::npos) << xml;
}

TEST(WriteListVersionsResultTest, TruncatedOnACommonPrefixHasNoVersionIdMarker) {
  ListVersionsResult result;
  result.name = "b";
  result.delimiter = "/";
  result.is_truncated = true;
  result.next_key_marker = "d/";
  result.common_prefixes = {"d/"};
  std::string xml = WriteListVersionsResult(result);
  EXPECT_NE(xml.find("<NextKeyMarker>d/</NextKeyMarker><MaxKeys>"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("NextVersionIdMarker"), std::string::npos) << xml;
}

}  // namespace
}  // namespace strata::s3::xml
