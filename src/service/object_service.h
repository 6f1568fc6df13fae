// Object operations: stream the body into chunks (ObjectWriter: stored once
// per content), then commit one MetaStore transaction that writes the object
// row and its manifest and moves the chunk reference counts: the moment the
// write exists. A failed or rejected request leaves no visible trace: chunks
// it stored are deleted before the error returns (or collected by GC after a
// crash). Overwritten and deleted objects free their chunks through GC.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/byte_stream.h"
#include "common/clock.h"
#include "common/result.h"
#include "meta/meta_store.h"
#include "service/body_checksum.h"
#include "service/byte_range.h"
#include "service/read_conditions.h"
#include "storage/chunk_store.h"
#include "storage/dedup/object_writer.h"

namespace strata::service {

// S3's limit on the x-amz-meta-* headers of one object, names and values.
constexpr size_t kMaxUserMetadataBytes = 2048;
// Largest object a single PUT may carry.
constexpr uint64_t kMaxPutObjectBytes = 5ULL << 30;

struct PutObjectInput {
  std::string bucket;
  std::string key;
  std::optional<uint64_t> content_length;  // decoded payload length when known
  std::optional<std::string> content_md5;  // base64, as sent
  std::string content_type;                // "" means binary/octet-stream
  meta::MetadataPairs user_metadata;
  meta::MetadataPairs system_metadata;
  meta::WriteCondition condition;
  std::optional<BodyChecksum> checksum;  // x-amz-checksum-* header or trailer
  meta::MetadataPairs tags;              // x-amz-tagging, checked by the caller
};

struct GetObjectInput {
  std::string bucket;
  std::string key;
  ReadConditions conditions;
  std::string range_header;  // "" for none
  // ?partNumber=N: serve that part of a multipart object (1 for a plain
  // object is the whole of it). Excludes range_header.
  std::optional<int> part_number;
  bool head_only = false;
};

struct GetObjectOutput {
  meta::ObjectRecord object;
  std::optional<ByteRange> range;            // set for a partial response (206)
  std::unique_ptr<common::ByteSource> body;  // null for HEAD
};

struct CopyObjectInput {
  std::string source_bucket;
  std::string source_key;
  std::string bucket;
  std::string key;
  ReadConditions source_conditions;  // x-amz-copy-source-if-*
  bool replace_metadata = false;     // x-amz-metadata-directive: REPLACE
  std::string content_type;          // used when replace_metadata
  meta::MetadataPairs user_metadata;
  meta::MetadataPairs system_metadata;
  // x-amz-tagging-directive: REPLACE gives the copy `tags`; otherwise (COPY,
  // the default) it keeps the source's.
  bool replace_tags = false;
  meta::MetadataPairs tags;
};

class ObjectService {
 public:
  ObjectService(meta::MetaStore& meta, storage::ObjectWriter& writer, storage::ChunkStore& chunks,
                const common::Clock& clock)
      : meta_(meta), writer_(writer), chunks_(chunks), clock_(clock) {}

  // kNoSuchBucket, kPreconditionFailed, kBadDigest (Content-MD5 or
  // x-amz-checksum-*), kInvalidDigest, kInvalidRequest (malformed checksum),
  // kMetadataTooLarge, kEntityTooLarge, kIncompleteBody, and any body error.
  common::Result<meta::ObjectRecord> Put(const PutObjectInput& input, common::ByteSource& body);
  // kNoSuchBucket, kNoSuchKey, kNotModified, kPreconditionFailed,
  // kInvalidRange, kInvalidPartNumber.
  common::Result<GetObjectOutput> Get(const GetObjectInput& input);
  // Deleting a missing key succeeds, as in S3. kNoSuchBucket.
  common::Status Delete(std::string_view bucket, std::string_view key);
  // Returns the new object, which shares the source's chunks: no data is
  // copied. kInvalidRequest when copying an object onto itself without
  // replacing its metadata.
  common::Result<meta::ObjectRecord> Copy(const CopyObjectInput& input);
  common::Result<meta::ListPage> List(std::string_view bucket, const meta::ListQuery& query);

  // Object tags (checked by the caller). Get returns an empty set for an
  // object without tags; Put replaces them and Delete removes them, changing
  // neither the ETag nor Last-Modified. All kNoSuchBucket, kNoSuchKey.
  common::Result<meta::MetadataPairs> GetTags(std::string_view bucket, std::string_view key);
  common::Status PutTags(std::string_view bucket, std::string_view key,
                         const meta::MetadataPairs& tags);
  common::Status DeleteTags(std::string_view bucket, std::string_view key);

 private:
  // Commits record; on failure deletes the chunks this request stored, on
  // success the copies the store found redundant.
  common::Result<meta::ObjectRecord> Commit(meta::ObjectRecord record,
                                            const meta::WriteCondition& condition,
                                            const std::vector<meta::ChunkInfo>& written_chunks);

  meta::MetaStore& meta_;
  storage::ObjectWriter& writer_;
  storage::ChunkStore& chunks_;
  const common::Clock& clock_;
};

}  // namespace strata::service
