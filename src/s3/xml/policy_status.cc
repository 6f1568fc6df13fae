#include "s3/xml/policy_status.h"

#include "s3/xml/internal/xml_builder.h"

namespace strata::s3::xml {

std::string WritePolicyStatus(bool is_public) {
  XmlBuilder builder("PolicyStatus", kS3Namespace);
  builder.Element("IsPublic", is_public ? "true" : "false");
  return std::move(builder).Finish();
}

}  // namespace strata::s3::xml
