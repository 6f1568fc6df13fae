#include "s3/xml/tagging.h"

#include <optional>

#include "s3/xml/internal/xml_builder.h"
#include "s3/xml/internal/xml_reader.h"

namespace strata::s3::xml {
namespace {

common::Result<std::pair<std::string, std::string>> ParseTag(pugi::xml_node tag) {
  STRATA_RETURN_IF_ERROR(OnlyElements(tag));
  std::optional<std::string> key;
  std::optional<std::string> value;
  for (pugi::xml_node child : tag.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = LocalName(child);
    std::optional<std::string>* slot = name == "Key" ? &key : name == "Value" ? &value : nullptr;
    if (slot == nullptr) return Malformed("Unexpected element " + std::string(name) + " in Tag");
    if (slot->has_value()) return Malformed("A Tag holds one " + std::string(name));
    std::optional<std::string> text = ElementText(child);
    if (!text) return Malformed(std::string(name) + " must hold text only");
    *slot = std::move(text);
  }
  if (!key || !value) return Malformed("Each Tag needs a Key and a Value");
  return std::pair<std::string, std::string>(std::move(*key), std::move(*value));
}

}  // namespace

common::Result<TagSet> ParseTagging(std::string_view body) {
  pugi::xml_document doc;
  STRATA_ASSIGN_OR_RETURN(pugi::xml_node root, ParseRoot(body, doc, "Tagging"));
  STRATA_RETURN_IF_ERROR(OnlyElements(root));
  std::optional<TagSet> tags;
  for (pugi::xml_node child : root.children()) {
    if (child.type() != pugi::node_element) continue;
    if (LocalName(child) != "TagSet") {
      return Malformed("Unexpected element " + std::string(LocalName(child)) + " in Tagging");
    }
    if (tags) return Malformed("Tagging holds one TagSet");
    STRATA_RETURN_IF_ERROR(OnlyElements(child));
    tags.emplace();
    for (pugi::xml_node tag : child.children()) {
      if (tag.type() != pugi::node_element) continue;
      if (LocalName(tag) != "Tag") {
        return Malformed("Unexpected element " + std::string(LocalName(tag)) + " in TagSet");
      }
      STRATA_ASSIGN_OR_RETURN(auto pair, ParseTag(tag));
      tags->push_back(std::move(pair));
    }
  }
  if (!tags) return Malformed("Tagging needs a TagSet");
  return std::move(*tags);
}

std::string WriteTagging(const TagSet& tags) {
  XmlBuilder builder("Tagging", kS3Namespace);
  builder.Open("TagSet");
  for (const auto& [key, value] : tags) {
    builder.Open("Tag");
    builder.Element("Key", key);
    builder.Element("Value", value);
    builder.Close();
  }
  builder.Close();
  return std::move(builder).Finish();
}

}  // namespace strata::s3::xml
