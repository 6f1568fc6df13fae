// PostResponse, the answer to a browser-based POST upload with
// success_action_status 201.
#pragma once

#include <string>

namespace strata::s3::xml {

struct PostResponse {
  std::string location;  // URL of the new object
  std::string bucket;
  std::string key;
  std::string etag;  // without quotes; the writer adds them
};

// <?xml ...?>\n<PostResponse><Location>..</Location><Bucket>..</Bucket>
// <Key>..</Key><ETag>&quot;..&quot;</ETag></PostResponse>, without a
// namespace, as AWS sends it. Never fails; thread-safe.
std::string WritePostResponse(const PostResponse& response);

}  // namespace strata::s3::xml
