#include "meta/upload_list_walker.h"

#include <optional>
#include <string>
#include <utility>

#include "meta/list_walker.h"

namespace strata::meta {

common::Result<ListUploadsPage> WalkUploadListing(const ListUploadsQuery& query,
                                                  UploadListCursor& cursor) {
  if (query.max_uploads < 0) {
    return common::Error(common::Code::kInvalidArgument, "max_uploads must be >= 0");
  }
  ListUploadsPage page;
  if (query.max_uploads == 0) return page;

  const std::string_view prefix = query.prefix;
  const std::string_view delimiter = query.delimiter;
  const std::string_view key_marker = query.key_marker;
  // S3 ignores upload-id-marker without key-marker.
  const std::string_view upload_id_marker =
      key_marker.empty() ? std::string_view() : std::string_view(query.upload_id_marker);
  // Start at whichever bound is higher: every key under the prefix is >=
  // prefix, and everything returned must come after the marker.
  if (key_marker < prefix) {
    STRATA_RETURN_IF_ERROR(cursor.Seek(prefix, /*inclusive=*/true));
  } else if (!upload_id_marker.empty()) {
    STRATA_RETURN_IF_ERROR(cursor.SeekAfter(key_marker, upload_id_marker));
  } else {
    STRATA_RETURN_IF_ERROR(cursor.Seek(key_marker, /*inclusive=*/false));
  }

  int entries = 0;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool more, cursor.Next());
    if (!more) break;
    const std::string_view key = cursor.key();
    // Keys under the prefix are contiguous: the first one outside ends it.
    if (!key.starts_with(prefix)) break;

    size_t delimiter_at = std::string_view::npos;
    if (!delimiter.empty()) delimiter_at = key.find(delimiter, prefix.size());
    if (delimiter_at == std::string_view::npos) {
      if (entries == query.max_uploads) {
        page.truncated = true;
        break;
      }
      STRATA_ASSIGN_OR_RETURN(MultipartUpload upload, cursor.Record());
      page.next_key_marker = upload.key;
      page.next_upload_id_marker = upload.upload_id;
      page.uploads.push_back(std::move(upload));
      ++entries;
      continue;
    }

    std::string common_prefix(key.substr(0, delimiter_at + delimiter.size()));
    // Computed first: the jump past the prefix below needs it.
    std::optional<std::string> after = PrefixSuccessor(common_prefix);
    // As in WalkListing: only the prefix that holds key_marker can be <= it.
    // It sorts as (prefix, "") and so never after (key_marker, any id).
    if (common_prefix > key_marker) {
      if (entries == query.max_uploads) {
        page.truncated = true;
        break;
      }
      page.next_key_marker = common_prefix;
      page.next_upload_id_marker.clear();
      page.common_prefixes.push_back(std::move(common_prefix));
      ++entries;
    }
    // Jump over every upload under the common prefix in one index seek.
    if (!after) break;
    STRATA_RETURN_IF_ERROR(cursor.Seek(*after, /*inclusive=*/true));
  }
  return page;
}

}  // namespace strata::meta
