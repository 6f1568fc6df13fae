// ListObjectVersions semantics, written once for every MetaStore
// implementation, as list_walker.h does for ListObjects: an implementation
// supplies a VersionCursor (an ordered scan of the keys that have any
// version, with seek, and a key's versions newest first) and WalkVersions()
// turns it into one S3 page: prefix filter, delimiter grouping, the
// key_marker/version_id_marker start, max_keys and truncation.
//
// Entries of the listing, in order: for each key under the prefix (byte
// order) its versions newest first; with a delimiter, keys with the delimiter
// after the prefix collapse into common prefixes exactly as in ListObjects
// (one entry each, counted against max_keys). The start position is as
// ListVersionsQuery documents (meta_store.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "meta/meta_store.h"

namespace strata::meta {

// A forward scan over the keys of one bucket that have at least one version
// (current object, non-current version or delete marker), in byte order.
// Used by one thread at a time; an implementation holds one read snapshot for
// its whole life, so a page is consistent.
class VersionCursor {
 public:
  virtual ~VersionCursor() = default;

  // Repositions the scan just before the first key >= `lower` (inclusive) or
  // > `lower` (exclusive). The next NextKey() returns that key.
  virtual common::Status SeekKey(std::string_view lower, bool inclusive) = 0;
  // Advances to the next key; false at the end of the bucket.
  virtual common::Result<bool> NextKey() = 0;
  // The current key. REQUIRES: the last NextKey() returned true. Valid until
  // the next SeekKey() or NextKey().
  virtual std::string_view key() const = 0;
  // Up to `limit` versions of the current key, newest first, starting after
  // the version named `after_version_id` ("" is the null version) or at the
  // newest when nullopt; empty when `after_version_id` names no version of
  // the key. Records carry version_id, delete_marker and is_latest, and
  // leave manifest and inline_data empty. REQUIRES: the last NextKey()
  // returned true.
  virtual common::Result<std::vector<ObjectRecord>> Versions(
      const std::optional<std::string>& after_version_id, size_t limit) = 0;
};

// Builds one page of `query` from `cursor`. Costs one SeekKey() to start, one
// per common prefix returned, one Versions() per key in the page, and reads
// at most max_keys + 1 versions. kInvalidArgument when max_keys < 0;
// otherwise the cursor's errors.
common::Result<ListVersionsPage> WalkVersions(const ListVersionsQuery& query,
                                              VersionCursor& cursor);

}  // namespace strata::meta
