#include "s3/xml/multipart.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>
#include <string>
#include <vector>

#include "http/url.h"

namespace strata::s3::xml {
namespace {

using common::Code;

constexpr int64_t kTime = 1796076535123;  // 2026-11-30T22:08:55.123Z
constexpr std::string_view kDecl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

std::string CompleteBody(size_t parts) {
  std::string body = "<CompleteMultipartUpload>";
  for (size_t i = 1; i <= parts; ++i) {
    body += "<Part><PartNumber>" + std::to_string(i <= 10000 ? i : 10000) +
            "</PartNumber><ETag>e</ETag></Part>";
  }
  return body + "</CompleteMultipartUpload>";
}

TEST(WriteInitiateMultipartUploadResultTest, Golden) {
  EXPECT_EQ(WriteInitiateMultipartUploadResult("photos", "a/b&c<d>.iso", "u-1\"x"),
            std::string(kDecl) +
                "<InitiateMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                "<Bucket>photos</Bucket><Key>a/b&amp;c&lt;d&gt;.iso</Key>"
                "<UploadId>u-1&quot;x</UploadId></InitiateMultipartUploadResult>");
}

TEST(ParseCompleteMultipartUploadTest, AsSdksSendIt) {
  common::Result<std::vector<CompletedPart>> parsed = ParseCompleteMultipartUpload(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Part><ETag>&quot;7778aef83f66abc1fa1e8477f296d394&quot;</ETag>"
      "<PartNumber>1</PartNumber></Part>"
      "<Part><ETag>\"aaaa\"</ETag><PartNumber>2</PartNumber>"
      "<ChecksumCRC32>sOO8/Q==</ChecksumCRC32><ChecksumSHA256> x= </ChecksumSHA256></Part>"
      "</CompleteMultipartUpload>");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].part_number, 1);
  EXPECT_EQ((*parsed)[0].etag, "7778aef83f66abc1fa1e8477f296d394");
  EXPECT_FALSE((*parsed)[0].crc32.has_value());
  EXPECT_FALSE((*parsed)[0].sha256.has_value());
  EXPECT_EQ((*parsed)[1].part_number, 2);
  EXPECT_EQ((*parsed)[1].etag, "aaaa");
  EXPECT_EQ((*parsed)[1].crc32, "sOO8/Q==");
  EXPECT_EQ((*parsed)[1].sha256, "x=");
  EXPECT_FALSE((*parsed)[1].crc32c.has_value());
  EXPECT_FALSE((*parsed)[1].crc64nvme.has_value());
  EXPECT_FALSE((*parsed)[1].sha1.has_value());
}

