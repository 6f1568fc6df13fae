#include "s3/xml/copy_object.h"

#include "common/time_format.h"
#include "s3/xml/internal/xml_builder.h"

namespace strata::s3::xml {

std::string WriteCopyObjectResult(const CopyObjectResult& result) {
  XmlBuilder builder("CopyObjectResult", kS3Namespace);
  builder.Element("LastModified", common::FormatIso8601Millis(result.last_modified_ms));
  builder.Element("ETag", "\"" + result.etag + "\"");
  return std::move(builder).Finish();
}

}  // namespace strata::s3::xml
