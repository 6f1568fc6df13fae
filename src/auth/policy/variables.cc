#include "auth/policy/variables.h"

#include <utility>

namespace strata::auth::policy {
namespace {

common::Status Bad(std::string message) {
  return common::Error(common::Code::kMalformedPolicy, std::move(message));
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// Characters that end a variable name.
bool EndsName(char c) { return IsSpace(c) || c == ',' || c == '}' || c == '{' || c == '$'; }

}  // namespace

bool Template::HasVariables() const {
  for (const TemplatePart& part : parts) {
    if (part.kind == TemplatePart::Kind::kVariable) return true;
  }
  return false;
}

common::Result<Template> ParseTemplate(std::string_view text, bool substitute) {
  Template out;
  out.source = std::string(text);
  if (!substitute) {
    out.parts.push_back({TemplatePart::Kind::kText, std::string(text), std::nullopt});
    return out;
  }
  std::string pending;  // kText accumulated since the last variable
  auto flush = [&] {
    if (!pending.empty()) out.parts.push_back({TemplatePart::Kind::kText, pending, std::nullopt});
    pending.clear();
  };
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '$' || i + 1 >= text.size() || text[i + 1] != '{') {
      pending.push_back(text[i++]);
      continue;
    }
    size_t start = i;
    i += 2;
    while (i < text.size() && IsSpace(text[i])) ++i;
    // The escapes: ${*}, ${?}, ${$}.
    if (i + 1 < text.size() && (text[i] == '*' || text[i] == '?' || text[i] == '$') &&
        text[i + 1] == '}') {
      flush();
      out.parts.push_back({TemplatePart::Kind::kLiteral, std::string(1, text[i]), std::nullopt});
      i += 2;
      continue;
    }
    size_t name_begin = i;
    while (i < text.size() && !EndsName(text[i])) ++i;
    std::string name(text.substr(name_begin, i - name_begin));
    while (i < text.size() && IsSpace(text[i])) ++i;
    if (i >= text.size()) {
      return Bad("unterminated policy variable at offset " + std::to_string(start));
    }
    if (name.empty()) return Bad("empty policy variable at offset " + std::to_string(start));
    std::optional<std::string> default_value;
    if (text[i] == ',') {
      ++i;
      while (i < text.size() && IsSpace(text[i])) ++i;
      if (i >= text.size() || text[i] != '\'') {
        return Bad("policy variable default must be quoted ('...') at offset " +
                   std::to_string(start));
      }
      ++i;
      std::string value;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == '\'') {
          if (i + 1 < text.size() && text[i + 1] == '\'') {
            value.push_back('\'');
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        value.push_back(text[i++]);
      }
      if (!closed) {
        return Bad("unterminated policy variable default at offset " + std::to_string(start));
      }
      while (i < text.size() && IsSpace(text[i])) ++i;
      default_value = std::move(value);
    }
    if (i >= text.size() || text[i] != '}') {
      return Bad("unterminated policy variable at offset " + std::to_string(start));
    }
    ++i;
    flush();
    out.parts.push_back(
        {TemplatePart::Kind::kVariable, LowerAscii(name), std::move(default_value)});
  }
  flush();
  return out;
}

std::optional<Pattern> ResolveTemplate(const Template& value, const Context& context) {
  Pattern pattern;
  for (const TemplatePart& part : value.parts) {
    switch (part.kind) {
      case TemplatePart::Kind::kText:
        pattern.AppendPolicyText(part.text);
        break;
      case TemplatePart::Kind::kLiteral:
        pattern.AppendLiteral(part.text);
        break;
      case TemplatePart::Kind::kVariable: {
        // Only a single-valued key substitutes; AWS treats a multi-valued
        // key like a missing one.
        const std::vector<std::string>* values = context.Find(part.text);
        if (values != nullptr && values->size() == 1) {
          pattern.AppendLiteral(values->front());
        } else if (part.default_value.has_value()) {
          pattern.AppendLiteral(*part.default_value);
        } else {
          return std::nullopt;
        }
        break;
      }
    }
  }
  return pattern;
}

}  // namespace strata::auth::policy
