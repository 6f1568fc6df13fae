#include "service/multipart_service.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <span>

#include "common/hash.h"
#include "common/hex.h"
#include "service/byte_range.h"
#include "service/content_md5.h"
#include "service/md5_source.h"
#include "service/object_service.h"
#include "storage/dedup/manifest_source.h"

namespace strata::service {
namespace {

using common::Code;
using common::Error;

common::Status NoSuchUpload() {
  return Error(Code::kNoSuchUpload,
               "The specified upload does not exist. The upload ID may be invalid, or the upload "
               "may have been aborted or completed.");
}

// The entries of `manifest` covering bytes [offset, offset + length): whole
// entries, or trimmed ones for the range's ends. No data moves.
meta::Manifest SliceManifest(const meta::Manifest& manifest, uint64_t offset, uint64_t length) {
  meta::Manifest out;
  const uint64_t end = offset + length;
  uint64_t at = 0;
  for (const auto& entry : manifest) {
    const uint64_t entry_end = at + entry.length;
    if (entry_end > offset && at < end) {
      const uint64_t from = std::max(offset, at);
      const uint64_t to = std::min(end, entry_end);
      out.push_back({entry.chunk, entry.offset + (from - at), to - from});
    }
    at = entry_end;
    if (at >= end) break;
  }
  return out;
}

// "bytes=first-last" with both numbers, inside the source.
common::Result<ByteRange> ParseCopySourceRange(std::string_view header, uint64_t size) {
  auto bad = [] {
    return Error(Code::kInvalidArgument,
                 "The x-amz-copy-source-range value must be of the form bytes=first-last where "
                 "first and last are the zero-based offsets of the first and last bytes to copy");
  };
  if (!header.starts_with("bytes=")) return bad();
  std::string_view spec = header.substr(6);
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == spec.size()) return bad();
  uint64_t first = 0;
  uint64_t last = 0;
  for (char c : spec.substr(0, dash)) {
    if (c < '0' || c > '9' || first > (UINT64_MAX - 9) / 10) return bad();
    first = first * 10 + static_cast<uint64_t>(c - '0');
  }
  for (char c : spec.substr(dash + 1)) {
    if (c < '0' || c > '9' || last > (UINT64_MAX - 9) / 10) return bad();
    last = last * 10 + static_cast<uint64_t>(c - '0');
  }
  if (first > last) return bad();
  if (last >= size) {
    return Error(Code::kInvalidRange, "The requested range is not satisfiable");
  }
  return ByteRange{first, last - first + 1};
}

}  // namespace

std::string MultipartService::NewUploadId() {
  // Time first (ms, 12 hex digits), then randomness: ids sort in creation
  // order, which is the order ListMultipartUploads gives a key's uploads.
  char time_hex[13];
  std::snprintf(time_hex, sizeof(time_hex), "%012llx",
                static_cast<unsigned long long>(clock_.NowMillis()) & 0xffffffffffffULL);
  std::lock_guard lock(random_mutex_);
  return std::string(time_hex) + common::RandomHexId(random_, 16);
}

common::Result<meta::MultipartUpload> MultipartService::Create(const CreateMultipartInput& input) {
  size_t metadata_bytes = 0;
  for (const auto& [name, value] : input.user_metadata)
    metadata_bytes += name.size() + value.size();
  if (metadata_bytes > kMaxUserMetadataBytes) {
    return Error(Code::kMetadataTooLarge,
                 "Your metadata headers exceed the maximum allowed metadata size");
  }
  STRATA_RETURN_IF_ERROR(meta_.GetBucket(input.bucket).status());
  meta::MultipartUpload upload;
  upload.upload_id = NewUploadId();
  upload.bucket = input.bucket;
  upload.key = input.key;
  upload.initiated_ms = clock_.NowMillis();
  upload.content_type = input.content_type.empty() ? "binary/octet-stream" : input.content_type;
  upload.user_metadata = input.user_metadata;
  upload.system_metadata = input.system_metadata;
  upload.owner = input.owner;
  upload.tags = input.tags;
  if (input.checksum_algorithm) {
    ChecksumType type =
        input.checksum_type.value_or(DefaultChecksumType(*input.checksum_algorithm));
    STRATA_RETURN_IF_ERROR(CheckChecksumType(*input.checksum_algorithm, type));
    upload.checksum_algorithm = std::string(AlgorithmName(*input.checksum_algorithm));
    upload.checksum_type = std::string(ChecksumTypeName(type));
  } else if (input.checksum_type) {
    return Error(Code::kInvalidRequest,
                 "The x-amz-checksum-type header can only be used with the "
                 "x-amz-checksum-algorithm header.");
  }
  STRATA_RETURN_IF_ERROR(meta_.CreateMultipartUpload(upload));
  return upload;
}

