#include "s3/xml/list_buckets.h"

#include "common/time_format.h"
#include "s3/xml/internal/xml_builder.h"

namespace strata::s3::xml {

std::string WriteListAllMyBucketsResult(const ListAllMyBucketsResult& result) {
  XmlBuilder builder("ListAllMyBucketsResult", kS3Namespace);
  WriteOwner(builder, result.owner);
  builder.Open("Buckets");
  for (const BucketEntry& bucket : result.buckets) {
    builder.Open("Bucket");
    builder.Element("Name", bucket.name);
    builder.Element("CreationDate", common::FormatIso8601Millis(bucket.creation_date_ms));
    builder.Close();
  }
  builder.Close();
  if (!result.continuation_token.empty()) {
    builder.Element("ContinuationToken", result.continuation_token);
  }
  if (!result.prefix.empty()) builder.Element("Prefix", result.prefix);
  return std::move(builder).Finish();
}

}  // namespace strata::s3::xml
