#include "s3/xml/multipart.h"

#include <charconv>

#include "common/time_format.h"
#include "s3/xml/internal/url_encoding.h"
#include "s3/xml/internal/xml_builder.h"
#include "s3/xml/internal/xml_reader.h"

namespace strata::s3::xml {
namespace {

using common::Code;
using common::Error;

constexpr int kMaxPartNumber = 10000;

std::string_view Bool(bool value) { return value ? "true" : "false"; }

// The element carrying a checksum of `algorithm`; "" for an unknown one.
std::string_view ChecksumElement(std::string_view algorithm) {
  if (algorithm == "CRC32") return "ChecksumCRC32";
  if (algorithm == "CRC32C") return "ChecksumCRC32C";
  if (algorithm == "CRC64NVME") return "ChecksumCRC64NVME";
  if (algorithm == "SHA1") return "ChecksumSHA1";
  if (algorithm == "SHA256") return "ChecksumSHA256";
  return "";
}

// Writes the checksum element; returns whether it wrote one.
bool WriteChecksum(XmlBuilder& builder, const Checksum& checksum) {
  std::string_view element = ChecksumElement(checksum.algorithm);
  if (element.empty()) return false;
  builder.Element(element, checksum.value);
  return true;
}

// Where a checksum element of a <Part> goes, or nullptr if `name` is none.
std::optional<std::string>* ChecksumSlot(CompletedPart& part, std::string_view name) {
  if (name == "ChecksumCRC32") return &part.crc32;
  if (name == "ChecksumCRC32C") return &part.crc32c;
  if (name == "ChecksumCRC64NVME") return &part.crc64nvme;
  if (name == "ChecksumSHA1") return &part.sha1;
  if (name == "ChecksumSHA256") return &part.sha256;
  return nullptr;
}

// A decimal PartNumber (whitespace around it allowed), range-checked.
common::Result<int> ParsePartNumber(std::string_view text) {
  text = TrimXmlSpace(text);
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '-') digits.remove_prefix(1);
  // Ten digits already exceed any part number; refusing longer runs keeps
  // from_chars away from overflow.
  if (digits.empty() || digits.size() > 10 ||
      digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return Error(Code::kMalformedXml, "PartNumber must be an integer");
  }
  int64_t number = 0;
  std::from_chars(text.data(), text.data() + text.size(), number);
  if (number < 1 || number > kMaxPartNumber) {
    return Error(Code::kInvalidArgument,
                 "Part number must be an integer between 1 and 10000, inclusive");
  }
  return static_cast<int>(number);
}

// Clients send the ETag as UploadPart returned it, quoted ("&quot;..&quot;"
// or a raw '"'); some strip the quotes. Accept both.
std::string UnquoteEtag(std::string_view etag) {
  etag = TrimXmlSpace(etag);
  if (!etag.empty() && etag.front() == '"') etag.remove_prefix(1);
  if (!etag.empty() && etag.back() == '"') etag.remove_suffix(1);
  return std::string(etag);
}

common::Result<CompletedPart> ParsePart(pugi::xml_node part_node) {
  CompletedPart part;
  bool has_number = false;
  bool has_etag = false;
  for (pugi::xml_node child : part_node.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = LocalName(child);
    std::optional<std::string>* checksum = ChecksumSlot(part, name);
    if (name != "PartNumber" && name != "ETag" && checksum == nullptr) continue;
    std::optional<std::string> text = ElementText(child);
    if (!text) return Error(Code::kMalformedXml, std::string(name) + " must hold text only");
    if (name == "PartNumber") {
      if (has_number) return Error(Code::kMalformedXml, "Each Part needs exactly one PartNumber");
      has_number = true;
      STRATA_ASSIGN_OR_RETURN(part.part_number, ParsePartNumber(*text));
    } else if (name == "ETag") {
      if (has_etag) return Error(Code::kMalformedXml, "Each Part needs exactly one ETag");
      has_etag = true;
      part.etag = UnquoteEtag(*text);
    } else {
      if (checksum->has_value()) {
        return Error(Code::kMalformedXml, "Each Part takes at most one " + std::string(name));
      }
      *checksum = std::string(TrimXmlSpace(*text));
    }
  }
  if (!has_number) return Error(Code::kMalformedXml, "Each Part needs exactly one PartNumber");
  if (!has_etag) return Error(Code::kMalformedXml, "Each Part needs exactly one ETag");
  return part;
}

}  // namespace

std::string WriteInitiateMultipartUploadResult(std::string_view bucket, std::string_view key,
                                               std::string_view upload_id) {
  XmlBuilder builder("InitiateMultipartUploadResult", kS3Namespace);
  builder.Element("Bucket", bucket);
  builder.Element("Key", key);
  builder.Element("UploadId", upload_id);
  return std::move(builder).Finish();
}

