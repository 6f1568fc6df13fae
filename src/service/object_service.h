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
#include "common/random.h"
#include "common/result.h"
#include "meta/meta_store.h"
#include "service/body_checksum.h"
#include "service/byte_range.h"
#include "service/read_conditions.h"
#include "service/version_id.h"
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
  // ?versionId= (store naming: "" is the null version); nullopt reads the
  // current object.
  std::optional<std::string> version_id;
  // When set, a body kept on the drives is not opened (output.body stays
  // null, output.body_on_drives is set): the caller cannot wait for drives.
  bool memory_only = false;
};

struct GetObjectOutput {
  meta::ObjectRecord object;
  std::optional<ByteRange> range;            // set for a partial response (206)
  std::unique_ptr<common::ByteSource> body;  // null for HEAD
  bool body_on_drives = false;               // with memory_only: the body was not opened
};

struct CopyObjectInput {
  std::string source_bucket;
  std::string source_key;
  // x-amz-copy-source's versionId (store naming: "" is the null version);
  // nullopt copies the current object.
  std::optional<std::string> source_version_id;
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
  // Everything must outlive the service; random makes version ids.
  ObjectService(meta::MetaStore& meta, storage::ObjectWriter& writer, storage::ChunkStore& chunks,
                const common::Clock& clock, common::Random& random)
      : meta_(meta), writer_(writer), chunks_(chunks), clock_(clock), version_ids_(clock, random) {}

  // kNoSuchBucket, kPreconditionFailed, kBadDigest (Content-MD5 or
  // x-amz-checksum-*), kInvalidDigest, kInvalidRequest (malformed checksum),
  // kMetadataTooLarge, kEntityTooLarge, kIncompleteBody, and any body error.
  // Every write gets a fresh version id; the returned record carries the one
  // the store kept ("" for the null version: unversioned or suspended).
  common::Result<meta::ObjectRecord> Put(const PutObjectInput& input, common::ByteSource& body);
  // kNoSuchBucket, kNoSuchKey, kNotModified, kPreconditionFailed,
  // kInvalidRange, kInvalidPartNumber. With input.version_id: kNoSuchVersion,
  // and kMethodNotAllowed when it names a delete marker (LatestDeleteMarker
  // and GetVersion give the caller what S3 reports with those errors).
  common::Result<GetObjectOutput> Get(const GetObjectInput& input);
  // One version's record, delete markers included. kNoSuchBucket,
  // kNoSuchVersion.
  common::Result<meta::ObjectRecord> GetVersion(std::string_view bucket, std::string_view key,
                                                std::string_view version_id);
  // The delete marker that is the key's latest version, or nullopt when the
  // latest version is an object or the key has none (a GET that found no
  // current object reports the marker as S3 does). kNoSuchBucket.
  common::Result<std::optional<meta::ObjectRecord>> LatestDeleteMarker(std::string_view bucket,
                                                                       std::string_view key);
  // DELETE without a version id: removes the current object (unversioned),
  // or writes a delete marker with a fresh id (enabled) or the null id
  // (suspended); meta::MetaStore::DeleteLatest has the details. Deleting a
  // missing key succeeds, as in S3. kNoSuchBucket.
  common::Result<meta::MetaStore::DeleteResult> Delete(std::string_view bucket,
                                                       std::string_view key);
  // Removes one version for good (version_id in store naming); a version
  // that does not exist is no error. kNoSuchBucket.
  common::Result<meta::MetaStore::DeleteResult> DeleteVersion(std::string_view bucket,
                                                              std::string_view key,
                                                              std::string_view version_id);
  // Returns the new object, which shares the source's chunks: no data is
  // copied. kInvalidRequest when copying the current object onto itself
  // without replacing its metadata, or when source_version_id names a delete
  // marker; kNoSuchVersion for a source version that does not exist. The
  // returned record's version_id is the copy's.
  common::Result<meta::ObjectRecord> Copy(const CopyObjectInput& input);
  common::Result<meta::ListPage> List(std::string_view bucket, const meta::ListQuery& query);
  // ListObjectVersions: one page of versions and delete markers.
  // kNoSuchBucket.
  common::Result<meta::ListVersionsPage> ListVersions(std::string_view bucket,
                                                      const meta::ListVersionsQuery& query);

  // Object tags (checked by the caller), of the current object or, with
  // version_id (store naming), of that version. Get returns an empty set for
  // an object without tags; Put replaces them and Delete removes them,
  // changing neither the ETag nor Last-Modified. All kNoSuchBucket,
  // kNoSuchKey; with a version id kNoSuchVersion, and kMethodNotAllowed for
  // a delete marker.
  common::Result<meta::MetadataPairs> GetTags(std::string_view bucket, std::string_view key,
                                              const std::optional<std::string>& version_id = {});
  common::Status PutTags(std::string_view bucket, std::string_view key,
                         const meta::MetadataPairs& tags,
                         const std::optional<std::string>& version_id = {});
  common::Status DeleteTags(std::string_view bucket, std::string_view key,
                            const std::optional<std::string>& version_id = {});

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
  VersionIdGenerator version_ids_;
};

}  // namespace strata::service
