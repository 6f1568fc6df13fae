// Percent-encoding helpers for paths and query strings.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace strata::http {

// Decodes %XX escapes. When plus_as_space, '+' becomes ' ' (form encoding, used
// in query strings by some clients). nullopt on a malformed escape.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_as_space = false);

// RFC 3986 encoding as SigV4 and S3's encoding-type=url want it: unreserved
// characters (A-Z a-z 0-9 - _ . ~) stay, everything else becomes %XX
// (upper-case hex). When keep_slash, '/' stays too.
std::string UriEncode(std::string_view text, bool keep_slash);

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Splits "a=1&b&c=x%20y" into decoded pairs, in order; "b" gets "". nullopt on
// a malformed escape.
std::optional<QueryParams> ParseQuery(std::string_view query);

// First value of a parameter, or nullptr.
const std::string* FindParam(const QueryParams& params, std::string_view name);

}  // namespace strata::http
