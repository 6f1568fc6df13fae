// Private to s3/: the table of S3 sub-resources and the operations Strata
// does not implement, used by ParseEndpoint and IamAction (endpoint.cc).
#pragma once

#include <string_view>

namespace strata::s3::internal {

enum class Scope { kBucket, kObject };

// One real S3 operation Strata answers with NotImplemented: `method` on a
// bucket or object with the query parameter `subresource`.
struct UnsupportedRoute {
  Scope scope;
  std::string_view method;
  std::string_view subresource;
  std::string_view operation;   // AWS's operation name, "PutBucketVersioning"
  std::string_view iam_action;  // what AWS authorizes it as
  // For the configuration families addressed by `id`: the operation when
  // there is no `id` parameter (GET lists them all). Empty otherwise.
  std::string_view operation_without_id = {};
};

// Whether a query parameter names a sub-resource, implemented or not. Every
// other parameter (prefix, versionId, partNumber, X-Amz-*, x-id, ...) is an
// argument and never changes the operation.
bool IsSubresource(std::string_view name);

// The route for `method` on `subresource`, or nullptr when S3 defines no such
// operation (the caller answers MethodNotAllowed). Points at static data.
const UnsupportedRoute* FindUnsupported(Scope scope, std::string_view method,
                                        std::string_view subresource);

// The IAM action of an unsupported operation name, or "" if unknown.
std::string_view UnsupportedIamAction(std::string_view operation);

}  // namespace strata::s3::internal
