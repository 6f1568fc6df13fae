// CopyObjectResult, the CopyObject response document.
#pragma once

#include <cstdint>
#include <string>

namespace strata::s3::xml {

struct CopyObjectResult {
  std::string etag;  // without quotes; the writer adds them
  int64_t last_modified_ms = 0;
};

// <?xml ...?>\n<CopyObjectResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
// <LastModified>2026-11-30T22:08:55.123Z</LastModified>
// <ETag>&quot;9b2c...&quot;</ETag></CopyObjectResult>
// Never fails; thread-safe.
std::string WriteCopyObjectResult(const CopyObjectResult& result);

}  // namespace strata::s3::xml
