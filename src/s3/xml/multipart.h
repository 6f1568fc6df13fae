// The multipart upload documents: InitiateMultipartUploadResult
// (CreateMultipartUpload), the CompleteMultipartUpload request body and its
// CompleteMultipartUploadResult, CopyPartResult (UploadPartCopy),
// ListPartsResult and ListMultipartUploadsResult.
//
// Element order: top-level elements follow the "Response Syntax" of the AWS
// S3 API reference. Inside <Part>, <Upload> and <Owner>/<Initiator> the
// reference's syntax is merely alphabetical, so those follow its examples
// (PartNumber, LastModified, ETag, Size; Key, UploadId, ...; ID,
// DisplayName), as the other listing writers do. Clients match elements by
// name, not position.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "s3/xml/owner.h"

namespace strata::s3::xml {

// AWS's limit on parts in one upload, and so in one CompleteMultipartUpload.
inline constexpr size_t kMaxCompletedParts = 10000;
// The largest CompleteMultipartUpload body the handler should read: 10000
// parts carrying every checksum, pretty-printed, need about 5 MB; anything
// bigger cannot be a valid request.
inline constexpr size_t kMaxCompleteMultipartUploadBytes = 10 << 20;

// An additional checksum as S3 reports it (x-amz-checksum-*).
struct Checksum {
  // "CRC32", "CRC32C", "CRC64NVME", "SHA1" or "SHA256" (upper case, as
  // meta::StoredChecksum holds it); "" for none. Writers skip any other
  // value rather than invent an element name.
  std::string algorithm;
  std::string value;  // base64; composite values end in "-N"
};

// <?xml ...?>\n<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
// <Bucket/><Key/><UploadId/></InitiateMultipartUploadResult>
// The key is written as given (escaped, never URL-encoded).
// Never fails; thread-safe.
std::string WriteInitiateMultipartUploadResult(std::string_view bucket, std::string_view key,
                                               std::string_view upload_id);

// One <Part> of a CompleteMultipartUpload body.
struct CompletedPart {
  int part_number = 0;  // 1..10000
  std::string etag;     // trimmed, surrounding quotes removed; may be ""
  // The part's checksums as the client lists them (trimmed), when present.
  std::optional<std::string> crc32;
  std::optional<std::string> crc32c;
  std::optional<std::string> crc64nvme;
  std::optional<std::string> sha1;
  std::optional<std::string> sha256;
};

// Parses <CompleteMultipartUpload xmlns="..."><Part><PartNumber>1</PartNumber>
// <ETag>"..."</ETag>[<ChecksumCRC32>..</ChecksumCRC32>...]</Part>...
// </CompleteMultipartUpload>, with or without the S3 namespace or a prefix.
// Parts come back in request order; their order, uniqueness and whether
// they exist are the service's to judge (kInvalidPartOrder, kInvalidPart).
// Unknown elements are ignored. The caller bounds the body's size
// (kMaxCompleteMultipartUploadBytes).
// Errors: kMalformedXml for a body that is not such a document (bad XML,
// DOCTYPE, wrong root), a Part without exactly one PartNumber or ETag, a
// repeated checksum element, a PartNumber that is not a decimal integer,
// no parts at all (AWS: "The XML you provided was not well-formed or did
// not validate against our published schema"), or more than
// kMaxCompletedParts parts (chosen over kInvalidArgument so that every
// document-level fault is one code, as for DeleteObjects);
// kInvalidArgument for a PartNumber outside 1..10000 (the wording of the
// partNumber query check).
common::Result<std::vector<CompletedPart>> ParseCompleteMultipartUpload(std::string_view body);

struct CompleteMultipartUploadResult {
  std::string location;  // URL of the new object
  std::string bucket;
  std::string key;
  std::string etag;   // without quotes, "<hex>-<parts>"; the writer adds them
  Checksum checksum;  // of the whole object; written when algorithm is known
  // "COMPOSITE" or "FULL_OBJECT"; written only with a checksum.
  std::string checksum_type;
};

// <?xml ...?>\n<CompleteMultipartUploadResult xmlns="..."><Location/><Bucket/>
// <Key/><ETag>&quot;..&quot;</ETag>[<ChecksumCRC32/>|...][<ChecksumType/>]
// </CompleteMultipartUploadResult>. Never fails; thread-safe.
std::string WriteCompleteMultipartUploadResult(const CompleteMultipartUploadResult& result);

struct CopyPartResult {
  std::string etag;  // without quotes; the writer adds them
  int64_t last_modified_ms = 0;
  Checksum checksum;  // the part's; written when algorithm is known
};

// <?xml ...?>\n<CopyPartResult xmlns="..."><LastModified>2026-11-30T22:08:55.123Z
// </LastModified><ETag>&quot;..&quot;</ETag>[<ChecksumCRC32/>|...]</CopyPartResult>
// Never fails; thread-safe.
std::string WriteCopyPartResult(const CopyPartResult& result);

// One <Part> of a ListPartsResult.
struct PartSummary {
  int part_number = 0;
  int64_t last_modified_ms = 0;  // Unix milliseconds
  std::string etag;              // without quotes; the writer adds them
  uint64_t size = 0;
  Checksum checksum;  // written when algorithm is known
};

struct ListPartsResult {
  std::string bucket;
  std::string key;
  std::string upload_id;
  int part_number_marker = 0;       // as requested; 0 when absent
  int next_part_number_marker = 0;  // the last part listed; 0 for none
  int max_parts = 1000;
  bool is_truncated = false;
  std::vector<PartSummary> parts;  // written in this order
  // Written as both <Initiator> and <Owner>: in Strata an upload is always
  // initiated by the user who will own the object.
  Owner owner;
  std::string storage_class = "STANDARD";
  std::string checksum_algorithm;  // the upload's; written when non-empty
  std::string checksum_type;       // the upload's; written when non-empty
};

// <?xml ...?>\n<ListPartsResult xmlns="..."><Bucket/><Key/><UploadId/>
// <PartNumberMarker/><NextPartNumberMarker/><MaxParts/><IsTruncated/>
// <Part><PartNumber/><LastModified/><ETag/><Size/>[<ChecksumCRC32/>|...]</Part>...
// <Initiator><ID/><DisplayName/></Initiator><Owner>..</Owner><StorageClass/>
// [<ChecksumAlgorithm/>][<ChecksumType/>]</ListPartsResult>
// Never fails; thread-safe.
std::string WriteListPartsResult(const ListPartsResult& result);

// One <Upload> of a ListMultipartUploadsResult.
struct UploadSummary {
  std::string key;
  std::string upload_id;
  int64_t initiated_ms = 0;  // Unix milliseconds
  Owner owner;               // written as both <Initiator> and <Owner>
  std::string storage_class = "STANDARD";
  std::string checksum_algorithm;  // written when non-empty
  std::string checksum_type;       // written when non-empty
};

// Strings are the raw (decoded) values; with url_encoding the writer
// URL-encodes KeyMarker, NextKeyMarker, Prefix, Delimiter, every Key and every
// CommonPrefixes/Prefix (the fields AWS encodes). Upload ids are opaque and
// never encoded.
struct ListMultipartUploadsResult {
  std::string bucket;
  std::string key_marker;        // as requested
  std::string upload_id_marker;  // as requested
  // Where the next page starts; AWS writes both elements even when empty.
  std::string next_key_marker;
  std::string next_upload_id_marker;
  std::string prefix;
  std::string delimiter;  // written when non-empty
  int max_uploads = 1000;
  bool is_truncated = false;
  bool url_encoding = false;  // the request had encoding-type=url
  std::vector<UploadSummary> uploads;
  std::vector<std::string> common_prefixes;
};

// <?xml ...?>\n<ListMultipartUploadsResult xmlns="..."><Bucket/><KeyMarker/>
// <UploadIdMarker/><NextKeyMarker/><Prefix/>[<Delimiter/>]<NextUploadIdMarker/>
// <MaxUploads/><IsTruncated/><Upload><Key/><UploadId/><Initiator/><Owner/>
// <StorageClass/><Initiated/>[<ChecksumAlgorithm/>][<ChecksumType/>]</Upload>...
// <CommonPrefixes><Prefix/></CommonPrefixes>...[<EncodingType>url</EncodingType>]
// </ListMultipartUploadsResult>. Never fails; thread-safe.
std::string WriteListMultipartUploadsResult(const ListMultipartUploadsResult& result);

}  // namespace strata::s3::xml
