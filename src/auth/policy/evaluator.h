// Decides a request against identity policies and a bucket policy, with AWS's
// evaluation logic for a single account:
//   1. An explicit Deny in any applicable statement (identity or bucket
//      policy) denies.
//   2. Otherwise an Allow in an identity policy, or in a bucket-policy
//      statement whose Principal matches, allows.
//   3. Otherwise the request is denied implicitly (the default).
// A statement applies when its Action/NotAction, Resource/NotResource,
// Principal/NotPrincipal (bucket policies) and every Condition match.
// Anonymous callers have no identity policies; only a bucket policy with
// Principal "*" can allow them.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "auth/policy/document.h"
#include "auth/policy/request.h"

namespace strata::auth::policy {

// The answer, and which statement gave it (for the audit log and for
// debugging a policy).
struct Decision {
  enum class Outcome { kImplicitDeny, kExplicitDeny, kAllow };
  enum class Source { kNone, kIdentity, kBucket };

  Outcome outcome = Outcome::kImplicitDeny;
  // Where the deciding statement is; kNone for an implicit deny.
  Source source = Source::kNone;
  size_t policy_index = 0;     // into identity_policies (kIdentity only)
  size_t statement_index = 0;  // into that policy's statements
  std::string sid;             // the statement's Sid, may be empty

  bool allowed() const { return outcome == Outcome::kAllow; }
  // "explicit deny: identity policy 1, statement 0 (Sid \"DenyDeletes\")",
  // "allow: bucket policy, statement 2", "implicit deny".
  std::string ToString() const;
};

// Evaluates `request`. The first explicit Deny found wins (identity policies
// in order, then the bucket policy); otherwise the first Allow found is
// reported.
// REQUIRES: no element of identity_policies is null. bucket_policy may be
// null (no bucket policy). The policies and request are only read during the
// call. Thread-safe.
Decision Evaluate(const std::vector<const Policy*>& identity_policies, const Policy* bucket_policy,
                  const Request& request);

// Whether one statement applies to `request` (all of its elements match),
// whatever its Effect. Exposed for tests and for policy simulation.
bool StatementApplies(const Statement& statement, const Request& request);

}  // namespace strata::auth::policy
