// Who is making a request, once authenticated: the root credential, a user
// (through one of its access keys or a login session), or nobody.
#pragma once

#include <string>
#include <string_view>

#include "auth/policy/request.h"

namespace strata::identity {

// Strata is one account; user ARNs in policies read
// arn:aws:iam::000000000000:user/<name> (docs/policies.md).
inline constexpr std::string_view kAccountId = "000000000000";

struct Caller {
  enum class Kind { kAnonymous, kRoot, kUser };
  Kind kind = Kind::kAnonymous;
  std::string user_id;     // the user's id; "" for root and anonymous
  std::string user_name;   // the user's name; the root user's name for root
  std::string access_key;  // the key that signed the request; "" otherwise

  static Caller Anonymous() { return Caller{}; }
  bool is_root() const { return kind == Kind::kRoot; }
  bool anonymous() const { return kind == Kind::kAnonymous; }
  // The policy engine's view of the caller.
  auth::policy::Principal ToPrincipal() const;
};

}  // namespace strata::identity
