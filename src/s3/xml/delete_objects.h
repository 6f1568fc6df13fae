// The DeleteObjects documents: the <Delete> request body and the
// <DeleteResult> response.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"

namespace strata::s3::xml {

// AWS's limit on keys in one DeleteObjects request.
inline constexpr size_t kMaxDeleteObjects = 1000;

struct ObjectIdentifier {
  std::string key;         // exactly as sent (may be "", over 1024 bytes, ...)
  std::string version_id;  // "" when absent
};

struct DeleteRequest {
  bool quiet = false;
  std::vector<ObjectIdentifier> objects;  // in request order
};

// Parses <Delete xmlns="..."><Quiet>true</Quiet><Object><Key>k</Key>
// <VersionId>v</VersionId></Object>...</Delete>. Unknown elements (ETag,
// LastModifiedTime, Size of conditional deletes) are ignored.
// Keys are not validated here: an empty, too long or non-UTF-8 key is
// reported per key in the DeleteResult by the caller, as AWS does.
// Errors: kMalformedXml for a body that is not such a document, an Object
// without exactly one Key, a Quiet other than true/false, zero objects or
// more than kMaxDeleteObjects.
common::Result<DeleteRequest> ParseDeleteRequest(std::string_view body);

struct DeletedObject {
  std::string key;
  std::string version_id;  // written when non-empty
  bool delete_marker = false;
  std::string delete_marker_version_id;  // written when non-empty
};

struct DeleteError {
  std::string key;
  std::string version_id;  // written when non-empty
  // Mapped through ToS3Error / PublicMessage (s3/errors.h), the one table.
  common::Status status;
};

struct DeleteResult {
  // In quiet mode the caller leaves this empty: only errors are reported.
  std::vector<DeletedObject> deleted;
  std::vector<DeleteError> errors;
};

// <?xml ...?>\n<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
// <Deleted><Key/>[<VersionId/>][<DeleteMarker>true</DeleteMarker>
// <DeleteMarkerVersionId/>]</Deleted>...
// <Error><Key/>[<VersionId/>]<Code/><Message/></Error>...</DeleteResult>
// Never fails; thread-safe.
std::string WriteDeleteResult(const DeleteResult& result);

}  // namespace strata::s3::xml
