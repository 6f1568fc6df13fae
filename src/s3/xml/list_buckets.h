// ListAllMyBucketsResult, the ListBuckets response document.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "s3/xml/owner.h"

namespace strata::s3::xml {

struct BucketEntry {
  std::string name;
  int64_t creation_date_ms = 0;  // Unix milliseconds
};

struct ListAllMyBucketsResult {
  Owner owner;
  std::vector<BucketEntry> buckets;  // written in this order
  // Paginated ListBuckets (max-buckets): written only when non-empty.
  std::string continuation_token;
  std::string prefix;
};

// <?xml ...?>\n<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
// <Owner><ID/><DisplayName/></Owner><Buckets><Bucket><Name/><CreationDate/>
// </Bucket>...</Buckets>[<ContinuationToken/>][<Prefix/>]</ListAllMyBucketsResult>
// CreationDate is "2026-11-30T22:08:55.123Z". Never fails; thread-safe.
std::string WriteListAllMyBucketsResult(const ListAllMyBucketsResult& result);

}  // namespace strata::s3::xml
