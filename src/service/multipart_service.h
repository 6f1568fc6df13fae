// Multipart upload (CreateMultipartUpload ... CompleteMultipartUpload). Parts
// are stored as chunks like any body (never inline), each part's manifest
// holding chunk references; completion concatenates the chosen parts'
// manifests into the object's and copies no data. UploadPartCopy of a range
// writes a manifest slice of the source: no chunk is written (the source's
// bytes are read once, for the part's MD5 ETag).
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/byte_stream.h"
#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "meta/meta_store.h"
#include "service/body_checksum.h"
#include "service/read_conditions.h"
#include "service/version_id.h"
#include "storage/chunk_store.h"
#include "storage/dedup/object_writer.h"

namespace strata::service {

// S3's limits.
inline constexpr int kMaxPartNumber = 10000;
inline constexpr uint64_t kMinPartBytes = 5ULL << 20;  // every part but the last
inline constexpr uint64_t kMaxPartBytes = 5ULL << 30;

struct CreateMultipartInput {
  std::string bucket;
  std::string key;
  std::string content_type;  // "" means binary/octet-stream
  meta::MetadataPairs user_metadata;
  meta::MetadataPairs system_metadata;
  std::optional<ChecksumAlgorithm> checksum_algorithm;  // x-amz-checksum-algorithm
  std::optional<ChecksumType> checksum_type;            // x-amz-checksum-type
  std::string owner;
  meta::MetadataPairs tags;  // x-amz-tagging (checked by the caller): the object's tags
};

struct UploadPartInput {
  std::string bucket;
  std::string key;
  std::string upload_id;
  int part_number = 0;
  std::optional<uint64_t> content_length;
  std::optional<std::string> content_md5;  // base64, as sent
  std::optional<BodyChecksum> checksum;
};

struct UploadPartCopyInput {
  std::string bucket;
  std::string key;
  std::string upload_id;
  int part_number = 0;
  std::string source_bucket;
  std::string source_key;
  // The source version (store naming: "" the null version); nullopt for the
  // current object.
  std::optional<std::string> source_version_id;
  std::string source_range;  // x-amz-copy-source-range: "bytes=first-last"; "" for all
  ReadConditions source_conditions;
};

struct CompletedPartInput {
  int part_number = 0;
  std::string etag;  // without quotes
  // Checksum values the client lists for the part, by algorithm name.
  std::vector<std::pair<std::string, std::string>> checksums;
};

struct CompleteMultipartInput {
  std::string bucket;
  std::string key;
  std::string upload_id;
  std::vector<CompletedPartInput> parts;
  meta::WriteCondition condition;
};

class MultipartService {
 public:
  // part_writer must not inline (threshold 0): parts are always chunks.
  MultipartService(meta::MetaStore& meta, storage::ObjectWriter& part_writer,
                   storage::ChunkStore& chunks, const common::Clock& clock, common::Random& random,
                   uint64_t min_part_bytes = kMinPartBytes)
      : meta_(meta),
        writer_(part_writer),
        chunks_(chunks),
        clock_(clock),
        random_(random),
        min_part_bytes_(min_part_bytes),
        version_ids_(clock, random) {}

  // kNoSuchBucket, kMetadataTooLarge, kInvalidRequest (FULL_OBJECT with SHA).
  common::Result<meta::MultipartUpload> Create(const CreateMultipartInput& input);
  // kNoSuchUpload, kEntityTooLarge, kBadDigest, kInvalidDigest,
  // kIncompleteBody, body errors, kInvalidRequest when the part's checksum
  // algorithm differs from the upload's.
  common::Result<meta::PartRecord> UploadPart(const UploadPartInput& input,
                                              common::ByteSource& body);
  // kNoSuchUpload, kNoSuchKey/kNoSuchBucket/kNoSuchVersion for the source
  // (kInvalidRequest when it names a delete marker), kPreconditionFailed, kInvalidArgument for a
  // bad or out-of-range x-amz-copy-source-range.
  common::Result<meta::PartRecord> UploadPartCopy(const UploadPartCopyInput& input);
  // kNoSuchUpload, kInvalidPart (unknown part, wrong ETag or checksum),
  // kInvalidPartOrder, kEntityTooSmall, kMalformedXml (no parts),
  // kPreconditionFailed. The returned object's version_id is the one the
  // store gave it ("" for the null version).
  common::Result<meta::ObjectRecord> Complete(const CompleteMultipartInput& input);
  // kNoSuchUpload.
  common::Status Abort(std::string_view bucket, std::string_view key, std::string_view upload_id);
  common::Result<meta::ListPartsPage> ListParts(std::string_view bucket, std::string_view key,
                                                std::string_view upload_id, int part_number_marker,
                                                int max_parts);
  common::Result<meta::ListUploadsPage> ListUploads(std::string_view bucket,
                                                    const meta::ListUploadsQuery& query);
  // The upload (for ListParts' header fields). kNoSuchUpload.
  common::Result<meta::MultipartUpload> GetUpload(std::string_view bucket, std::string_view key,
                                                  std::string_view upload_id);

 private:
  // Commits a part; on failure deletes the chunks it stored.
  common::Result<meta::PartRecord> CommitPart(meta::PartRecord part,
                                              const std::vector<meta::ChunkInfo>& written);
  std::string NewUploadId();

  meta::MetaStore& meta_;
  storage::ObjectWriter& writer_;
  storage::ChunkStore& chunks_;
  const common::Clock& clock_;
  std::mutex random_mutex_;
  common::Random& random_;  // GUARDED_BY(random_mutex_)
  const uint64_t min_part_bytes_;
  // Draws from the same Random under its own mutex; the Random the server
  // shares between services (SecureRandom, OpenSSL) is thread-safe.
  VersionIdGenerator version_ids_;
};

}  // namespace strata::service
