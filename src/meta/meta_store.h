// MetaStore: every piece of metadata Strata keeps, behind one interface with
// one contract test suite (meta_store_contract.h) that each implementation
// passes. A successful PutObject commit is the moment an object exists
// (ARCHITECTURE.md section 4): strong read-after-write and list-after-write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "common/status.h"

namespace strata::meta {

// Name/value pairs in the caller's order (repeats kept): object metadata and
// tag sets.
using MetadataPairs = std::vector<std::pair<std::string, std::string>>;

// A bucket's versioning state (PutBucketVersioning). A bucket starts
// kUnversioned and, once versioning was enabled, can only move between
// kEnabled and kSuspended, never back (as in S3).
enum class Versioning { kUnversioned, kEnabled, kSuspended };

struct Bucket {
  std::string name;
  std::string region;  // LocationConstraint given at creation; "" for the default
  std::string owner;   // user id of the creator
  int64_t created_ms = 0;
  // The bucket policy (AWS policy JSON, validated before it is stored); ""
  // for none.
  std::string policy;
  // The CORS configuration, as the S3 layer encodes it (s3/cors.h: canonical
  // JSON of the validated rules); "" for none. Opaque to the store.
  std::string cors;
  // The bucket's tag set (PutBucketTagging), in the order given; empty for
  // none.
  MetadataPairs tagging;
  Versioning versioning = Versioning::kUnversioned;
};

// A stored chunk: up to 4 MiB of content named by its SHA-256 and stored once
// however many objects use it (ARCHITECTURE.md section 3). Everything needed to
// read it back travels with it, so a GET reads a manifest and never looks a
// chunk up.
struct ChunkInfo {
  std::string hash;  // SHA-256 of the content: 64 lower-case hex characters
  // Where the ChunkStore put the shards: an opaque id (32 lower-case hex
  // characters) chosen by the write that stored them. Each write of a chunk
  // gets a fresh id, so a garbage-collected copy and a new copy of the same
  // content never share files.
  std::string location;
  int data_shards = 0;    // K of the shards at location
  int parity_shards = 0;  // M
  uint64_t size = 0;      // content bytes, 1 .. 4 MiB

  bool operator==(const ChunkInfo&) const = default;
};

// One piece of an object's body: bytes [offset, offset + length) of a chunk.
// An object's body is its entries' pieces in order. Because an entry can start
// inside a chunk, CopyObject and multipart completion write manifests, never
// data.
struct ManifestEntry {
  ChunkInfo chunk;
  uint64_t offset = 0;
  uint64_t length = 0;  // >= 1; offset + length <= chunk.size

  bool operator==(const ManifestEntry&) const = default;
};

using Manifest = std::vector<ManifestEntry>;

// Figures for the admin API and metrics.
struct StorageStats {
  uint64_t objects = 0;
  uint64_t logical_bytes = 0;        // sum of object sizes
  uint64_t inline_bytes = 0;         // bytes stored inline in object rows
  uint64_t chunks = 0;               // chunk rows, referenced or awaiting GC
  uint64_t chunk_bytes = 0;          // sum of chunk sizes (before erasure overhead)
  uint64_t unreferenced_chunks = 0;  // refcount 0, waiting out the grace period
  // Versioning: versions that are not the latest of their key (they keep
  // their chunks referenced until deleted), their bytes, and delete markers.
  // `objects` and `logical_bytes` count latest versions only.
  uint64_t noncurrent_versions = 0;
  uint64_t noncurrent_bytes = 0;
  uint64_t delete_markers = 0;
};

// A checksum a client asked S3 to keep (x-amz-checksum-*): stored with the
// object or part and returned on GET/HEAD with x-amz-checksum-mode: ENABLED.
struct StoredChecksum {
  std::string algorithm;  // "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"; "" for none
  std::string value;      // base64, as S3 prints it; composite values end in "-N"
  std::string type;       // "FULL_OBJECT" or "COMPOSITE"; "" for none
  bool operator==(const StoredChecksum&) const = default;
};

struct ObjectRecord {
  std::string bucket;
  std::string key;
  uint64_t size = 0;
  std::string etag;  // hex MD5 of the body, no quotes ("hex-N" for multipart)
  std::string content_type;
  // x-amz-meta-* headers: name lower-case without the prefix, value as sent.
  MetadataPairs user_metadata;
  // Stored response headers: content-encoding, content-disposition,
  // cache-control, expires, content-language (names lower-case).
  MetadataPairs system_metadata;
  int64_t last_modified_ms = 0;
  std::string storage_class = "STANDARD";
  StoredChecksum checksum;
  // For an object made by CompleteMultipartUpload: each part's size, in order
  // (GET/HEAD ?partNumber=N); empty otherwise.
  std::vector<uint64_t> part_sizes;
  // The body is exactly one of: inline_data (small objects, ARCHITECTURE.md
  // section 3: no shard files, one transaction) or the manifest's pieces.
  // Both empty for an empty object. The sum of the manifest's lengths (or
  // inline_data.size()) equals size.
  Manifest manifest;
  std::string inline_data;
  // The object's tags (x-amz-tagging, PutObjectTagging), in the order given;
  // empty for none. Changing them (SetObjectTags) changes neither etag nor
  // last_modified_ms.
  MetadataPairs tags;