TEST(ParseCompleteMultipartUploadTest, AllChecksumsAndOrderKept) {
  common::Result<std::vector<CompletedPart>> parsed = ParseCompleteMultipartUpload(
      "<CompleteMultipartUpload>\n"
      "  <Part>\n    <PartNumber> 3 </PartNumber>\n    <ETag> \"c\" </ETag>\n"
      "    <ChecksumCRC32>a</ChecksumCRC32><ChecksumCRC32C>b</ChecksumCRC32C>"
      "<ChecksumCRC64NVME>c</ChecksumCRC64NVME><ChecksumSHA1>d</ChecksumSHA1>"
      "<ChecksumSHA256>e</ChecksumSHA256>\n  </Part>\n"
      "  <Part><PartNumber>1</PartNumber><ETag>a</ETag></Part>\n"
      "  <Part><PartNumber>1</PartNumber><ETag></ETag></Part>\n"
      "</CompleteMultipartUpload>\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->size(), 3u);
  const CompletedPart& first = (*parsed)[0];
  EXPECT_EQ(first.part_number, 3);
  EXPECT_EQ(first.etag, "c");
  EXPECT_EQ(first.crc32, "a");
  EXPECT_EQ(first.crc32c, "b");
  EXPECT_EQ(first.crc64nvme, "c");
  EXPECT_EQ(first.sha1, "d");
  EXPECT_EQ(first.sha256, "e");
  // Order and duplicates are the service's to judge.
  EXPECT_EQ((*parsed)[1].part_number, 1);
  EXPECT_EQ((*parsed)[2].part_number, 1);
  EXPECT_EQ((*parsed)[2].etag, "");
}

TEST(ParseCompleteMultipartUploadTest, GoodVariants) {
  const std::pair<std::string, size_t> kCases[] = {
      {"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>e</ETag></Part>"
       "</CompleteMultipartUpload>",
       1},
      {"<s3:CompleteMultipartUpload xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
       "<s3:Part><s3:PartNumber>10000</s3:PartNumber><s3:ETag>e</s3:ETag></s3:Part>"
       "</s3:CompleteMultipartUpload>",
       1},
      {"<CompleteMultipartUpload><!-- c --><Unknown/><Part><PartNumber>2</PartNumber>"
       "<ETag><![CDATA[\"e\"]]></ETag><Size>5</Size></Part></CompleteMultipartUpload>",
       1},
      {"<CompleteMultipartUpload><Part><PartNumber>007</PartNumber><ETag>e</ETag></Part>"
       "</CompleteMultipartUpload>",
       1},
      {CompleteBody(kMaxCompletedParts), kMaxCompletedParts},
  };
  for (const auto& [body, count] : kCases) {
    common::Result<std::vector<CompletedPart>> parsed = ParseCompleteMultipartUpload(body);
    ASSERT_TRUE(parsed.ok()) << body.substr(0, 200) << ": " << parsed.status().ToString();
    EXPECT_EQ(parsed->size(), count);
    EXPECT_EQ(parsed->front().etag, "e");
  }
}

TEST(ParseCompleteMultipartUploadTest, Bad) {
  const std::pair<std::string, Code> kCases[] = {
      {"", Code::kMalformedXml},
      {"  ", Code::kMalformedXml},
      {"not xml", Code::kMalformedXml},
      {"<CompleteMultipartUpload/>", Code::kMalformedXml},
      {"<CompleteMultipartUpload></CompleteMultipartUpload>", Code::kMalformedXml},
      {"<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
       "</CompleteMultipartUpload>",
       Code::kMalformedXml},
      {"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>e</ETag></Part>",
       Code::kMalformedXml},  // truncated
      {"<CompleteMultipartUploadResult><Part><PartNumber>1</PartNumber><ETag>e</ETag></Part>"
       "</CompleteMultipartUploadResult>",
       Code::kMalformedXml},  // wrong root
      {"<Delete><Part><PartNumber>1</PartNumber><ETag>e</ETag></Part></Delete>",
       Code::kMalformedXml},
      {"<CompleteMultipartUpload><Part><ETag>e</ETag></Part></CompleteMultipartUpload>",
       Code::kMalformedXml},  // no PartNumber
      {"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part>"
       "</CompleteMultipartUpload>",
       Code::kMalformedXml},  // no ETag
      {"<CompleteMultipartUpload><Part></Part></CompleteMultipartUpload>", Code::kMalformedXml},
      {"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><PartNumber>2</PartNumber>"
       "<ETag>e</ETag></Part></CompleteMultipartUpload>",
       Code::kMalformedXml},
      {"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>e</ETag><ETag>f</ETag>"
       "</Part></CompleteMultipartUpload>",
       Code::kMalformedXml},
      {"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>e</ETag>"
       "<ChecksumCRC32>a</ChecksumCRC32><ChecksumCRC32>b</ChecksumCRC32></Part>"
       "</CompleteMultipartUpload>",
       Code::kMalformedXml},
      {"<CompleteMultipartUpload><Part><PartNumber>abc</PartNumber><ETag>e</ETag></Part>"
       "</CompleteMultipartUpload>",
       Code::kMalformedXml},
      {"<CompleteMultipartUpload><Part><PartNumber></PartNumber><ETag>e</ETag></Part>"
       "</CompleteMultipartUpload>",
       Code::kMalformedXml},
      {"<CompleteMultipartUpload><Part><PartNumber>1.5</PartNumber><ETag>e</ETag></Part>"
       "</CompleteMultipartUpload>",
       Code::kMalformedXml},
      {"<CompleteMultipartUpload><Part><PartNumber>+1</PartNumber><ETag>e</ETag></Part>"
       "</CompleteMultipartUpload>",
       Code::kMalformedXml},
      {"<CompleteMultipartUpload><Part><PartNumber>99999999999999999999</PartNumber>"
       "<ETag>e</ETag></Part></CompleteMultipartUpload>",
       Code::kMalformedXml},
      {"<CompleteMultipartUpload><Part><PartNumber><b>1</b></PartNumber><ETag>e</ETag></Part>"
       "</CompleteMultipartUpload>",
       Code::kMalformedXml},
      {"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag><b/></ETag></Part>"
       "</CompleteMultipartUpload>",
       Code::kMalformedXml},
      {"<!DOCTYPE CompleteMultipartUpload [<!ENTITY x \"1\">]><CompleteMultipartUpload><Part>"
       "<PartNumber>&x;</PartNumber><ETag>e</ETag></Part></CompleteMultipartUpload>",
       Code::kMalformedXml},
      {"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>e</ETag></Part>"
       "</CompleteMultipartUpload><CompleteMultipartUpload/>",
       Code::kMalformedXml},
      {CompleteBody(kMaxCompletedParts + 1), Code::kMalformedXml},
      // Well-formed numbers outside 1..10000.
      {"<CompleteMultipartUpload><Part><PartNumber>0</PartNumber><ETag>e</ETag></Part>"
       "</CompleteMultipartUpload>",
       Code::kInvalidArgument},
      {"<CompleteMultipartUpload><Part><PartNumber>10001</PartNumber><ETag>e</ETag></Part>"
       "</CompleteMultipartUpload>",
       Code::kInvalidArgument},
      {"<CompleteMultipartUpload><Part><PartNumber>-1</PartNumber><ETag>e</ETag></Part>"
       "</CompleteMultipartUpload>",
       Code::kInvalidArgument},
  };
  for (const auto& [body, code] : kCases) {
    common::Result<std::vector<CompletedPart>> parsed = ParseCompleteMultipartUpload(body);
    ASSERT_FALSE(parsed.ok()) << body.substr(0, 200);
    EXPECT_EQ(parsed.status().code(), code)
        << body.substr(0, 200) << ": " << parsed.status().ToString();
    EXPECT_FALSE(parsed.status().message().empty());
  }
}

TEST(WriteCompleteMultipartUploadResultTest, Golden) {
  CompleteMultipartUploadResult result;
  result.location = "http://localhost:9000/photos/a%20b.iso";
  result.bucket = "photos";
  result.key = "a b&.iso";
  result.etag = "3858f62230ac3c915f300c664312c11f-9";
  EXPECT_EQ(WriteCompleteMultipartUploadResult(result),
            std::string(kDecl) +
                "<CompleteMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                "<Location>http://localhost:9000/photos/a%20b.iso</Location>"
                "<Bucket>photos</Bucket><Key>a b&amp;.iso</Key>"
                "<ETag>&quot;3858f62230ac3c915f300c664312c11f-9&quot;</ETag>"
                "</CompleteMultipartUploadResult>");

  result.checksum = {"CRC32C", "Zm9v-9"};
  result.checksum_type = "COMPOSITE";
  std::string xml = WriteCompleteMultipartUploadResult(result);
  EXPECT_NE(xml.find("</ETag><ChecksumCRC32C>Zm9v-9</ChecksumCRC32C>"
                     "<ChecksumType>COMPOSITE</ChecksumType></CompleteMultipartUploadResult>"),
            std::string::npos)
      << xml;
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str()));
  EXPECT_STREQ(doc.child("CompleteMultipartUploadResult").child("ETag").text().get(),
               "\"3858f62230ac3c915f300c664312c11f-9\"");
}

