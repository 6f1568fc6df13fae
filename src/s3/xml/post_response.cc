#include "s3/xml/post_response.h"

#include "s3/xml/internal/xml_builder.h"

namespace strata::s3::xml {

std::string WritePostResponse(const PostResponse& response) {
  XmlBuilder builder("PostResponse", "");
  builder.Element("Location", response.location);
  builder.Element("Bucket", response.bucket);
  builder.Element("Key", response.key);
  builder.Element("ETag", "\"" + response.etag + "\"");
  return std::move(builder).Finish();
}

}  // namespace strata::s3::xml