  // --- Versioning (docs/versioning.md) ---
  // The version's id: opaque, URL-safe, at most 64 bytes; "" is the null
  // version (every write to an unversioned bucket, and writes while
  // versioning is suspended), which S3 prints as "null". A key has at most one
  // version per id, the null version included.
  std::string version_id;
  // A delete marker: a version with no body that hides the key (size 0, etag
  // and manifest empty). Only returned by GetObjectVersion and
  // ListObjectVersions; GetObject and ListObjects never see one.
  bool delete_marker = false;
  // Whether this is the key's newest version. Set on reads: always true from
  // GetObject and ListObjects (they return latest versions only).
  bool is_latest = true;
};

// An upload begun by CreateMultipartUpload and not yet completed or aborted.
struct MultipartUpload {
  std::string upload_id;  // opaque, URL-safe, unique
  std::string bucket;
  std::string key;
  int64_t initiated_ms = 0;
  // What the completed object will carry.
  std::string content_type;
  MetadataPairs user_metadata;
  MetadataPairs system_metadata;
  std::string checksum_algorithm;  // x-amz-checksum-algorithm at creation; "" for none
  std::string checksum_type;       // "COMPOSITE" or "FULL_OBJECT"; "" for none
  std::string owner;
  MetadataPairs tags;  // x-amz-tagging at creation: the completed object's tags
};

// One uploaded part. Parts are always chunked (never inline), so completion
// only concatenates manifests.
struct PartRecord {
  std::string upload_id;
  int part_number = 0;  // 1 .. 10000
  uint64_t size = 0;
  std::string etag;  // hex MD5 of the part, no quotes
  int64_t last_modified_ms = 0;
  Manifest manifest;  // lengths add up to size; empty for an empty part
  StoredChecksum checksum;
};

struct ListPartsPage {
  std::vector<PartRecord> parts;  // ascending part_number, manifests left empty
  bool truncated = false;
  int next_part_number_marker = 0;  // last part number in the page; 0 when empty
};

struct ListUploadsQuery {
  std::string prefix;
  std::string delimiter;
  // Exclusive start: uploads with key > key_marker, or key == key_marker and
  // upload_id > upload_id_marker (S3 ignores upload_id_marker without a
  // key_marker).
  std::string key_marker;
  std::string upload_id_marker;
  int max_uploads = 1000;  // entries (uploads + common prefixes) per page, >= 0
};

struct ListUploadsPage {
  std::vector<MultipartUpload> uploads;      // by key, then initiation order (upload id)
  std::vector<std::string> common_prefixes;  // byte order
  bool truncated = false;
  std::string next_key_marker;
  std::string next_upload_id_marker;
};

// Checked inside the same transaction as the write, so two conditional PUTs
// racing on one key cannot both win.
struct WriteCondition {
  enum class Kind { kNone, kIfNoneMatchAny, kIfMatch };
  Kind kind = Kind::kNone;
  std::string etag;  // for kIfMatch: the ETag (no quotes) the current object must have
};

struct ListQuery {
  std::string prefix;
  std::string delimiter;    // "" for none
  std::string start_after;  // exclusive lower bound on keys and common prefixes
  int max_keys = 1000;      // entries (objects + common prefixes) per page, >= 0
};

// ListObjectVersions. Entries are versions, ordered by key (byte order), then
// newest first; the key_marker/version_id_marker pair is an exclusive start
// position in that order.
struct ListVersionsQuery {
  std::string prefix;
  std::string delimiter;  // "" for none
  // Without version_id_marker: start after every version of keys <= key_marker
  // (with a delimiter, a common prefix <= key_marker is skipped whole, as in
  // ListObjects' start_after). With it: start after that version of
  // key_marker, i.e. with key_marker's older versions; a version_id_marker
  // that names no version of key_marker starts at the next key.
  // version_id_marker "" means "none"; the null version is named kNullVersionMarker.
  std::string key_marker;
  std::string version_id_marker;
  int max_keys = 1000;  // versions + delete markers + common prefixes per page, >= 0
};

// The value of ListVersionsQuery::version_id_marker and
// ListVersionsPage::next_version_id_marker that names the null version (S3
// prints the null version's id as "null").
inline constexpr std::string_view kNullVersionMarker = "null";

struct ListVersionsPage {
  // Versions and delete markers, by key then newest first, with version_id,
  // delete_marker and is_latest set; manifests and inline data left empty.
  std::vector<ObjectRecord> versions;
  std::vector<std::string> common_prefixes;  // byte order
  bool truncated = false;
  // When truncated: where the next page starts. next_version_id_marker is ""
  // when the page ended on a common prefix, else the last version's id
  // (kNullVersionMarker for the null version).
  std::string next_key_marker;
  std::string next_version_id_marker;
};

struct ListPage {
  std::vector<ObjectRecord> objects;         // in byte order of key
  std::vector<std::string> common_prefixes;  // in byte order, each ends with the delimiter
  bool truncated = false;
  // The last object key or common prefix in this page (the next page's
  // start_after); "" when the page is empty.
  std::string last_entry;
};

class MetaStore {
 public:
  virtual ~MetaStore() = default;

