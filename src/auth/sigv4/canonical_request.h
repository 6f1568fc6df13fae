// The SigV4 canonical request, piece by piece, as S3 defines it:
//
//   <METHOD>\n<canonical URI>\n<canonical query>\n<canonical headers>\n
//   <signed headers>\n<payload hash>
//
// S3 differs from other AWS services in one place: the URI path is encoded
// once and never normalized ("/a/../b" and "//" are kept as sent).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/headers.h"
#include "http/url.h"

namespace strata::auth {

// The canonical URIs a client may have signed for raw_path (the request path
// as received, still percent-encoded), best guess first:
//   1. UriEncode(PercentDecode(raw_path)) with '/' kept: what the SDKs compute
//      from the key, whatever escapes the wire used;
//   2. raw_path itself, for clients that signed the bytes they sent.
// Duplicates are removed; an empty path is "/". A malformed escape leaves
// only the raw candidate.
std::vector<std::string> CanonicalUriCandidates(std::string_view raw_path);

// Splits a raw query string into (name, value) pairs, percent-decoded. A
// component with a malformed escape is kept verbatim rather than failing:
// authentication only needs to reproduce what the client signed, and routing
// rejects such a query on its own. A name without '=' gets "".
http::QueryParams DecodeQuery(std::string_view raw_query, bool plus_as_space);

// "a=1&b=&c=x%20y": every parameter except those named excluded_name, name and
// value UriEncode'd (slash too) from their decoded form, sorted by encoded
// name then encoded value. Each pair keeps its '=' even when the value is
// empty ("?acl" canonicalizes to "acl=").
std::string CanonicalQuery(const http::QueryParams& decoded, std::string_view excluded_name);

// The canonical queries a client may have signed for raw_query. One, unless
// the raw query holds a '+': SDKs send a literal plus as %2B, so a bare '+'
// came either from a form-encoding client that meant a space or from a client
// that signed the bytes it sent. Both readings are returned then.
std::vector<std::string> CanonicalQueryCandidates(std::string_view raw_query,
                                                  std::string_view excluded_name);

// A header value as SigV4 signs it: leading and trailing blanks removed, each
// inner run of spaces and tabs collapsed to one space.
std::string CanonicalHeaderValue(std::string_view value);

// "name:value\n" for each of signed_names (lower-case, in the order given).
// A header sent several times contributes its values joined by ','. A signed
// header the request does not carry contributes an empty value (the
// signature will then almost surely not match).
std::string CanonicalHeaders(const http::Headers& headers,
                             const std::vector<std::string>& signed_names);

// Joins the six parts with '\n'. canonical_headers already ends with '\n', so
// the result has the blank line SigV4 requires after the headers.
std::string CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                             std::string_view canonical_query, std::string_view canonical_headers,
                             std::string_view signed_headers, std::string_view payload_hash);

}  // namespace strata::auth
