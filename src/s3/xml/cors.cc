#include "s3/xml/cors.h"

#include <charconv>
#include <optional>

#include "s3/xml/internal/xml_builder.h"
#include "s3/xml/internal/xml_reader.h"

namespace strata::s3::xml {
namespace {

common::Result<int64_t> ParseMaxAge(std::string_view text) {
  text = TrimXmlSpace(text);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || text.size() > 18 || ec != std::errc() || end != text.data() + text.size()) {
    return Malformed("MaxAgeSeconds must be an integer");
  }
  return value;
}

common::Result<CorsRule> ParseRule(pugi::xml_node node) {
  STRATA_RETURN_IF_ERROR(OnlyElements(node));
  CorsRule rule;
  bool has_id = false;
  for (pugi::xml_node child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    const std::string_view name = LocalName(child);
    std::optional<std::string> text = ElementText(child);
    if (!text) return Malformed(std::string(name) + " must hold text only");
    if (name == "AllowedOrigin") {
      rule.allowed_origins.push_back(std::move(*text));
    } else if (name == "AllowedMethod") {
      rule.allowed_methods.push_back(std::move(*text));
    } else if (name == "AllowedHeader") {
      rule.allowed_headers.push_back(std::move(*text));
    } else if (name == "ExposeHeader") {
      rule.expose_headers.push_back(std::move(*text));
    } else if (name == "ID") {
      if (has_id) return Malformed("A CORSRule holds one ID");
      has_id = true;
      rule.id = std::move(*text);
    } else if (name == "MaxAgeSeconds") {
      if (rule.max_age_seconds) return Malformed("A CORSRule holds one MaxAgeSeconds");
      STRATA_ASSIGN_OR_RETURN(rule.max_age_seconds, ParseMaxAge(*text));
    } else {
      return Malformed("Unexpected element " + std::string(name) + " in CORSRule");
    }
  }
  return rule;
}

}  // namespace

common::Result<CorsConfiguration> ParseCorsConfiguration(std::string_view body) {
  pugi::xml_document doc;
  STRATA_ASSIGN_OR_RETURN(pugi::xml_node root, ParseRoot(body, doc, "CORSConfiguration"));
  STRATA_RETURN_IF_ERROR(OnlyElements(root));
  CorsConfiguration config;
  for (pugi::xml_node child : root.children()) {
    if (child.type() != pugi::node_element) continue;
    if (LocalName(child) != "CORSRule") {
      return Malformed("Unexpected element " + std::string(LocalName(child)) +
                       " in CORSConfiguration");
    }
    // Checked before growing, so a huge body cannot make a huge vector.
    if (config.rules.size() == kMaxCorsRules) {
      return Malformed("A CORSConfiguration holds at most 100 CORSRules");
    }
    STRATA_ASSIGN_OR_RETURN(CorsRule rule, ParseRule(child));
    config.rules.push_back(std::move(rule));
  }
  STRATA_RETURN_IF_ERROR(CheckCorsConfiguration(config));
  return config;
}

std::string WriteCorsConfiguration(const CorsConfiguration& config) {
  XmlBuilder builder("CORSConfiguration", kS3Namespace);
  for (const CorsRule& rule : config.rules) {
    builder.Open("CORSRule");
    for (const std::string& header : rule.allowed_headers) builder.Element("AllowedHeader", header);
    for (const std::string& method : rule.allowed_methods) builder.Element("AllowedMethod", method);
    for (const std::string& origin : rule.allowed_origins) builder.Element("AllowedOrigin", origin);
    for (const std::string& header : rule.expose_headers) builder.Element("ExposeHeader", header);
    if (!rule.id.empty()) builder.Element("ID", rule.id);
    if (rule.max_age_seconds) {
      builder.Element("MaxAgeSeconds", std::to_string(*rule.max_age_seconds));
    }
    builder.Close();
  }
  return std::move(builder).Finish();
}

}  // namespace strata::s3::xml