  // kBucketAlreadyOwnedByYou when a bucket of that name exists with the same
  // owner, kBucketAlreadyExists when another owner has it.
  virtual common::Status CreateBucket(const Bucket& bucket) = 0;
  // kNoSuchBucket.
  virtual common::Result<Bucket> GetBucket(std::string_view name) = 0;
  // All buckets in name order.
  virtual common::Result<std::vector<Bucket>> ListBuckets() = 0;
  // kNoSuchBucket; kBucketNotEmpty while any object, non-current version or
  // delete marker remains.
  virtual common::Status DeleteBucket(std::string_view name) = 0;
  // Replaces the bucket's policy ("" removes it). kNoSuchBucket.
  virtual common::Status SetBucketPolicy(std::string_view name, std::string_view policy) = 0;
  // Replaces the bucket's CORS configuration ("" removes it). kNoSuchBucket.
  virtual common::Status SetBucketCors(std::string_view name, std::string_view cors) = 0;
  // Replaces the bucket's tag set (empty removes it). kNoSuchBucket;
  // kInvalidArgument for a name or value that is not valid UTF-8.
  virtual common::Status SetBucketTagging(std::string_view name, const MetadataPairs& tagging) = 0;
  // Sets the bucket's versioning state. kNoSuchBucket; kInvalidArgument for
  // kUnversioned (a bucket never goes back).
  virtual common::Status SetBucketVersioning(std::string_view name, Versioning versioning) = 0;

