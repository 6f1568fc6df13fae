#include "s3/xml/internal/xml_builder.h"

#include <cassert>

namespace strata::s3::xml {

void AppendEscaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\t':
      case '\n':
        out.push_back(c);
        break;
      default: {
        auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
          // A raw '\r' would be normalized away by any conforming parser, and
          // other C0 controls are not allowed raw in XML 1.0: write numeric
          // references as AWS does. Clients that need exact control characters
          // should ask for encoding-type=url.
          out += "&#x";
          if (byte >= 0x10) out.push_back(kHex[byte >> 4]);
          out.push_back(kHex[byte & 0xf]);
          out.push_back(';');
        } else {
          out.push_back(c);
        }
      }
    }
  }
}

XmlBuilder::XmlBuilder(std::string_view root, std::string_view xmlns) {
  out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<";
  out_ += root;
  if (!xmlns.empty()) {
    out_ += " xmlns=\"";
    AppendEscaped(out_, xmlns);
    out_ += '"';
  }
  open_.push_back(root);
}

void XmlBuilder::Open(std::string_view name) {
  EndRootStartTag();
  out_ += '<';
  out_ += name;
  out_ += '>';
  open_.push_back(name);
}

void XmlBuilder::Close() {
  assert(open_.size() > 1 && "Close() without a matching Open()");
  if (open_.size() <= 1) return;
  out_ += "</";
  out_ += open_.back();
  out_ += '>';
  open_.pop_back();
}

void XmlBuilder::Element(std::string_view name, std::string_view text) {
  EndRootStartTag();
  out_ += '<';
  out_ += name;
  out_ += '>';
  AppendEscaped(out_, text);
  out_ += "</";
  out_ += name;
  out_ += '>';
}

void XmlBuilder::Text(std::string_view text) {
  EndRootStartTag();
  AppendEscaped(out_, text);
}

void XmlBuilder::EndRootStartTag() {
  if (root_empty_) {
    out_ += '>';
    root_empty_ = false;
  }
}

std::string XmlBuilder::Finish() && {
  while (open_.size() > 1) Close();
  if (root_empty_) {
    out_ += "/>";
  } else {
    out_ += "</";
    out_ += open_.front();
    out_ += '>';
  }
  open_.clear();
  return std::move(out_);
}

void WriteOwner(XmlBuilder& builder, const Owner& owner, std::string_view element) {
  builder.Open(element);
  builder.Element("ID", owner.id);
  builder.Element("DisplayName", owner.display_name);
  builder.Close();
}

}  // namespace strata::s3::xml
