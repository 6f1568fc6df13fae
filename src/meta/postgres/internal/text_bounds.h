// Listing bounds for TEXT columns that can hold only UTF-8 without NUL.
//
// The list walkers (meta/list_walker.h, meta/upload_list_walker.h) seek to
// bounds made from client markers and from PrefixSuccessor(), which
// increments a last byte: "a\x7f" becomes "a\x80", which is not UTF-8.
// PostgreSQL refuses such a string as a parameter. Every stored key is
// storable text, so comparing against the least storable string at or above
// the bound selects exactly the same keys, and that string is a valid
// parameter. Private to meta/postgres.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace strata::meta::postgres::internal {

// Whether PostgreSQL's TEXT can hold `text`: well-formed UTF-8 (no overlong
// forms, surrogates or code points above U+10FFFF) with no NUL byte.
bool IsStorableText(std::string_view text);

// The least storable string that is >= `bound` in byte order (`bound` itself
// when it is storable), or nullopt when every storable string is < `bound`
// (e.g. "\xff"). For every storable k: k >= bound <=> k >= result.
std::optional<std::string> LeastStorableAtLeast(std::string_view bound);

}  // namespace strata::meta::postgres::internal