TEST(WriteCompleteMultipartUploadResultTest, ChecksumElements) {
  const std::pair<std::string, std::string> kCases[] = {
      {"CRC32", "ChecksumCRC32"}, {"CRC32C", "ChecksumCRC32C"}, {"CRC64NVME", "ChecksumCRC64NVME"},
      {"SHA1", "ChecksumSHA1"},   {"SHA256", "ChecksumSHA256"},
  };
  for (const auto& [algorithm, element] : kCases) {
    CompleteMultipartUploadResult result;
    result.checksum = {algorithm, "v"};
    result.checksum_type = "FULL_OBJECT";
    std::string xml = WriteCompleteMultipartUploadResult(result);
    EXPECT_NE(xml.find("<" + element + ">v</" + element + "><ChecksumType>FULL_OBJECT"),
              std::string::npos)
        << xml;
  }
  // No checksum, or one the writer cannot name: neither element.
  for (std::string_view algorithm : {"", "crc32", "MD5"}) {
    CompleteMultipartUploadResult result;
    result.checksum = {std::string(algorithm), "v"};
    result.checksum_type = "COMPOSITE";
    std::string xml = WriteCompleteMultipartUploadResult(result);
    EXPECT_EQ(xml.find("Checksum"), std::string::npos) << xml;
  }
}

