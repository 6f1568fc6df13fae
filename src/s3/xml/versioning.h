// The VersioningConfiguration document of PutBucketVersioning and
// GetBucketVersioning:
//   <VersioningConfiguration xmlns="..."><Status>Enabled</Status>
//   <MfaDelete>Disabled</MfaDelete></VersioningConfiguration>
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace strata::s3::xml {

struct VersioningConfiguration {
  // "Enabled" or "Suspended" (the two states a client can set).
  std::string status;
  // "Enabled", "Disabled", or "" when the document has no MfaDelete.
  std::string mfa_delete;
};

// Parses a PutBucketVersioning body. Text is compared exactly (AWS is
// case-sensitive here), surrounding XML whitespace aside.
// Errors: kMalformedXml when the body is not such a document (not XML, a
// DOCTYPE, another root, an unknown element, text between elements), when
// Status is missing, empty or neither Enabled nor Suspended, or MfaDelete is
// neither Enabled nor Disabled. Whether MFA delete is supported is the
// caller's to decide. A namespace is accepted and not checked. Thread-safe.
common::Result<VersioningConfiguration> ParseVersioningConfiguration(std::string_view body);

// The GetBucketVersioning response, S3's namespace on the root: with
// <Status> when `status` is not "" ("Enabled" or "Suspended"), and the bare
// <VersioningConfiguration xmlns="..."/> for a bucket whose versioning was
// never set, as AWS answers. Never fails; thread-safe.
std::string WriteVersioningConfiguration(std::string_view status);

}  // namespace strata::s3::xml
