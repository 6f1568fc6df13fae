#include "meta/version_list_walker.h"

#include <optional>
#include <string>
#include <utility>

#include "meta/internal/version_rules.h"
#include "meta/list_walker.h"

namespace strata::meta {

common::Result<ListVersionsPage> WalkVersions(const ListVersionsQuery& query,
                                              VersionCursor& cursor) {
  if (query.max_keys < 0) {
    return common::Error(common::Code::kInvalidArgument, "max_keys must be >= 0");
  }
  ListVersionsPage page;
  if (query.max_keys == 0) return page;

  const std::string_view prefix = query.prefix;
  const std::string_view delimiter = query.delimiter;
  const std::string_view key_marker = query.key_marker;
  // As ListObjectVersions in S3, a version-id-marker means nothing without a
  // key-marker.
  std::optional<std::string> after_version;
  if (!key_marker.empty() && !query.version_id_marker.empty()) {
    after_version = internal::VersionIdFromMarker(query.version_id_marker);
  }
  // Start at whichever bound is higher: every key under the prefix is >=
  // prefix, and everything returned must come after the marker. With a
  // version marker, key_marker itself still has older versions to list.
  if (key_marker < prefix) {
    STRATA_RETURN_IF_ERROR(cursor.SeekKey(prefix, /*inclusive=*/true));
  } else {
    STRATA_RETURN_IF_ERROR(cursor.SeekKey(key_marker, /*inclusive=*/after_version.has_value()));
  }

  int entries = 0;
  while (!page.truncated) {
    STRATA_ASSIGN_OR_RETURN(bool more, cursor.NextKey());
    if (!more) break;
    const std::string key(cursor.key());
    // Keys under the prefix are contiguous: the first one outside ends it.
    if (!key.starts_with(prefix)) break;

    size_t delimiter_at = std::string::npos;
    if (!delimiter.empty()) delimiter_at = key.find(delimiter, prefix.size());
    if (delimiter_at == std::string::npos) {
      // Only key_marker's own versions start after the marked one; a marker
      // that names none of them yields nothing here, so the page starts at
      // the next key.
      const std::optional<std::string> after =
          key == key_marker ? after_version : std::optional<std::string>();
      // One version more than the page holds tells that more follow.
      STRATA_ASSIGN_OR_RETURN(
          std::vector<ObjectRecord> versions,
          cursor.Versions(after, static_cast<size_t>(query.max_keys - entries) + 1));
      for (ObjectRecord& version : versions) {
        if (entries == query.max_keys) {
          page.truncated = true;
          break;
        }
        page.next_key_marker = key;
        page.next_version_id_marker = internal::VersionMarker(version.version_id);
        page.versions.push_back(std::move(version));
        ++entries;
      }
      continue;
    }

    std::string common_prefix = key.substr(0, delimiter_at + delimiter.size());
    std::optional<std::string> after = PrefixSuccessor(common_prefix);
    // As in WalkListing: only the prefix that holds key_marker can be <= it,
    // and it was returned by an earlier page (or the marker lies inside it).
    if (common_prefix > key_marker) {
      if (entries == query.max_keys) {
        page.truncated = true;
        break;
      }
      page.next_key_marker = common_prefix;
      page.next_version_id_marker.clear();
      page.common_prefixes.push_back(std::move(common_prefix));
      ++entries;
    }
    // Jump over every key under the common prefix in one index seek.
    if (!after) break;
    STRATA_RETURN_IF_ERROR(cursor.SeekKey(*after, /*inclusive=*/true));
  }
  // The markers say where the next page starts, so only a truncated page has
  // them (as S3's NextKeyMarker / NextVersionIdMarker).
  if (!page.truncated) {
    page.next_key_marker.clear();
    page.next_version_id_marker.clear();
  }
  return page;
}

}  // namespace strata::meta