common::Result<std::vector<CompletedPart>> ParseCompleteMultipartUpload(std::string_view body) {
  pugi::xml_document doc;
  STRATA_ASSIGN_OR_RETURN(pugi::xml_node root, ParseRoot(body, doc, "CompleteMultipartUpload"));
  std::vector<CompletedPart> parts;
  for (pugi::xml_node child : root.children()) {
    if (child.type() != pugi::node_element || LocalName(child) != "Part") continue;
    // Check before growing, so a huge body cannot make a huge vector.
    if (parts.size() == kMaxCompletedParts) {
      return Error(Code::kMalformedXml, "At most 10000 parts can make one object");
    }
    STRATA_ASSIGN_OR_RETURN(CompletedPart part, ParsePart(child));
    parts.push_back(std::move(part));
  }
  if (parts.empty()) {
    return Error(Code::kMalformedXml,
                 "The XML you provided was not well-formed or did not validate against our "
                 "published schema");
  }
  return parts;
}

std::string WriteCompleteMultipartUploadResult(const CompleteMultipartUploadResult& result) {
  XmlBuilder builder("CompleteMultipartUploadResult", kS3Namespace);
  builder.Element("Location", result.location);
  builder.Element("Bucket", result.bucket);
  builder.Element("Key", result.key);
  builder.Element("ETag", "\"" + result.etag + "\"");
  if (WriteChecksum(builder, result.checksum) && !result.checksum_type.empty()) {
    builder.Element("ChecksumType", result.checksum_type);
  }
  return std::move(builder).Finish();
}

std::string WriteCopyPartResult(const CopyPartResult& result) {
  XmlBuilder builder("CopyPartResult", kS3Namespace);
  builder.Element("LastModified", common::FormatIso8601Millis(result.last_modified_ms));
  builder.Element("ETag", "\"" + result.etag + "\"");
  WriteChecksum(builder, result.checksum);
  return std::move(builder).Finish();
}

std::string WriteListPartsResult(const ListPartsResult& result) {
  XmlBuilder builder("ListPartsResult", kS3Namespace);
  builder.Element("Bucket", result.bucket);
  builder.Element("Key", result.key);
  builder.Element("UploadId", result.upload_id);
  builder.Element("PartNumberMarker", std::to_string(result.part_number_marker));
  builder.Element("NextPartNumberMarker", std::to_string(result.next_part_number_marker));
  builder.Element("MaxParts", std::to_string(result.max_parts));
  builder.Element("IsTruncated", Bool(result.is_truncated));
  for (const PartSummary& part : result.parts) {
    builder.Open("Part");
    builder.Element("PartNumber", std::to_string(part.part_number));
    builder.Element("LastModified", common::FormatIso8601Millis(part.last_modified_ms));
    builder.Element("ETag", "\"" + part.etag + "\"");
    builder.Element("Size", std::to_string(part.size));
    WriteChecksum(builder, part.checksum);
    builder.Close();
  }
  WriteOwner(builder, result.owner, "Initiator");
  WriteOwner(builder, result.owner);
  builder.Element("StorageClass", result.storage_class);
  if (!result.checksum_algorithm.empty()) {
    builder.Element("ChecksumAlgorithm", result.checksum_algorithm);
  }
  if (!result.checksum_type.empty()) builder.Element("ChecksumType", result.checksum_type);
  return std::move(builder).Finish();
}

std::string WriteListMultipartUploadsResult(const ListMultipartUploadsResult& result) {
  FieldEncoder encode(result.url_encoding);
  XmlBuilder builder("ListMultipartUploadsResult", kS3Namespace);
  builder.Element("Bucket", result.bucket);
  builder.Element("KeyMarker", encode(result.key_marker));
  builder.Element("UploadIdMarker", result.upload_id_marker);
  builder.Element("NextKeyMarker", encode(result.next_key_marker));
  builder.Element("Prefix", encode(result.prefix));
  if (!result.delimiter.empty()) builder.Element("Delimiter", encode(result.delimiter));
  builder.Element("NextUploadIdMarker", result.next_upload_id_marker);
  builder.Element("MaxUploads", std::to_string(result.max_uploads));
  builder.Element("IsTruncated", Bool(result.is_truncated));
  for (const UploadSummary& upload : result.uploads) {
    builder.Open("Upload");
    builder.Element("Key", encode(upload.key));
    builder.Element("UploadId", upload.upload_id);
    WriteOwner(builder, upload.owner, "Initiator");
    WriteOwner(builder, upload.owner);
    builder.Element("StorageClass", upload.storage_class);
    builder.Element("Initiated", common::FormatIso8601Millis(upload.initiated_ms));
    if (!upload.checksum_algorithm.empty()) {
      builder.Element("ChecksumAlgorithm", upload.checksum_algorithm);
    }
    if (!upload.checksum_type.empty()) builder.Element("ChecksumType", upload.checksum_type);
    builder.Close();
  }
  for (const std::string& prefix : result.common_prefixes) {
    builder.Open("CommonPrefixes");
    builder.Element("Prefix", encode(prefix));
    builder.Close();
  }
  if (result.url_encoding) builder.Element("EncodingType", "url");
  return std::move(builder).Finish();
}

}  // namespace strata::s3::xml