  // kNoSuchBucket, kNoSuchKey.
  virtual common::Result<ObjectRecord> GetObject(std::string_view bucket, std::string_view key) = 0;
  // Inserts or replaces the object atomically, and in the same transaction
  // moves chunk reference counts (a chunk's count is the number of manifest
  // entries, over all rows, that name it):
  //   * every manifest entry adds one to its chunk's count. A chunk in
  //     written_chunks (stored by this write itself) gets a row when it has
  //     none, with refcount = its entries. When a row for that hash already
  //     exists at another location (a concurrent write stored the same
  //     content first), the entries are rewritten to the existing location
  //     and this write's copy is returned in PutResult::unused_chunks for the
  //     caller to delete.
  //   * a chunk NOT in written_chunks (deduplicated through FindChunk) must
  //     still have its row at the same location; if GC removed it meanwhile,
  //     the whole put fails with kUnavailable and changes nothing (the
  //     caller may retry the upload).
  //   * the replaced record's entries each subtract one; a count reaching 0
  //     sets the chunk's zero_since_ms to now_ms (the GC grace period starts).
  //
  // Versioning, read from the bucket inside the same transaction:
  //   * kUnversioned: the new record is the null version ("" whatever
  //     object.version_id says) and replaces the current one, as above;
  //   * kEnabled: the new record gets object.version_id (the caller makes a
  //     fresh one for every write; must not be "") and becomes the latest
  //     version; the previous latest version (object or delete marker) stays
  //     as a non-current version with its references;
  //   * kSuspended: the new record is the null version; the key's existing
  //     null version, current or not, is replaced (its references drop and it
  //     is returned in `replaced`), and a current version with an id stays
  //     as non-current.
  // The condition is checked against the latest version when it is an object
  // (a key whose latest version is a delete marker has no current object).
  // kNoSuchBucket; kPreconditionFailed when the condition does not hold;
  // kInvalidArgument (kEnabled only) for a version id that is not 1..64 bytes
  // of [A-Za-z0-9._-], is "null", or is one the key already has.
  struct PutResult {
    // The version whose references this write dropped (replaced for good);
    // nullopt when none was, including when the previous one was kept as a
    // non-current version.
    std::optional<ObjectRecord> replaced;
    std::vector<ChunkInfo> unused_chunks;
    // The id the new version got ("" for the null version).
    std::string version_id;
  };
  virtual common::Result<PutResult> PutObject(const ObjectRecord& object,
                                              const WriteCondition& condition,
                                              const std::vector<ChunkInfo>& written_chunks,
                                              int64_t now_ms) = 0;
  // What a delete did.
  struct DeleteResult {
    // The version removed for good (its references dropped), or nullopt.
    // May be a delete marker (DeleteVersion of a marker, or a suspended
    // bucket's null marker replaced).
    std::optional<ObjectRecord> removed;
    // The delete marker this delete wrote (DeleteLatest on a versioning
    // bucket), or nullopt.
    std::optional<ObjectRecord> delete_marker;
  };
  // DELETE without a version id, by the bucket's versioning state:
  //   * kUnversioned: removes the current object, if any (`removed`);
  //   * kEnabled: writes a delete marker with marker_version_id (fresh, not
  //     "") as the latest version, last modified now_ms, even when the key has
  //     no version yet; the previous latest version stays as non-current;
  //   * kSuspended: writes a null-version delete marker as the latest
  //     version, removing the key's existing null version (current or not,
  //     object or marker) for good; a current version with an id stays as
  //     non-current.
  // kNoSuchBucket; kInvalidArgument (kEnabled only) for a marker_version_id
  // that breaks PutObject's version id rules.
  virtual common::Result<DeleteResult> DeleteLatest(std::string_view bucket, std::string_view key,
                                                    std::string_view marker_version_id,
                                                    int64_t now_ms) = 0;
  // Removes one version (object or delete marker; "" is the null version) for
  // good, dropping its references. When it was the latest, the next newest
  // version becomes the latest (and the current object, unless it is a delete
  // marker). `removed` is nullopt when the key has no such version (S3
  // answers 204 all the same). kNoSuchBucket.
  virtual common::Result<DeleteResult> DeleteVersion(std::string_view bucket, std::string_view key,
                                                     std::string_view version_id,
                                                     int64_t now_ms) = 0;
  // DeleteLatest for callers that know the bucket is unversioned (tests,
  // tools): the removed record, or nullopt.
  common::Result<std::optional<ObjectRecord>> DeleteObject(std::string_view bucket,
                                                           std::string_view key, int64_t now_ms) {
    common::Result<DeleteResult> result = DeleteLatest(bucket, key, "", now_ms);
    if (!result.ok()) return result.status();
    return std::move(result).value().removed;
  }
  // One version of a key ("" is the null version), delete markers included,
  // with is_latest set. kNoSuchBucket; kNoSuchVersion when the key has no
  // such version.
  virtual common::Result<ObjectRecord> GetObjectVersion(std::string_view bucket,
                                                        std::string_view key,
                                                        std::string_view version_id) = 0;
  // One page of versions (ListVersionsQuery gives the order). Cost
  // proportional to the page, as ListObjects. kNoSuchBucket;
  // kInvalidArgument when max_keys < 0.
  virtual common::Result<ListVersionsPage> ListObjectVersions(std::string_view bucket,
                                                              const ListVersionsQuery& query) = 0;
  // One page of keys in byte order. With a delimiter, keys that share
  // prefix + (text up to and including the next delimiter) collapse into one
  // common prefix. Cost is an index range scan proportional to the page (plus
  // one seek per common prefix), never a scan of the bucket. kNoSuchBucket.
  virtual common::Result<ListPage> ListObjects(std::string_view bucket, const ListQuery& query) = 0;
  // Replaces the tags of the object at (bucket, key) (empty removes them),
  // leaving every other field, etag and last_modified_ms included, as it is.
  // kNoSuchBucket, kNoSuchKey; kInvalidArgument for a name or value that is
  // not valid UTF-8.
  virtual common::Status SetObjectTags(std::string_view bucket, std::string_view key,
                                       const MetadataPairs& tags) = 0;
  // SetObjectTags on one version ("" is the null version). kNoSuchBucket;
  // kNoSuchVersion when there is no such version; kMethodNotAllowed when it
  // is a delete marker; kInvalidArgument as SetObjectTags.
  virtual common::Status SetObjectVersionTags(std::string_view bucket, std::string_view key,
                                              std::string_view version_id,
                                              const MetadataPairs& tags) = 0;

