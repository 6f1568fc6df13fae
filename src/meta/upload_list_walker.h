// ListMultipartUploads semantics, written once for every MetaStore
// implementation, as list_walker.h does for ListObjects. An implementation
// supplies an UploadListCursor (a scan of one bucket's uploads in (key,
// upload_id) order, with seeks) and WalkUploadListing() turns it into one S3
// page: prefix filter, delimiter grouping, key and upload-id markers,
// max_uploads and truncation.
//
// The entries of a listing are the uploads whose key is under the prefix and
// contains no delimiter after it, plus the distinct common prefixes (as in
// list_walker.h). They are ordered by (key, upload_id), a common prefix
// sorting as (prefix, ""), before any upload of a key equal to it. S3 orders
// one key's uploads by initiation time; the upload id stands in for it (the
// service makes ids that sort by creation time).
//
// A page is the first max_uploads entries after the marker:
//   * with key_marker and upload_id_marker both set, entries after
//     (key_marker, upload_id_marker): the later uploads of key_marker, then
//     everything with a greater key;
//   * with only key_marker set, entries whose key (or common prefix) is
//     > key_marker, as AWS documents ("If upload-id-marker is not specified,
//     only the keys lexicographically greater than the specified key-marker
//     will be included");
//   * without key_marker, upload_id_marker is ignored, as AWS does.
// So a common prefix is returned only when it is > key_marker, and a
// key_marker inside a common prefix skips that prefix, exactly as start_after
// does in list_walker.h.
//
// next_key_marker and next_upload_id_marker name the page's last entry (a
// common prefix with upload id ""), truncated or not; both "" for an empty
// page. Passed back as the markers, they continue right after it, so paging
// visits every entry once. max_uploads == 0 gives an empty page that is not
// truncated, as max_keys == 0 does.
#pragma once

#include <string_view>

#include "common/result.h"
#include "common/status.h"
#include "meta/meta_store.h"

namespace strata::meta {

// A forward scan over the uploads of one bucket, in (key, upload_id) byte
// order, that can jump. Used by one thread at a time; an implementation
// typically holds a read snapshot for its whole life, so a page is consistent.
class UploadListCursor {
 public:
  virtual ~UploadListCursor() = default;

  // Repositions the scan just before the first upload whose key is >= `key`
  // (inclusive) or > `key` (exclusive).
  virtual common::Status Seek(std::string_view key, bool inclusive) = 0;
  // Repositions the scan just before the first upload after (key, upload_id):
  // a later upload of `key`, or else the first upload of a greater key.
  virtual common::Status SeekAfter(std::string_view key, std::string_view upload_id) = 0;
  // Advances to the next upload; false at the end of the bucket.
  virtual common::Result<bool> Next() = 0;
  // The current upload's key. REQUIRES: the last Next() returned true. Valid
  // until the next Seek(), SeekAfter() or Next().
  virtual std::string_view key() const = 0;
  // The full upload at the current position; only called for uploads that
  // make it into the page. REQUIRES: the last Next() returned true.
  virtual common::Result<MultipartUpload> Record() = 0;
};

// Builds one page of `query` from `cursor`. Costs one seek to start, one Seek()
// per common prefix returned (the uploads under it are jumped over, never
// read), and one Next() per entry plus one to learn whether more follow.
// kInvalidArgument when max_uploads < 0; otherwise the cursor's errors.
common::Result<ListUploadsPage> WalkUploadListing(const ListUploadsQuery& query,
                                                  UploadListCursor& cursor);

}  // namespace strata::meta
