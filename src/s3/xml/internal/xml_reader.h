// Private to s3/xml: the safe way to parse a request body with pugixml.
//
// pugixml never throws, never fetches external entities and never expands
// entities declared in a DTD, so XXE and "billion laughs" cannot happen; we
// still reject any DOCTYPE, since no S3 request carries one.
#pragma once

#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "common/result.h"

namespace strata::s3::xml {

// Parses `body` into `doc` and returns its root element.
// Errors: kMalformedXml when the body is not well-formed XML (including
// empty, truncated or non-XML input), has a DOCTYPE, or its root element's
// local name is not `root_name` (a namespace prefix and xmlns attribute are
// accepted and not checked). Whitespace-only text is kept, so keys made of
// spaces survive.
// The returned node lives as long as `doc`.
common::Result<pugi::xml_node> ParseRoot(std::string_view body, pugi::xml_document& doc,
                                         std::string_view root_name);

// kMalformedXml with `message`: how every request-body reader reports a
// document it cannot accept.
common::Status Malformed(std::string message);

// The element name without a namespace prefix ("s3:Key" -> "Key").
std::string_view LocalName(pugi::xml_node node);

// All character data (text and CDATA) directly inside `element`, exactly as
// written after entity decoding. nullopt when the element holds child
// elements, which no S3 text field may.
std::optional<std::string> ElementText(pugi::xml_node element);

// `text` without leading and trailing XML whitespace (space, tab, CR, LF).
std::string_view TrimXmlSpace(std::string_view text);

// OK when `node` holds only elements (and whitespace, comments); otherwise
// kMalformedXml "Unexpected text inside <name>".
common::Status OnlyElements(pugi::xml_node node);

}  // namespace strata::s3::xml
