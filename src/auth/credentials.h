// Who may sign requests: the root credential, and users' access keys
// (identity/identity_service.h keeps them in the metadata store).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace strata::auth {

struct Credential {
  std::string access_key;
  std::string secret_key;
  std::string user;     // the owner's user name (the root user's name for root)
  std::string user_id;  // the owner's user id; "" for the root credential
};

class CredentialStore {
 public:
  virtual ~CredentialStore() = default;
  // kInvalidAccessKeyId when the key is unknown or disabled.
  virtual common::Result<Credential> Lookup(std::string_view access_key) = 0;
};

// A store holding a fixed set of credentials.
class StaticCredentialStore : public CredentialStore {
 public:
  explicit StaticCredentialStore(std::vector<Credential> credentials)
      : credentials_(std::move(credentials)) {}
  common::Result<Credential> Lookup(std::string_view access_key) override {
    for (const auto& c : credentials_) {
      if (c.access_key == access_key) return c;
    }
    return common::Error(common::Code::kInvalidAccessKeyId,
                         "The AWS Access Key Id you provided does not exist in our records.");
  }

 private:
  std::vector<Credential> credentials_;
};

}  // namespace strata::auth