common::Result<meta::MultipartUpload> MultipartService::GetUpload(std::string_view bucket,
                                                                  std::string_view key,
                                                                  std::string_view upload_id) {
  STRATA_RETURN_IF_ERROR(meta_.GetBucket(bucket).status());
  auto upload = meta_.GetMultipartUpload(bucket, key, upload_id);
  if (!upload.ok() && upload.status().code() == Code::kNoSuchUpload) return NoSuchUpload();
  return upload;
}

common::Result<meta::PartRecord> MultipartService::CommitPart(
    meta::PartRecord part, const std::vector<meta::ChunkInfo>& written) {
  auto put = meta_.PutPart(part, written, clock_.NowMillis());
  if (!put.ok()) {
    writer_.Discard(written);
    if (put.status().code() == Code::kNoSuchUpload) return NoSuchUpload();
    return put.status();
  }
  writer_.Discard(put->unused_chunks);
  return part;
}

common::Result<meta::PartRecord> MultipartService::UploadPart(const UploadPartInput& input,
                                                              common::ByteSource& body) {
  if (input.content_length && *input.content_length > kMaxPartBytes) {
    return Error(Code::kEntityTooLarge, "Your proposed upload exceeds the maximum allowed size");
  }
  std::optional<std::string> expected_md5;
  if (input.content_md5) {
    STRATA_ASSIGN_OR_RETURN(expected_md5, DecodeContentMd5(*input.content_md5));
  }
  STRATA_ASSIGN_OR_RETURN(meta::MultipartUpload upload,
                          GetUpload(input.bucket, input.key, input.upload_id));
  if (input.checksum && !upload.checksum_algorithm.empty() &&
      AlgorithmName(input.checksum->algorithm) != upload.checksum_algorithm) {
    return Error(
        Code::kInvalidRequest,
        "Checksum Type mismatch occurred, expected checksum Type: " + upload.checksum_algorithm +
            ", actual checksum Type: " + std::string(AlgorithmName(input.checksum->algorithm)));
  }
  // An upload created with an algorithm keeps a checksum of every part, sent
  // by the client or not.
  std::optional<ChecksumAlgorithm> algorithm;
  if (input.checksum) {
    algorithm = input.checksum->algorithm;
  } else if (!upload.checksum_algorithm.empty()) {
    STRATA_ASSIGN_OR_RETURN(algorithm, ParseChecksumAlgorithm(upload.checksum_algorithm));
  }

  Md5Source hashed(body);
  std::optional<ChecksumSource> checksummed;
  common::ByteSource* source = &hashed;
  if (algorithm) source = &checksummed.emplace(hashed, *algorithm);
  STRATA_ASSIGN_OR_RETURN(storage::WrittenObject written,
                          writer_.Write(*source, input.content_length));
  const std::string md5 = hashed.Finish();
  meta::PartRecord part;
  if (expected_md5) {
    if (common::Status match = MatchContentMd5(*expected_md5, md5); !match.ok()) {
      writer_.Discard(written.written_chunks);
      return match;
    }
  }
  if (checksummed) {
    const std::string raw = checksummed->Finish();
    if (input.checksum) {
      auto verified = VerifyBodyChecksum(*input.checksum, raw);
      if (!verified.ok()) {
        writer_.Discard(written.written_chunks);
        return verified.status();
      }
    }
    part.checksum = {std::string(AlgorithmName(*algorithm)), common::Base64Encode(raw),
                     upload.checksum_type};
  }
  part.upload_id = input.upload_id;
  part.part_number = input.part_number;
  part.size = written.size;
  part.etag = common::HexEncode(md5);
  part.last_modified_ms = clock_.NowMillis();
  part.manifest = std::move(written.manifest);
  return CommitPart(std::move(part), written.written_chunks);
}

