#include "s3/xml/object_attributes.h"

#include "s3/xml/internal/xml_builder.h"

namespace strata::s3::xml {
namespace {

// "Checksum" + the algorithm as AWS spells the element.
std::string_view ChecksumElement(std::string_view algorithm) {
  if (algorithm == "CRC32") return "ChecksumCRC32";
  if (algorithm == "CRC32C") return "ChecksumCRC32C";
  if (algorithm == "CRC64NVME") return "ChecksumCRC64NVME";
  if (algorithm == "SHA1") return "ChecksumSHA1";
  if (algorithm == "SHA256") return "ChecksumSHA256";
  return "";
}

}  // namespace

std::string WriteObjectAttributes(const ObjectAttributes& attributes) {
  XmlBuilder builder("GetObjectAttributesResponse", kS3Namespace);
  if (attributes.etag) builder.Element("ETag", *attributes.etag);
  if (attributes.checksum) {
    builder.Open("Checksum");
    std::string_view element = ChecksumElement(attributes.checksum->algorithm);
    if (!element.empty()) builder.Element(element, attributes.checksum->value);
    if (!attributes.checksum->type.empty()) {
      builder.Element("ChecksumType", attributes.checksum->type);
    }
    builder.Close();
  }
  if (attributes.object_parts) {
    const AttributeParts& parts = *attributes.object_parts;
    builder.Open("ObjectParts");
    // AWS spells TotalPartsCount "PartsCount" on the wire.
    builder.Element("PartsCount", std::to_string(parts.total_parts_count));
    builder.Element("PartNumberMarker", std::to_string(parts.part_number_marker));
    builder.Element("NextPartNumberMarker", std::to_string(parts.next_part_number_marker));
    builder.Element("MaxParts", std::to_string(parts.max_parts));
    builder.Element("IsTruncated", parts.is_truncated ? "true" : "false");
    for (const AttributePart& part : parts.parts) {
      builder.Open("Part");
      builder.Element("PartNumber", std::to_string(part.number));
      builder.Element("Size", std::to_string(part.size));
      builder.Close();
    }
    builder.Close();
  }
  if (attributes.storage_class) builder.Element("StorageClass", *attributes.storage_class);
  if (attributes.object_size)
    builder.Element("ObjectSize", std::to_string(*attributes.object_size));
  return std::move(builder).Finish();
}

}  // namespace strata::s3::xml
