#include "s3/xml/list_versions.h"

#include <string_view>

#include "common/time_format.h"
#include "s3/xml/internal/url_encoding.h"
#include "s3/xml/internal/xml_builder.h"

namespace strata::s3::xml {
namespace {

void WriteEntry(XmlBuilder& builder, const VersionEntry& entry, const FieldEncoder& encode) {
  builder.Open(entry.delete_marker ? "DeleteMarker" : "Version");
  builder.Element("Key", encode(entry.key));
  builder.Element("VersionId", entry.version_id);
  builder.Element("IsLatest", entry.is_latest ? "true" : "false");
  builder.Element("LastModified", common::FormatIso8601Millis(entry.last_modified_ms));
  if (!entry.delete_marker) {
    builder.Element("ETag", "\"" + entry.etag + "\"");
    builder.Element("Size", std::to_string(entry.size));
  }
  if (entry.owner) WriteOwner(builder, *entry.owner);
  if (!entry.delete_marker) builder.Element("StorageClass", entry.storage_class);
  builder.Close();
}

}  // namespace

std::string WriteListVersionsResult(const ListVersionsResult& result) {
  FieldEncoder encode(result.url_encoding);
  XmlBuilder builder("ListVersionsResult", kS3Namespace);
  builder.Element("Name", result.name);
  builder.Element("Prefix", encode(result.prefix));
  builder.Element("KeyMarker", encode(result.key_marker));
  builder.Element("VersionIdMarker", result.version_id_marker);
  if (result.is_truncated) {
    builder.Element("NextKeyMarker", encode(result.next_key_marker));
    if (!result.next_version_id_marker.empty()) {
      builder.Element("NextVersionIdMarker", result.next_version_id_marker);
    }
  }
  builder.Element("MaxKeys", std::to_string(result.max_keys));
  if (!result.delimiter.empty()) builder.Element("Delimiter", encode(result.delimiter));
  if (result.url_encoding) builder.Element("EncodingType", "url");
  builder.Element("IsTruncated", result.is_truncated ? "true" : "false");
  for (const VersionEntry& entry : result.entries) WriteEntry(builder, entry, encode);
  for (const std::string& prefix : result.common_prefixes) {
    builder.Open("CommonPrefixes");
    builder.Element("Prefix", encode(prefix));
    builder.Close();
  }
  return std::move(builder).Finish();
}

}  // namespace strata::s3::xml
