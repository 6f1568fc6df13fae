// Private to s3/xml: a small streaming XML writer for S3 response documents.
//
// Why not pugixml's writer: pugixml leaves '"' unescaped in text, while AWS
// sends ETags as &quot;...&quot;, and it writes control characters as "&#01;".
// Responses are flat and built once, so appending to a string is all we need;
// pugixml stays the parser (see xml_reader.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "s3/xml/owner.h"

namespace strata::s3::xml {

// The namespace AWS puts on every S3 response root except <Error>.
inline constexpr std::string_view kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

// Appends `text` escaped for element content: & < > " become entities, and
// '\r' and other control characters become numeric references ("&#13;") so
// a parser gives back the exact bytes. Tab and newline stay as they are.
void AppendEscaped(std::string& out, std::string_view text);

// Builds `<?xml version="1.0" encoding="UTF-8"?>\n<Root xmlns="...">...`,
// the exact shape AWS sends (a newline after the declaration, nothing
// between elements).
// Element names are stored as views: pass string literals.
// Not thread-safe; one builder per response.
class XmlBuilder {
 public:
  // Opens the root element; no xmlns attribute when `xmlns` is empty.
  XmlBuilder(std::string_view root, std::string_view xmlns);

  // <name> ... until the matching Close().
  void Open(std::string_view name);
  // Closes the innermost open element.
  // REQUIRES: an element opened with Open() is still open.
  void Close();
  // <name>escaped text</name>; an empty text gives <name></name>, as AWS
  // writes an empty Prefix.
  void Element(std::string_view name, std::string_view text);
  // Escaped character data inside the innermost open element (or the root),
  // as in <LocationConstraint xmlns="...">eu-west-1</LocationConstraint>.
  void Text(std::string_view text);

  // Closes every open element, the root last, and returns the document.
  // An element-less root comes out as <Root xmlns="..."/>.
  std::string Finish() &&;

 private:
  std::string out_;
  std::vector<std::string_view> open_;  // open_[0] is the root
  bool root_empty_ = true;              // nothing written inside the root yet

  void EndRootStartTag();
};

// <Owner><ID>..</ID><DisplayName>..</DisplayName></Owner>, shared by the
// listing documents. `element` names the container instead of "Owner"
// (multipart listings write the same shape as <Initiator>); pass a literal.
void WriteOwner(XmlBuilder& builder, const Owner& owner, std::string_view element = "Owner");

}  // namespace strata::s3::xml
