// Object version ids (docs/versioning.md). Every write and every delete
// marker gets a fresh id from the service; the MetaStore keeps it only when
// the bucket's versioning is enabled (meta_store.h, PutObject).
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "meta/meta_store.h"

namespace strata::service {

// S3 prints the null version's id (meta::ObjectRecord::version_id "") as this.
inline constexpr std::string_view kNullVersionId = "null";

// Makes version ids: 12 hex digits of the clock's milliseconds, then 20 hex
// digits of randomness (32 characters of [0-9a-f]). Never "null", never "",
// unique in practice (80 random bits per millisecond). Thread-safe.
class VersionIdGenerator {
 public:
  // clock and random must outlive the generator.
  VersionIdGenerator(const common::Clock& clock, common::Random& random)
      : clock_(clock), random_(random) {}

  std::string Next();

 private:
  const common::Clock& clock_;
  std::mutex mutex_;
  common::Random& random_;  // GUARDED_BY(mutex_)
};

// Whether `id` can name a version as S3 clients send it: "null", or 1..64
// bytes of [A-Za-z0-9._-] (everything VersionIdGenerator makes).
bool IsValidVersionId(std::string_view id);

// A version id from a request (?versionId=, <VersionId>, x-amz-copy-source's
// versionId) as the MetaStore names it: "null" becomes "" (the null
// version). kInvalidArgument "Invalid version id specified" when it is not
// IsValidVersionId (an empty one included).
common::Result<std::string> ParseVersionId(std::string_view id);

// The id S3 prints for a stored version_id: "null" for "".
std::string PrintedVersionId(std::string_view version_id);

// The object a CopyObject or UploadPartCopy reads: the key's current object,
// or with version_id (store naming, "" the null version) that version.
// kNoSuchBucket, kNoSuchKey (no current object: missing, or its latest
// version is a delete marker), kNoSuchVersion; kInvalidRequest when
// version_id names a delete marker (AWS's answer).
common::Result<meta::ObjectRecord> ReadCopySource(meta::MetaStore& meta, std::string_view bucket,
                                                  std::string_view key,
                                                  const std::optional<std::string>& version_id);

}  // namespace strata::service
