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

struct Bucket {
  std::string name;
  std::string region;  // LocationConstraint given at creation; "" for the default
  std::string owner;   // user id of the creator
  int64_t created_ms = 0;
};

using MetadataPairs = std::vector<std::pair<std::string, std::string>>;

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
  // Where the body lives, opaque to meta: the ObjectStore's locator.
  std::string data_ref;
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
  // kNoSuchBucket; kBucketNotEmpty while any object remains.
  virtual common::Status DeleteBucket(std::string_view name) = 0;

  // kNoSuchBucket, kNoSuchKey.
  virtual common::Result<ObjectRecord> GetObject(std::string_view bucket, std::string_view key) = 0;
  // Inserts or replaces the object atomically. Returns the record it replaced
  // (so the caller can release its data), or nullopt. kNoSuchBucket;
  // kPreconditionFailed when the condition does not hold.
  virtual common::Result<std::optional<ObjectRecord>> PutObject(
      const ObjectRecord& object, const WriteCondition& condition) = 0;
  // Returns the deleted record, or nullopt when there was none. kNoSuchBucket.
  virtual common::Result<std::optional<ObjectRecord>> DeleteObject(std::string_view bucket,
                                                                   std::string_view key) = 0;
  // One page of keys in byte order. With a delimiter, keys that share
  // prefix + (text up to and including the next delimiter) collapse into one
  // common prefix. Cost is an index range scan proportional to the page (plus
  // one seek per common prefix), never a scan of the bucket. kNoSuchBucket.
  virtual common::Result<ListPage> ListObjects(std::string_view bucket, const ListQuery& query) = 0;
};

}  // namespace strata::meta
