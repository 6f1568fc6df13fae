// Condition operators: their names, which values they accept, and how one
// Condition is decided against a request context (AWS semantics).
//
// Per condition (one operator, one key, one or more policy values):
// - The key absent from the context (or with no values): ...IfExists and
//   ForAllValues: are true, ForAnyValue: is false, a negated operator
//   (StringNotEquals, NotIpAddress, ...) is true, any other is false.
// - Null: "true" holds when the key is absent, "false" when it is present.
// - Positive operators: true when some context value matches some policy
//   value (policy values OR together).
// - Negated operators: true when no context value matches any policy value
//   (policy values NOR together); with ForAnyValue: when some context value
//   matches none of them; with ForAllValues: when every context value
//   matches none of them.
// - ForAllValues: (positive): every context value matches some policy value.
// - A context value that does not parse as the operator's type (a number, a
//   date, an IP) matches no policy value, so negated operators hold for it.
// - A policy value whose variable has no value matches nothing.
#pragma once

#include <optional>
#include <string_view>

#include "auth/policy/document.h"
#include "auth/policy/request.h"
#include "common/status.h"

namespace strata::auth::policy {

struct OperatorSpec {
  ConditionOperator op = ConditionOperator::kStringEquals;
  SetQualifier qualifier = SetQualifier::kNone;
  bool if_exists = false;
};

// Parses an operator name as written in a policy ("StringLike",
// "ForAllValues:StringEqualsIgnoreCaseIfExists"). Names are case-sensitive,
// as in AWS. nullopt for unknown names and for Null with IfExists or a
// qualifier.
std::optional<OperatorSpec> ParseOperatorName(std::string_view name);

// The canonical name of an operator ("NumericLessThan").
std::string_view OperatorName(ConditionOperator op);

// Whether the operator is a negated one (StringNotEquals, NotIpAddress, ...).
bool IsNegated(ConditionOperator op);

// Whether the operator's values may hold policy variables (String* and
// Arn*; AWS allows them nowhere else).
bool TakesPolicyVariables(ConditionOperator op);

// Checks one policy value for the operator: Numeric* need a number, Date* a
// date, Bool and Null "true"/"false", IpAddress/NotIpAddress a CIDR. OK for
// string and ARN operators. kMalformedPolicy says what is wrong (the caller
// adds where).
common::Status ValidateConditionValue(ConditionOperator op, std::string_view value);

// Decides one condition. Thread-safe; no allocation beyond resolving
// variables.
bool EvaluateCondition(const Condition& condition, const Context& context);

}  // namespace strata::auth::policy
