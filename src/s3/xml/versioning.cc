#include "s3/xml/versioning.h"

#include <optional>

#include "s3/xml/internal/xml_builder.h"
#include "s3/xml/internal/xml_reader.h"

namespace strata::s3::xml {

common::Result<VersioningConfiguration> ParseVersioningConfiguration(std::string_view body) {
  pugi::xml_document doc;
  STRATA_ASSIGN_OR_RETURN(pugi::xml_node root, ParseRoot(body, doc, "VersioningConfiguration"));
  STRATA_RETURN_IF_ERROR(OnlyElements(root));
  std::optional<std::string> status;
  std::optional<std::string> mfa_delete;
  for (pugi::xml_node child : root.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = LocalName(child);
    std::optional<std::string>* slot = name == "Status"      ? &status
                                       : name == "MfaDelete" ? &mfa_delete
                                                             : nullptr;
    if (slot == nullptr) {
      return Malformed("Unexpected element " + std::string(name) + " in VersioningConfiguration");
    }
    if (slot->has_value())
      return Malformed("VersioningConfiguration holds one " + std::string(name));
    std::optional<std::string> text = ElementText(child);
    if (!text) return Malformed(std::string(name) + " must hold text only");
    *slot = std::string(TrimXmlSpace(*text));
  }
  if (!status || (*status != "Enabled" && *status != "Suspended")) {
    return Malformed("Status must be Enabled or Suspended");
  }
  if (mfa_delete && *mfa_delete != "Enabled" && *mfa_delete != "Disabled") {
    return Malformed("MfaDelete must be Enabled or Disabled");
  }
  return VersioningConfiguration{std::move(*status), mfa_delete.value_or("")};
}

std::string WriteVersioningConfiguration(std::string_view status) {
  XmlBuilder builder("VersioningConfiguration", kS3Namespace);
  if (!status.empty()) builder.Element("Status", status);
  return std::move(builder).Finish();
}

}  // namespace strata::s3::xml
