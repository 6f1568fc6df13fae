// The root credential: from STRATA_ROOT_USER / STRATA_ROOT_PASSWORD, or
// generated on first start, stored beside the metadata (mode 0600) and printed
// once. Later starts reuse the stored pair and print nothing secret.
#pragma once

#include <filesystem>

#include "auth/credentials.h"
#include "common/random.h"
#include "common/result.h"

namespace strata::app {

struct RootCredentialSource {
  std::string env_user;      // "" when unset
  std::string env_password;  // "" when unset
};

struct LoadedRootCredential {
  auth::Credential credential;
  bool generated = false;  // true on the one start that must print it
};

common::Result<LoadedRootCredential> LoadRootCredential(const RootCredentialSource& source,
                                                        const std::filesystem::path& file,
                                                        common::Random& random);

}  // namespace strata::app
