#include "s3/xml/list_objects.h"

#include <string_view>

#include "common/time_format.h"
#include "s3/xml/internal/url_encoding.h"
#include "s3/xml/internal/xml_builder.h"

namespace strata::s3::xml {
namespace {

void WriteContents(XmlBuilder& builder, const ObjectSummary& object, const FieldEncoder& encode,
                   bool with_owner) {
  builder.Open("Contents");
  builder.Element("Key", encode(object.key));
  builder.Element("LastModified", common::FormatIso8601Millis(object.last_modified_ms));
  builder.Element("ETag", "\"" + object.etag + "\"");
  builder.Element("Size", std::to_string(object.size));
  if (with_owner && object.owner) WriteOwner(builder, *object.owner);
  builder.Element("StorageClass", object.storage_class);
  builder.Close();
}

void WriteCommonPrefixes(XmlBuilder& builder, const std::vector<std::string>& prefixes,
                         const FieldEncoder& encode) {
  for (const std::string& prefix : prefixes) {
    builder.Open("CommonPrefixes");
    builder.Element("Prefix", encode(prefix));
    builder.Close();
  }
}

std::string_view Bool(bool value) { return value ? "true" : "false"; }

}  // namespace

std::string WriteListBucketResult(const ListBucketResult& result) {
  FieldEncoder encode(result.url_encoding);
  XmlBuilder builder("ListBucketResult", kS3Namespace);
  builder.Element("Name", result.name);
  builder.Element("Prefix", encode(result.prefix));
  builder.Element("Marker", encode(result.marker));
  if (result.is_truncated && !result.delimiter.empty() && !result.next_marker.empty()) {
    builder.Element("NextMarker", encode(result.next_marker));
  }
  builder.Element("MaxKeys", std::to_string(result.max_keys));
  if (!result.delimiter.empty()) builder.Element("Delimiter", encode(result.delimiter));
  if (result.url_encoding) builder.Element("EncodingType", "url");
  builder.Element("IsTruncated", Bool(result.is_truncated));
  for (const ObjectSummary& object : result.contents) {
    WriteContents(builder, object, encode, /*with_owner=*/true);
  }
  WriteCommonPrefixes(builder, result.common_prefixes, encode);
  return std::move(builder).Finish();
}

std::string WriteListBucketResultV2(const ListBucketResultV2& result) {
  FieldEncoder encode(result.url_encoding);
  XmlBuilder builder("ListBucketResult", kS3Namespace);
  builder.Element("Name", result.name);
  builder.Element("Prefix", encode(result.prefix));
  if (!result.continuation_token.empty()) {
    builder.Element("ContinuationToken", result.continuation_token);
  }
  if (result.is_truncated && !result.next_continuation_token.empty()) {
    builder.Element("NextContinuationToken", result.next_continuation_token);
  }
  if (!result.start_after.empty()) builder.Element("StartAfter", encode(result.start_after));
  builder.Element("KeyCount",
                  std::to_string(result.contents.size() + result.common_prefixes.size()));
  builder.Element("MaxKeys", std::to_string(result.max_keys));
  if (!result.delimiter.empty()) builder.Element("Delimiter", encode(result.delimiter));
  if (result.url_encoding) builder.Element("EncodingType", "url");
  builder.Element("IsTruncated", Bool(result.is_truncated));
  for (const ObjectSummary& object : result.contents) {
    WriteContents(builder, object, encode, /*with_owner=*/result.fetch_owner);
  }
  WriteCommonPrefixes(builder, result.common_prefixes, encode);
  return std::move(builder).Finish();
}

}  // namespace strata::s3::xml
