// The parsed form of an AWS-style policy document (the IAM JSON policy
// language): what parser.h produces and evaluator.h consumes. Plain values:
// copyable, immutable after parsing, safe to share between threads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/policy/variables.h"

namespace strata::auth::policy {

// "Version". A document without one is 2008-10-17, where policy variables
// are plain text.
enum class Version { k2008_10_17, k2012_10_17 };

// Identity policies (attached to users, groups, roles) have no Principal;
// bucket policies must have Principal or NotPrincipal in every statement.
enum class PolicyKind { kIdentity, kBucket };

enum class Effect { kAllow, kDeny };

// The condition operators, without qualifier and IfExists.
enum class ConditionOperator {
  kStringEquals,
  kStringNotEquals,
  kStringEqualsIgnoreCase,
  kStringNotEqualsIgnoreCase,
  kStringLike,
  kStringNotLike,
  kNumericEquals,
  kNumericNotEquals,
  kNumericLessThan,
  kNumericLessThanEquals,
  kNumericGreaterThan,
  kNumericGreaterThanEquals,
  kDateEquals,
  kDateNotEquals,
  kDateLessThan,
  kDateLessThanEquals,
  kDateGreaterThan,
  kDateGreaterThanEquals,
  kBool,
  kIpAddress,
  kNotIpAddress,
  kArnEquals,
  kArnLike,
  kArnNotEquals,
  kArnNotLike,
  kNull,
};

// "ForAnyValue:" / "ForAllValues:" in front of an operator.
enum class SetQualifier { kNone, kForAnyValue, kForAllValues };

// One key of one operator: {"StringLike": {"s3:prefix": ["a/*", "b/*"]}} is
// one Condition with two values. A statement's conditions all AND together.
struct Condition {
  std::string operator_name;  // as written ("ForAnyValue:StringLikeIfExists")
  ConditionOperator op = ConditionOperator::kStringEquals;
  SetQualifier qualifier = SetQualifier::kNone;
  bool if_exists = false;
  std::string key;               // lowercased ("s3:prefix")
  std::vector<Template> values;  // never empty; ORed (NORed for negated operators)
};

// Principal or NotPrincipal of a bucket-policy statement.
struct PrincipalSpec {
  bool any = false;                   // "*" or {"AWS": "*"}
  std::vector<std::string> accounts;  // "<account>" or arn:aws:iam::<account>:root
  std::vector<std::string> arns;      // user ARNs, matched exactly
};

struct Statement {
  std::string sid;  // may be empty
  Effect effect = Effect::kDeny;
  bool not_action = false;           // `actions` came from NotAction
  std::vector<std::string> actions;  // as written; matched case-insensitively
  bool not_resource = false;         // `resources` came from NotResource
  std::vector<Template> resources;
  // Set only in bucket policies. `not_principal`: it came from NotPrincipal.
  std::optional<PrincipalSpec> principal;
  bool not_principal = false;
  std::vector<Condition> conditions;
};

struct Policy {
  Version version = Version::k2008_10_17;
  PolicyKind kind = PolicyKind::kIdentity;
  std::string id;  // "Id", may be empty
  std::vector<Statement> statements;
};

}  // namespace strata::auth::policy