TEST(WriteCopyPartResultTest, Golden) {
  EXPECT_EQ(WriteCopyPartResult({"9b2cf535f27731c974343645a3985328", kTime}),
            std::string(kDecl) +
                "<CopyPartResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                "<LastModified>2026-11-30T22:08:55.123Z</LastModified>"
                "<ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag></CopyPartResult>");
  EXPECT_EQ(WriteCopyPartResult({"e", kTime, {"SHA1", "c2hh"}}),
            std::string(kDecl) +
                "<CopyPartResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                "<LastModified>2026-11-30T22:08:55.123Z</LastModified>"
                "<ETag>&quot;e&quot;</ETag><ChecksumSHA1>c2hh</ChecksumSHA1></CopyPartResult>");
}

TEST(WriteListPartsResultTest, Golden) {
  ListPartsResult result;
  result.bucket = "photos";
  result.key = "big.iso";
  result.upload_id = "u1";
  result.part_number_marker = 1;
  result.next_part_number_marker = 3;
  result.max_parts = 2;
  result.is_truncated = true;
  result.parts = {{2, kTime, "7778aef83f66abc1fa1e8477f296d394", 10485760, {}},
                  {3, kTime, "aaaa", 5, {"CRC32", "sOO8/Q=="}}};
  result.owner = {"owner-id", "alice"};
  result.checksum_algorithm = "CRC32";
  result.checksum_type = "COMPOSITE";
  EXPECT_EQ(WriteListPartsResult(result),
            std::string(kDecl) +
                "<ListPartsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                "<Bucket>photos</Bucket><Key>big.iso</Key><UploadId>u1</UploadId>"
                "<PartNumberMarker>1</PartNumberMarker>"
                "<NextPartNumberMarker>3</NextPartNumberMarker><MaxParts>2</MaxParts>"
                "<IsTruncated>true</IsTruncated>"
                "<Part><PartNumber>2</PartNumber>"
                "<LastModified>2026-11-30T22:08:55.123Z</LastModified>"
                "<ETag>&quot;7778aef83f66abc1fa1e8477f296d394&quot;</ETag>"
                "<Size>10485760</Size></Part>"
                "<Part><PartNumber>3</PartNumber>"
                "<LastModified>2026-11-30T22:08:55.123Z</LastModified>"
                "<ETag>&quot;aaaa&quot;</ETag><Size>5</Size>"
                "<ChecksumCRC32>sOO8/Q==</ChecksumCRC32></Part>"
                "<Initiator><ID>owner-id</ID><DisplayName>alice</DisplayName></Initiator>"
                "<Owner><ID>owner-id</ID><DisplayName>alice</DisplayName></Owner>"
                "<StorageClass>STANDARD</StorageClass>"
                "<ChecksumAlgorithm>CRC32</ChecksumAlgorithm>"
                "<ChecksumType>COMPOSITE</ChecksumType></ListPartsResult>");
}

