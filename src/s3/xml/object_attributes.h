// GetObjectAttributesResponse, the GetObjectAttributes response document.
// Only the attributes the request named are present.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace strata::s3::xml {

struct AttributeChecksum {
  std::string algorithm;  // "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"
  std::string value;      // base64
  std::string type;       // "FULL_OBJECT" or "COMPOSITE"; "" to leave out
};

struct AttributePart {
  int number = 0;
  uint64_t size = 0;
};

struct AttributeParts {
  int total_parts_count = 0;
  int part_number_marker = 0;
  int next_part_number_marker = 0;
  int max_parts = 0;
  bool is_truncated = false;
  std::vector<AttributePart> parts;
};

struct ObjectAttributes {
  std::optional<std::string> etag;  // without quotes, as AWS sends it here
  std::optional<AttributeChecksum> checksum;
  std::optional<AttributeParts> object_parts;
  std::optional<std::string> storage_class;
  std::optional<uint64_t> object_size;
};

// <?xml ...?>\n<GetObjectAttributesResponse xmlns="...">: ETag, Checksum
// (Checksum<ALGORITHM>, ChecksumType), ObjectParts (PartsCount,
// PartNumberMarker, NextPartNumberMarker, MaxParts, IsTruncated, Part*),
// StorageClass, ObjectSize, in that order, each only when set. Never fails;
// thread-safe.
std::string WriteObjectAttributes(const ObjectAttributes& attributes);

}  // namespace strata::s3::xml
