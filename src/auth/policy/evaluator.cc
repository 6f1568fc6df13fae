#include "auth/policy/evaluator.h"

#include "auth/policy/conditions.h"
#include "auth/policy/wildcard.h"

namespace strata::auth::policy {
namespace {

bool PrincipalMatches(const PrincipalSpec& spec, const Principal& principal) {
  if (spec.any) return true;
  // Only "*" names anonymous callers.
  if (principal.anonymous) return false;
  for (const std::string& arn : spec.arns) {
    if (arn == principal.arn) return true;
  }
  std::string_view account = principal.Account();
  if (!account.empty()) {
    for (const std::string& trusted : spec.accounts) {
      if (trusted == account) return true;
    }
  }
  return false;
}

bool ActionMatches(const Statement& statement, const std::string& action) {
  bool listed = false;
  for (const std::string& pattern : statement.actions) {
    if (MatchAction(pattern, action)) {
      listed = true;
      break;
    }
  }
  return statement.not_action ? !listed : listed;
}

bool ResourceMatches(const Statement& statement, const Request& request) {
  bool listed = false;
  for (const Template& resource : statement.resources) {
    // A resource whose variable has no value matches nothing (AWS).
    std::optional<Pattern> pattern = ResolveTemplate(resource, request.context);
    if (pattern && WildcardMatch(*pattern, request.resource)) {
      listed = true;
      break;
    }
  }
  return statement.not_resource ? !listed : listed;
}

// Scans one policy; returns true (and fills `decision`) on an explicit deny.
// Records the first allow in `allow` when it has none yet.
bool Scan(const Policy& policy, Decision::Source source, size_t policy_index,
          const Request& request, Decision* allow, Decision* deny) {
  for (size_t i = 0; i < policy.statements.size(); ++i) {
    const Statement& statement = policy.statements[i];
    // A Deny is worth checking even once an Allow is known; an Allow only
    // until the first one.
    if (statement.effect == Effect::kAllow && allow->allowed()) continue;
    if (!StatementApplies(statement, request)) continue;
    Decision* target = statement.effect == Effect::kDeny ? deny : allow;
    target->outcome = statement.effect == Effect::kDeny ? Decision::Outcome::kExplicitDeny
                                                        : Decision::Outcome::kAllow;
    target->source = source;
    target->policy_index = policy_index;
    target->statement_index = i;
    target->sid = statement.sid;
    if (statement.effect == Effect::kDeny) return true;
  }
  return false;
}

}  // namespace

std::string Decision::ToString() const {
  std::string out;
  switch (outcome) {
    case Outcome::kImplicitDeny:
      return "implicit deny";
    case Outcome::kExplicitDeny:
      out = "explicit deny: ";
      break;
    case Outcome::kAllow:
      out = "allow: ";
      break;
  }
  out += source == Source::kBucket ? "bucket policy"
                                   : "identity policy " + std::to_string(policy_index);
  out += ", statement " + std::to_string(statement_index);
  if (!sid.empty()) out += " (Sid \"" + sid + "\")";
  return out;
}

bool StatementApplies(const Statement& statement, const Request& request) {
  if (!ActionMatches(statement, request.action)) return false;
  if (!ResourceMatches(statement, request)) return false;
  if (statement.principal.has_value()) {
    bool matches = PrincipalMatches(*statement.principal, request.principal);
    if (matches == statement.not_principal) return false;
  }
  for (const Condition& condition : statement.conditions) {
    if (!EvaluateCondition(condition, request.context)) return false;
  }
  return true;
}

Decision Evaluate(const std::vector<const Policy*>& identity_policies, const Policy* bucket_policy,
                  const Request& request) {
  Decision allow;
  Decision deny;
  for (size_t i = 0; i < identity_policies.size(); ++i) {
    if (Scan(*identity_policies[i], Decision::Source::kIdentity, i, request, &allow, &deny)) {
      return deny;
    }
  }
  if (bucket_policy != nullptr &&
      Scan(*bucket_policy, Decision::Source::kBucket, 0, request, &allow, &deny)) {
    return deny;
  }
  return allow;  // kImplicitDeny unless an Allow applied
}

}  // namespace strata::auth::policy