common::Result<meta::PartRecord> MultipartService::UploadPartCopy(
    const UploadPartCopyInput& input) {
  STRATA_ASSIGN_OR_RETURN(meta::MultipartUpload upload,
                          GetUpload(input.bucket, input.key, input.upload_id));
  STRATA_ASSIGN_OR_RETURN(
      meta::ObjectRecord source,
      ReadCopySource(meta_, input.source_bucket, input.source_key, input.source_version_id));
  STRATA_RETURN_IF_ERROR(EvaluateReadConditions(input.source_conditions, source, true));
  ByteRange range{0, source.size};
  if (!input.source_range.empty()) {
    STRATA_ASSIGN_OR_RETURN(range, ParseCopySourceRange(input.source_range, source.size));
  }
  if (range.length > kMaxPartBytes) {
    return Error(Code::kEntityTooLarge, "Your proposed upload exceeds the maximum allowed size");
  }

  // The part's ETag (and checksum) are of its bytes, so they are read once;
  // nothing is written unless the source lives inline in its row.
  std::unique_ptr<common::ByteSource> reader;
  if (source.manifest.empty()) {
    reader = std::make_unique<common::OwnedStringSource>(
        source.inline_data.substr(range.start, range.length));
  } else {
    STRATA_ASSIGN_OR_RETURN(
        reader, storage::ManifestSource::Open(chunks_, source.manifest, source.size, range.start,
                                              range.length));
  }
  meta::PartRecord part;
  std::vector<meta::ChunkInfo> written_chunks;
  std::optional<ChecksumAlgorithm> algorithm;
  if (!upload.checksum_algorithm.empty()) {
    STRATA_ASSIGN_OR_RETURN(algorithm, ParseChecksumAlgorithm(upload.checksum_algorithm));
  }
  Md5Source hashed(*reader);
  std::optional<ChecksumSource> checksummed;
  common::ByteSource* hashing = &hashed;
  if (algorithm) hashing = &checksummed.emplace(hashed, *algorithm);
  if (source.manifest.empty()) {
    // Inline source: its bytes become this part's own chunks.
    STRATA_ASSIGN_OR_RETURN(storage::WrittenObject written, writer_.Write(*hashing, range.length));
    part.manifest = std::move(written.manifest);
    written_chunks = std::move(written.written_chunks);
  } else {
    // Read only to hash: sized to the range, not zero-filled (the reads
    // overwrite it).
    const size_t size = static_cast<size_t>(std::min<uint64_t>(range.length, 1 << 20));
    std::unique_ptr<char[]> buffer = std::make_unique_for_overwrite<char[]>(size);
    while (size > 0) {
      STRATA_ASSIGN_OR_RETURN(size_t n, hashing->Read(std::span<char>(buffer.get(), size)));
      if (n == 0) break;
    }
    part.manifest = SliceManifest(source.manifest, range.start, range.length);
  }
  if (checksummed) {
    part.checksum = {upload.checksum_algorithm, common::Base64Encode(checksummed->Finish()),
                     upload.checksum_type};
  }
  part.upload_id = input.upload_id;
  part.part_number = input.part_number;
  part.size = range.length;
  part.etag = common::HexEncode(hashed.Finish());
  part.last_modified_ms = clock_.NowMillis();
  return CommitPart(std::move(part), written_chunks);
}

