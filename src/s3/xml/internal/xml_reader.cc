#include "s3/xml/internal/xml_reader.h"

namespace strata::s3::xml {

using common::Code;
using common::Error;

common::Status Malformed(std::string message) {
  return Error(Code::kMalformedXml, std::move(message));
}

common::Result<pugi::xml_node> ParseRoot(std::string_view body, pugi::xml_document& doc,
                                         std::string_view root_name) {
  // parse_doctype only so that a DOCTYPE becomes visible and can be refused;
  // parse_ws_pcdata keeps whitespace-only text (a key may be " ");
  // parse_fragment keeps text outside the root element, which pugixml would
  // otherwise drop silently, so the loop below can refuse it.
  constexpr unsigned kOptions =
      pugi::parse_default | pugi::parse_doctype | pugi::parse_ws_pcdata | pugi::parse_fragment;
  pugi::xml_parse_result parsed =
      doc.load_buffer(body.data(), body.size(), kOptions, pugi::encoding_utf8);
  if (!parsed) {
    return Error(Code::kMalformedXml, std::string("The XML you provided was not well-formed: ") +
                                          parsed.description() + " at offset " +
                                          std::to_string(parsed.offset));
  }
  pugi::xml_node root;
  for (pugi::xml_node node : doc.children()) {
    switch (node.type()) {
      case pugi::node_element:
        // A fragment may hold several top-level elements; XML may not.
        if (root) return Error(Code::kMalformedXml, "More than one root element");
        root = node;
        break;
      case pugi::node_doctype:
        return Error(Code::kMalformedXml, "DOCTYPE is not allowed");
      case pugi::node_pcdata:
        if (!TrimXmlSpace(node.value()).empty()) {
          return Error(Code::kMalformedXml, "Text outside the root element");
        }
        break;
      case pugi::node_cdata:
        return Error(Code::kMalformedXml, "CDATA outside the root element");
      default:  // declaration, comments, processing instructions
        break;
    }
  }
  if (!root) return Error(Code::kMalformedXml, "No root element");
  if (LocalName(root) != root_name) {
    return Error(Code::kMalformedXml, "Expected root element " + std::string(root_name) + ", got " +
                                          std::string(root.name()));
  }
  return root;
}

std::string_view LocalName(pugi::xml_node node) {
  std::string_view name = node.name();
  size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

std::optional<std::string> ElementText(pugi::xml_node element) {
  std::string text;
  for (pugi::xml_node child : element.children()) {
    switch (child.type()) {
      case pugi::node_pcdata:
      case pugi::node_cdata:
        text += child.value();
        break;
      case pugi::node_element:
        return std::nullopt;
      default:  // comments, processing instructions
        break;
    }
  }
  return text;
}

std::string_view TrimXmlSpace(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(kSpace);
  return text.substr(begin, end - begin + 1);
}

common::Status OnlyElements(pugi::xml_node node) {
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_cdata ||
        (child.type() == pugi::node_pcdata && !TrimXmlSpace(child.value()).empty())) {
      return common::Error(common::Code::kMalformedXml,
                           "Unexpected text inside " + std::string(LocalName(node)));
    }
  }
  return common::Status::Ok();
}

}  // namespace strata::s3::xml
