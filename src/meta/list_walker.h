// ListObjects semantics, written once for every MetaStore implementation.
// An implementation supplies a ListCursor (an ordered key scan with seek) and
// WalkListing() turns it into one S3 page: prefix filter, delimiter grouping,
// start_after, max_keys and truncation.
//
// The entries of a listing are the keys under the prefix that contain no
// delimiter after the prefix, plus the distinct common prefixes (prefix + text
// up to and including the first delimiter after it). In byte order these form
// one sorted sequence E: a common prefix sorts before every key it groups, and
// a key that does not start with it sorts either before it or after all of
// them. A page is the first max_keys entries of E that are strictly greater
// than start_after. Consequences:
//   * start_after equal to a common prefix (the last entry of the previous
//     page, as NextMarker is in AWS) skips that prefix and every key under it,
//     as AWS does (s3-tests test_bucket_list_delimiter_prefix);
//   * start_after *inside* a common prefix ("a/x" with delimiter "/") also
//     skips the prefix "a/": it is not > "a/x", so it is not returned again,
//     and the keys after "a/x" under "a/" are grouped into it, not listed.
//     Ceph RGW fast-forwards such a marker past the prefix the same way;
//     Garage returns "a/" again instead. Pages never end inside a prefix, so
//     this only matters for a start_after a client made up;
//   * max_keys == 0 returns an empty page with truncated == false, as AWS
//     does (s3-tests test_bucket_list_maxkeys_zero).
// Paging with start_after = last_entry therefore visits E exactly once.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"
#include "meta/meta_store.h"

namespace strata::meta {

// A forward scan over the keys of one bucket, in byte order, that can jump.
// Used by one thread at a time; an implementation typically holds a read
// snapshot for its whole life, so a page is consistent.
class ListCursor {
 public:
  virtual ~ListCursor() = default;

  // Repositions the scan just before the first key >= `lower` (inclusive) or
  // > `lower` (exclusive). The next Next() returns that key.
  virtual common::Status Seek(std::string_view lower, bool inclusive) = 0;
  // Advances to the next key; false at the end of the bucket.
  virtual common::Result<bool> Next() = 0;
  // The current key. REQUIRES: the last Next() returned true. Valid until the
  // next Seek() or Next().
  virtual std::string_view key() const = 0;
  // The full record at the current key; only called for keys that make it
  // into the page, so an implementation may decode lazily.
  // REQUIRES: the last Next() returned true.
  virtual common::Result<ObjectRecord> Record() = 0;
};

// Builds one page of `query` from `cursor`. Costs one Seek() to start, one
// Seek() per common prefix returned (the keys under it are jumped over, never
// read), and one Next() per entry plus one to learn whether more follow.
// kInvalidArgument when max_keys < 0; otherwise the cursor's errors.
common::Result<ListPage> WalkListing(const ListQuery& query, ListCursor& cursor);

// The smallest string greater than every string that starts with `prefix`
// (last byte below 0xFF incremented, the rest dropped), or nullopt when there
// is none ("" or all 0xFF bytes). Byte-wise, so it holds for any key bytes.
std::optional<std::string> PrefixSuccessor(std::string_view prefix);

}  // namespace strata::meta
