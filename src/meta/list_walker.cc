#include "meta/list_walker.h"

#include <utility>

namespace strata::meta {

std::optional<std::string> PrefixSuccessor(std::string_view prefix) {
  std::string next(prefix);
  while (!next.empty()) {
    auto last = static_cast<unsigned char>(next.back());
    if (last != 0xFF) {
      next.back() = static_cast<char>(last + 1);
      return next;
    }
    next.pop_back();
  }
  return std::nullopt;
}

common::Result<ListPage> WalkListing(const ListQuery& query, ListCursor& cursor) {
  if (query.max_keys < 0) {
    return common::Error(common::Code::kInvalidArgument, "max_keys must be >= 0");
  }
  ListPage page;
  if (query.max_keys == 0) return page;

  const std::string_view prefix = query.prefix;
  const std::string_view delimiter = query.delimiter;
  const std::string_view start_after = query.start_after;
  // Start at whichever bound is higher: every key under the prefix is >=
  // prefix, and everything returned must be > start_after.
  if (start_after >= prefix) {
    STRATA_RETURN_IF_ERROR(cursor.Seek(start_after, /*inclusive=*/false));
  } else {
    STRATA_RETURN_IF_ERROR(cursor.Seek(prefix, /*inclusive=*/true));
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
      if (entries == query.max_keys) {
        page.truncated = true;
        break;
      }
      STRATA_ASSIGN_OR_RETURN(ObjectRecord record, cursor.Record());
      page.last_entry = record.key;
      page.objects.push_back(std::move(record));
      ++entries;
      continue;
    }

    std::string common_prefix(key.substr(0, delimiter_at + delimiter.size()));
    // Only the prefix that holds start_after can be <= it (see the header);
    // it was returned by an earlier page, or start_after lies inside it.
    if (common_prefix > start_after) {
      if (entries == query.max_keys) {
        page.truncated = true;
        break;
      }
      page.last_entry = common_prefix;
      page.common_prefixes.push_back(common_prefix);
      ++entries;
    }
    // Jump over every key under the common prefix in one index seek.
    std::optional<std::string> after = PrefixSuccessor(common_prefix);
    if (!after) break;
    STRATA_RETURN_IF_ERROR(cursor.Seek(*after, /*inclusive=*/true));
  }
  return page;
}

}  // namespace strata::meta