TEST(WriteListPartsResultTest, EmptyAndEscaped) {
  ListPartsResult result;
  result.bucket = "b";
  result.key = "a&b<c>\"d'e\r";
  result.upload_id = "u";
  result.owner = {"id", "<me>"};
  EXPECT_EQ(WriteListPartsResult(result),
            std::string(kDecl) +
                "<ListPartsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                "<Bucket>b</Bucket><Key>a&amp;b&lt;c&gt;&quot;d'e&#xD;</Key><UploadId>u</UploadId>"
                "<PartNumberMarker>0</PartNumberMarker>"
                "<NextPartNumberMarker>0</NextPartNumberMarker><MaxParts>1000</MaxParts>"
                "<IsTruncated>false</IsTruncated>"
                "<Initiator><ID>id</ID><DisplayName>&lt;me&gt;</DisplayName></Initiator>"
                "<Owner><ID>id</ID><DisplayName>&lt;me&gt;</DisplayName></Owner>"
                "<StorageClass>STANDARD</StorageClass></ListPartsResult>");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(WriteListPartsResult(result).c_str()));
  EXPECT_STREQ(doc.child("ListPartsResult").child("Key").text().get(), "a&b<c>\"d'e\r");
}

UploadSummary Upload(std::string key, std::string upload_id) {
  UploadSummary upload;
  upload.key = std::move(key);
  upload.upload_id = std::move(upload_id);
  upload.initiated_ms = kTime;
  upload.owner = {"owner-id", "alice"};
  return upload;
}

TEST(WriteListMultipartUploadsResultTest, Golden) {
  ListMultipartUploadsResult result;
  result.bucket = "photos";
  result.next_key_marker = "my-movie.m2ts";
  result.next_upload_id_marker = "u2";
  result.max_uploads = 3;
  result.is_truncated = true;
  result.uploads = {Upload("my-divisor", "u1"), Upload("my-movie.m2ts", "u2")};
  result.uploads[1].checksum_algorithm = "SHA256";
  result.uploads[1].checksum_type = "COMPOSITE";
  EXPECT_EQ(
      WriteListMultipartUploadsResult(result),
      std::string(kDecl) +
          "<ListMultipartUploadsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
          "<Bucket>photos</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>"
          "<NextKeyMarker>my-movie.m2ts</NextKeyMarker><Prefix></Prefix>"
          "<NextUploadIdMarker>u2</NextUploadIdMarker><MaxUploads>3</MaxUploads>"
          "<IsTruncated>true</IsTruncated>"
          "<Upload><Key>my-divisor</Key><UploadId>u1</UploadId>"
          "<Initiator><ID>owner-id</ID><DisplayName>alice</DisplayName></Initiator>"
          "<Owner><ID>owner-id</ID><DisplayName>alice</DisplayName></Owner>"
          "<StorageClass>STANDARD</StorageClass>"
          "<Initiated>2026-11-30T22:08:55.123Z</Initiated></Upload>"
          "<Upload><Key>my-movie.m2ts</Key><UploadId>u2</UploadId>"
          "<Initiator><ID>owner-id</ID><DisplayName>alice</DisplayName></Initiator>"
          "<Owner><ID>owner-id</ID><DisplayName>alice</DisplayName></Owner>"
          "<StorageClass>STANDARD</StorageClass>"
          "<Initiated>2026-11-30T22:08:55.123Z</Initiated>"
          "<ChecksumAlgorithm>SHA256</ChecksumAlgorithm><ChecksumType>COMPOSITE</ChecksumType>"
          "</Upload></ListMultipartUploadsResult>");
}

