#include "s3/xml/object_attributes.h"

#include <gtest/gtest.h>

namespace strata::s3::xml {
namespace {

constexpr std::string_view kHead =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<GetObjectAttributesResponse xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";

TEST(WriteObjectAttributesTest, EveryAttribute) {
  ObjectAttributes attributes;
  attributes.etag = "0123456789abcdef0123456789abcdef-2";
  attributes.checksum = AttributeChecksum{"CRC32C", "yZRlqg==", "COMPOSITE"};
  attributes.object_parts = AttributeParts{3, 1, 2, 1, true, {{2, 5242880}}};
  attributes.storage_class = "STANDARD";
  attributes.object_size = 10485761;
  EXPECT_EQ(WriteObjectAttributes(attributes),
            std::string(kHead) +
                "<ETag>0123456789abcdef0123456789abcdef-2</ETag>"
                "<Checksum><ChecksumCRC32C>yZRlqg==</ChecksumCRC32C>"
                "<ChecksumType>COMPOSITE</ChecksumType></Checksum>"
                "<ObjectParts><PartsCount>3</PartsCount>"
                "<PartNumberMarker>1</PartNumberMarker>"
                "<NextPartNumberMarker>2</NextPartNumberMarker><MaxParts>1</MaxParts>"
                "<IsTruncated>true</IsTruncated>"
                "<Part><PartNumber>2</PartNumber><Size>5242880</Size></Part></ObjectParts>"
                "<StorageClass>STANDARD</StorageClass><ObjectSize>10485761</ObjectSize>"
                "</GetObjectAttributesResponse>");
}

TEST(WriteObjectAttributesTest, OnlyWhatWasAskedFor) {
  ObjectAttributes attributes;
  attributes.object_size = 0;
  EXPECT_EQ(WriteObjectAttributes(attributes),
            std::string(kHead) + "<ObjectSize>0</ObjectSize></GetObjectAttributesResponse>");
  EXPECT_EQ(WriteObjectAttributes({}),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<GetObjectAttributesResponse xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>");
}

}  // namespace
}  // namespace strata::s3::xml