  // --- Multipart uploads ---
  //
  // Parts hold chunk references like objects do: a part's manifest entries
  // count in its chunks' refcounts until the upload completes or is aborted.

  // kNoSuchBucket. upload.upload_id must be new (the caller makes it random).
  virtual common::Status CreateMultipartUpload(const MultipartUpload& upload) = 0;
  // kNoSuchUpload unless an upload with this id exists for this bucket and key.
  virtual common::Result<MultipartUpload> GetMultipartUpload(std::string_view bucket,
                                                             std::string_view key,
                                                             std::string_view upload_id) = 0;
  // Stores or replaces part.part_number of the upload, moving chunk counts as
  // PutObject does (written_chunks, unused_chunks and the kUnavailable rule
  // are the same). kNoSuchUpload when the upload is gone (completed or
  // aborted meanwhile): nothing changes then.
  virtual common::Result<PutResult> PutPart(const PartRecord& part,
                                            const std::vector<ChunkInfo>& written_chunks,
                                            int64_t now_ms) = 0;
  // Parts with part_number > part_number_marker, ascending, at most
  // max_parts. kNoSuchUpload.
  virtual common::Result<ListPartsPage> ListParts(std::string_view upload_id,
                                                  int part_number_marker, int max_parts) = 0;
  // Every part of the upload with its manifest, ascending (for completion).
  virtual common::Result<std::vector<PartRecord>> GetParts(std::string_view upload_id) = 0;
  // kNoSuchBucket.
  virtual common::Result<ListUploadsPage> ListMultipartUploads(std::string_view bucket,
                                                               const ListUploadsQuery& query) = 0;
  // In one transaction: checks the upload still exists (kNoSuchUpload) and
  // the condition holds (kPreconditionFailed), writes `object` as PutObject
  // does (versioning included) (its manifest names chunks the parts already reference; no written
  // chunks), then deletes the upload and all its parts, dropping their
  // references (chunks only in parts left out of the object reach 0 and go to
  // GC). Returns what PutObject returns.
  virtual common::Result<PutResult> CompleteMultipartUpload(std::string_view upload_id,
                                                            const ObjectRecord& object,
                                                            const WriteCondition& condition,
                                                            int64_t now_ms) = 0;
  // Deletes the upload and its parts, dropping their references.
  // kNoSuchUpload.
  virtual common::Status AbortMultipartUpload(std::string_view upload_id, int64_t now_ms) = 0;
  // Up to limit uploads initiated at or before initiated_before_ms, oldest
  // first: GC aborts them after the configured age.
  virtual common::Result<std::vector<MultipartUpload>> ListStaleUploads(int64_t initiated_before_ms,
                                                                        size_t limit) = 0;

  // --- Chunks (dedup, garbage collection, healing) ---

  // The stored chunk with this hash (64 hex), or nullopt. A chunk whose count
  // is 0 has its zero_since_ms moved to now_ms: the caller is about to
  // reference it, and this restarts the grace period so GC leaves it alone
  // while the upload runs.
  virtual common::Result<std::optional<ChunkInfo>> FindChunk(std::string_view hash,
                                                             int64_t now_ms) = 0;
  // Up to limit chunks with refcount 0 and zero_since_ms <= zero_before_ms,
  // oldest first.
  virtual common::Result<std::vector<ChunkInfo>> ListUnreferencedChunks(int64_t zero_before_ms,
                                                                        size_t limit) = 0;
  // Deletes the chunk's row if, inside the transaction, it still has this
  // location, refcount 0 and zero_since_ms <= zero_before_ms. Returns whether
  // it did; only then may the caller delete the shard files.
  virtual common::Result<bool> DeleteUnreferencedChunk(const ChunkInfo& chunk,
                                                       int64_t zero_before_ms) = 0;
  // Whether any chunk row has this location (orphan scan: shard files whose
  // location no row names were left by a write that never committed).
  virtual common::Result<bool> ChunkLocationExists(std::string_view location) = 0;
  // Chunks in hash order with hash > after_hash ("" for the first), at most
  // limit: the healer's walk.
  virtual common::Result<std::vector<ChunkInfo>> ListChunks(std::string_view after_hash,
                                                            size_t limit) = 0;
  virtual common::Result<StorageStats> GetStorageStats() = 0;
};

}  // namespace strata::meta
