#include "s3/xml/bucket_location.h"

#include "s3/xml/internal/xml_builder.h"
#include "s3/xml/internal/xml_reader.h"

namespace strata::s3::xml {

using common::Code;
using common::Error;

common::Result<std::string> ParseCreateBucketConfiguration(std::string_view body) {
  // SDKs send no body for the default region.
  if (TrimXmlSpace(body).empty()) return std::string();
  pugi::xml_document doc;
  STRATA_ASSIGN_OR_RETURN(pugi::xml_node root, ParseRoot(body, doc, "CreateBucketConfiguration"));
  std::string location;
  bool seen = false;
  for (pugi::xml_node child : root.children()) {
    if (child.type() != pugi::node_element || LocalName(child) != "LocationConstraint") continue;
    if (seen) return Error(Code::kMalformedXml, "More than one LocationConstraint");
    seen = true;
    std::optional<std::string> text = ElementText(child);
    if (!text) return Error(Code::kMalformedXml, "LocationConstraint must hold text only");
    location = std::string(TrimXmlSpace(*text));
  }
  return location;
}

std::string WriteLocationConstraint(std::string_view region) {
  XmlBuilder builder("LocationConstraint", kS3Namespace);
  if (!region.empty() && region != "us-east-1") builder.Text(region);
  return std::move(builder).Finish();
}

}  // namespace strata::s3::xml