TEST(WriteListMultipartUploadsResultTest, PrefixDelimiterAndCommonPrefixes) {
  ListMultipartUploadsResult result;
  result.bucket = "b";
  result.key_marker = "a";
  result.upload_id_marker = "ua";
  result.prefix = "p/";
  result.delimiter = "/";
  result.common_prefixes = {"p/x/", "p/y/"};
  EXPECT_EQ(WriteListMultipartUploadsResult(result),
            std::string(kDecl) +
                "<ListMultipartUploadsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                "<Bucket>b</Bucket><KeyMarker>a</KeyMarker><UploadIdMarker>ua</UploadIdMarker>"
                "<NextKeyMarker></NextKeyMarker><Prefix>p/</Prefix><Delimiter>/</Delimiter>"
                "<NextUploadIdMarker></NextUploadIdMarker><MaxUploads>1000</MaxUploads>"
                "<IsTruncated>false</IsTruncated>"
                "<CommonPrefixes><Prefix>p/x/</Prefix></CommonPrefixes>"
                "<CommonPrefixes><Prefix>p/y/</Prefix></CommonPrefixes>"
                "</ListMultipartUploadsResult>");
}

// What botocore does with encoding-type=url: unquote_plus on these fields.
std::string UnquotePlus(const std::string& text) {
  return http::PercentDecode(text, /*plus_as_space=*/true).value_or("<malformed>");
}

TEST(WriteListMultipartUploadsResultTest, UrlEncoding) {
  ListMultipartUploadsResult result;
  result.bucket = "b";
  result.key_marker = "k +";
  result.upload_id_marker = "u+/=";
  result.next_key_marker = "n\r+";
  result.next_upload_id_marker = "v+/=";
  result.prefix = "p +";
  result.delimiter = " ";
  result.url_encoding = true;
  result.uploads = {Upload("foo+1/bar\x01", "id+1")};
  result.common_prefixes = {"quux ab/"};
  std::string xml = WriteListMultipartUploadsResult(result);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str())) << xml;
  pugi::xml_node root = doc.child("ListMultipartUploadsResult");
  EXPECT_STREQ(root.child("EncodingType").text().get(), "url");
  EXPECT_STREQ(root.child("KeyMarker").text().get(), "k%20%2B");
  EXPECT_EQ(UnquotePlus(root.child("KeyMarker").text().get()), "k +");
  EXPECT_EQ(UnquotePlus(root.child("NextKeyMarker").text().get()), "n\r+");
  EXPECT_EQ(UnquotePlus(root.child("Prefix").text().get()), "p +");
  EXPECT_EQ(UnquotePlus(root.child("Delimiter").text().get()), " ");
  EXPECT_STREQ(root.child("Upload").child("Key").text().get(), "foo%2B1/bar%01");
  EXPECT_STREQ(root.child("CommonPrefixes").child("Prefix").text().get(), "quux%20ab/");
  // Upload ids are opaque: never encoded.
  EXPECT_STREQ(root.child("UploadIdMarker").text().get(), "u+/=");
  EXPECT_STREQ(root.child("NextUploadIdMarker").text().get(), "v+/=");
  EXPECT_STREQ(root.child("Upload").child("UploadId").text().get(), "id+1");
  // Without encoding-type, no EncodingType and raw (escaped) values.
  result.url_encoding = false;
  xml = WriteListMultipartUploadsResult(result);
  EXPECT_EQ(xml.find("EncodingType"), std::string::npos);
  pugi::xml_document raw;
  ASSERT_TRUE(raw.load_string(xml.c_str())) << xml;
  EXPECT_STREQ(raw.child("ListMultipartUploadsResult").child("NextKeyMarker").text().get(), "n\r+");
}

}  // namespace
}  // namespace strata::s3::xml