common::Result<meta::ObjectRecord> MultipartService::Complete(const CompleteMultipartInput& input) {
  if (input.parts.empty()) {
    return Error(Code::kMalformedXml,
                 "The XML you provided was not well-formed or did not validate against our "
                 "published schema");
  }
  STRATA_ASSIGN_OR_RETURN(meta::MultipartUpload upload,
                          GetUpload(input.bucket, input.key, input.upload_id));
  for (size_t i = 1; i < input.parts.size(); ++i) {
    if (input.parts[i].part_number <= input.parts[i - 1].part_number) {
      return Error(Code::kInvalidPartOrder,
                   "The list of parts was not in ascending order. The parts list must be "
                   "specified in order by part number.");
    }
  }
  STRATA_ASSIGN_OR_RETURN(std::vector<meta::PartRecord> stored, meta_.GetParts(input.upload_id));
  auto invalid_part = [](int number) {
    return Error(Code::kInvalidPart,
                 "One or more of the specified parts could not be found. The part may not have "
                 "been uploaded, or the specified entity tag may not match the part's entity "
                 "tag. (part " +
                     std::to_string(number) + ")");
  };

  std::optional<ChecksumAlgorithm> algorithm;
  if (!upload.checksum_algorithm.empty()) {
    STRATA_ASSIGN_OR_RETURN(algorithm, ParseChecksumAlgorithm(upload.checksum_algorithm));
  }
  meta::ObjectRecord record;
  std::string md5s;
  std::vector<std::string> part_checksums;
  std::vector<std::pair<std::string, uint64_t>> crc_parts;
  for (size_t i = 0; i < input.parts.size(); ++i) {
    const CompletedPartInput& wanted = input.parts[i];
    auto it = std::lower_bound(
        stored.begin(), stored.end(), wanted.part_number,
        [](const meta::PartRecord& part, int number) { return part.part_number < number; });
    if (it == stored.end() || it->part_number != wanted.part_number || it->etag != wanted.etag) {
      return invalid_part(wanted.part_number);
    }
    const bool last = i + 1 == input.parts.size();
    if (!last && it->size < min_part_bytes_) {
      return Error(Code::kEntityTooSmall,
                   "Your proposed upload is smaller than the minimum allowed size (part " +
                       std::to_string(wanted.part_number) + " is " + std::to_string(it->size) +
                       " bytes)");
    }
    for (const auto& [name, value] : wanted.checksums) {
      if (it->checksum.algorithm != name || it->checksum.value != value) {
        return invalid_part(wanted.part_number);
      }
    }
    std::optional<std::string> raw_md5 = common::HexDecode(it->etag);
    if (!raw_md5) return Error(Code::kCorruption, "stored part ETag is not hex: " + it->etag);
    md5s += *raw_md5;
    if (algorithm) {
      if (it->checksum.algorithm != upload.checksum_algorithm) return invalid_part(it->part_number);
      STRATA_ASSIGN_OR_RETURN(std::string raw, ParseChecksumValue(*algorithm, it->checksum.value));
      part_checksums.push_back(raw);
      crc_parts.emplace_back(std::move(raw), it->size);
    }
    record.size += it->size;
    record.part_sizes.push_back(it->size);
    record.manifest.insert(record.manifest.end(), it->manifest.begin(), it->manifest.end());
  }
  if (algorithm) {
    std::string value;
    if (upload.checksum_type == ChecksumTypeName(ChecksumType::kFullObject)) {
      STRATA_ASSIGN_OR_RETURN(value, CombineFullObjectCrc(*algorithm, crc_parts));
    } else {
      STRATA_ASSIGN_OR_RETURN(value, CompositeChecksum(*algorithm, part_checksums));
    }
    record.checksum = {upload.checksum_algorithm, value, upload.checksum_type};
  }
  record.bucket = input.bucket;
  record.key = input.key;
  record.etag = common::HexEncode(common::Md5(md5s)) + "-" + std::to_string(input.parts.size());
  record.content_type = upload.content_type;
  record.user_metadata = upload.user_metadata;
  record.system_metadata = upload.system_metadata;
  record.tags = upload.tags;
  record.last_modified_ms = clock_.NowMillis();
  // Used only when the bucket's versioning is enabled (the store decides).
  record.version_id = version_ids_.Next();
  auto done =
      meta_.CompleteMultipartUpload(input.upload_id, record, input.condition, clock_.NowMillis());
  if (!done.ok()) {
    if (done.status().code() == Code::kNoSuchUpload) return NoSuchUpload();
    return done.status();
  }
  record.version_id = std::move(done->version_id);
  return record;
}

common::Status MultipartService::Abort(std::string_view bucket, std::string_view key,
                                       std::string_view upload_id) {
  STRATA_RETURN_IF_ERROR(GetUpload(bucket, key, upload_id).status());
  common::Status aborted = meta_.AbortMultipartUpload(upload_id, clock_.NowMillis());
  if (aborted.code() == Code::kNoSuchUpload) return NoSuchUpload();
  return aborted;
}

common::Result<meta::ListPartsPage> MultipartService::ListParts(std::string_view bucket,
                                                                std::string_view key,
                                                                std::string_view upload_id,
                                                                int part_number_marker,
                                                                int max_parts) {
  STRATA_RETURN_IF_ERROR(GetUpload(bucket, key, upload_id).status());
  return meta_.ListParts(upload_id, part_number_marker, max_parts);
}

common::Result<meta::ListUploadsPage> MultipartService::ListUploads(
    std::string_view bucket, const meta::ListUploadsQuery& query) {
  return meta_.ListMultipartUploads(bucket, query);
}

}  // namespace strata::service
