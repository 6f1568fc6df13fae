#include "auth/policy/conditions.h"

#include <string>
#include <utility>
#include <vector>

#include "auth/policy/internal/values.h"
#include "auth/policy/wildcard.h"

namespace strata::auth::policy {
namespace {

using Op = ConditionOperator;

struct OperatorEntry {
  std::string_view name;
  Op op;
};

constexpr OperatorEntry kOperators[] = {
    {"StringEquals", Op::kStringEquals},
    {"StringNotEquals", Op::kStringNotEquals},
    {"StringEqualsIgnoreCase", Op::kStringEqualsIgnoreCase},
    {"StringNotEqualsIgnoreCase", Op::kStringNotEqualsIgnoreCase},
    {"StringLike", Op::kStringLike},
    {"StringNotLike", Op::kStringNotLike},
    {"NumericEquals", Op::kNumericEquals},
    {"NumericNotEquals", Op::kNumericNotEquals},
    {"NumericLessThan", Op::kNumericLessThan},
    {"NumericLessThanEquals", Op::kNumericLessThanEquals},
    {"NumericGreaterThan", Op::kNumericGreaterThan},
    {"NumericGreaterThanEquals", Op::kNumericGreaterThanEquals},
    {"DateEquals", Op::kDateEquals},
    {"DateNotEquals", Op::kDateNotEquals},
    {"DateLessThan", Op::kDateLessThan},
    {"DateLessThanEquals", Op::kDateLessThanEquals},
    {"DateGreaterThan", Op::kDateGreaterThan},
    {"DateGreaterThanEquals", Op::kDateGreaterThanEquals},
    {"Bool", Op::kBool},
    {"IpAddress", Op::kIpAddress},
    {"NotIpAddress", Op::kNotIpAddress},
    {"ArnEquals", Op::kArnEquals},
    {"ArnLike", Op::kArnLike},
    {"ArnNotEquals", Op::kArnNotEquals},
    {"ArnNotLike", Op::kArnNotLike},
    {"Null", Op::kNull},
};

common::Status Bad(std::string message) {
  return common::Error(common::Code::kMalformedPolicy, std::move(message));
}

// The positive operator a negated one inverts.
Op Positive(Op op) {
  switch (op) {
    case Op::kStringNotEquals:
      return Op::kStringEquals;
    case Op::kStringNotEqualsIgnoreCase:
      return Op::kStringEqualsIgnoreCase;
    case Op::kStringNotLike:
      return Op::kStringLike;
    case Op::kNumericNotEquals:
      return Op::kNumericEquals;
    case Op::kDateNotEquals:
      return Op::kDateEquals;
    case Op::kNotIpAddress:
      return Op::kIpAddress;
    case Op::kArnNotEquals:
      return Op::kArnEquals;
    case Op::kArnNotLike:
      return Op::kArnLike;
    default:
      return op;
  }
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

template <typename T>
bool Compare(Op op, const T& context_value, const T& policy_value) {
  switch (op) {
    case Op::kNumericEquals:
    case Op::kDateEquals:
      return context_value == policy_value;
    case Op::kNumericLessThan:
    case Op::kDateLessThan:
      return context_value < policy_value;
    case Op::kNumericLessThanEquals:
    case Op::kDateLessThanEquals:
      return context_value <= policy_value;
    case Op::kNumericGreaterThan:
    case Op::kDateGreaterThan:
      return context_value > policy_value;
    case Op::kNumericGreaterThanEquals:
    case Op::kDateGreaterThanEquals:
      return context_value >= policy_value;
    default:
      return false;
  }
}

// Whether one context value matches one (resolved) policy value under a
// positive operator.
bool MatchesOne(Op op, const Pattern& policy, std::string_view value) {
  switch (op) {
    case Op::kStringEquals:
      return policy.text() == value;
    case Op::kStringEqualsIgnoreCase:
      return EqualsIgnoreCase(policy.text(), value);
    case Op::kStringLike:
      return WildcardMatch(policy, value);
    case Op::kNumericEquals:
    case Op::kNumericLessThan:
    case Op::kNumericLessThanEquals:
    case Op::kNumericGreaterThan:
    case Op::kNumericGreaterThanEquals: {
      auto a = internal::ParseNumber(value);
      auto b = internal::ParseNumber(policy.text());
      return a && b && Compare(op, *a, *b);
    }
    case Op::kDateEquals:
    case Op::kDateLessThan:
    case Op::kDateLessThanEquals:
    case Op::kDateGreaterThan:
    case Op::kDateGreaterThanEquals: {
      auto a = internal::ParseDateMillis(value);
      auto b = internal::ParseDateMillis(policy.text());
      return a && b && Compare(op, *a, *b);
    }
    case Op::kBool: {
      auto a = internal::ParseBool(value);
      auto b = internal::ParseBool(policy.text());
      return a && b && *a == *b;
    }
    case Op::kIpAddress: {
      auto network = internal::ParseCidr(policy.text());
      auto address = internal::ParseIp(value);
      return network && address && internal::NetworkContains(*network, *address);
    }
    case Op::kArnEquals:
    case Op::kArnLike:
      return MatchArn(policy, value);
    default:
      // Negated operators are decided through their positive form; Null
      // never gets here.
      return false;
  }
}

}  // namespace

std::optional<OperatorSpec> ParseOperatorName(std::string_view name) {
  OperatorSpec spec;
  constexpr std::string_view kAny = "ForAnyValue:";
  constexpr std::string_view kAll = "ForAllValues:";
  constexpr std::string_view kIfExists = "IfExists";
  if (name.substr(0, kAny.size()) == kAny) {
    spec.qualifier = SetQualifier::kForAnyValue;
    name.remove_prefix(kAny.size());
  } else if (name.substr(0, kAll.size()) == kAll) {
    spec.qualifier = SetQualifier::kForAllValues;
    name.remove_prefix(kAll.size());
  }
  if (name.size() > kIfExists.size() && name.substr(name.size() - kIfExists.size()) == kIfExists) {
    spec.if_exists = true;
    name.remove_suffix(kIfExists.size());
  }
  for (const OperatorEntry& entry : kOperators) {
    if (entry.name != name) continue;
    // Null tests existence itself: IfExists or a qualifier make no sense.
    if (entry.op == Op::kNull && (spec.if_exists || spec.qualifier != SetQualifier::kNone)) {
      return std::nullopt;
    }
    spec.op = entry.op;
    return spec;
  }
  return std::nullopt;
}

std::string_view OperatorName(ConditionOperator op) {
  for (const OperatorEntry& entry : kOperators) {
    if (entry.op == op) return entry.name;
  }
  return "Unknown";
}

bool IsNegated(ConditionOperator op) { return Positive(op) != op; }

bool TakesPolicyVariables(ConditionOperator op) {
  switch (Positive(op)) {
    case Op::kStringEquals:
    case Op::kStringEqualsIgnoreCase:
    case Op::kStringLike:
    case Op::kArnEquals:
    case Op::kArnLike:
      return true;
    default:
      return false;
  }
}

common::Status ValidateConditionValue(ConditionOperator op, std::string_view value) {
  auto quoted = [&] { return "\"" + std::string(value) + "\""; };
  switch (Positive(op)) {
    case Op::kNumericEquals:
    case Op::kNumericLessThan:
    case Op::kNumericLessThanEquals:
    case Op::kNumericGreaterThan:
    case Op::kNumericGreaterThanEquals:
      if (!internal::ParseNumber(value)) return Bad(quoted() + " is not a number");
      return common::Status::Ok();
    case Op::kDateEquals:
    case Op::kDateLessThan:
    case Op::kDateLessThanEquals:
    case Op::kDateGreaterThan:
    case Op::kDateGreaterThanEquals:
      if (!internal::ParseDateMillis(value)) {
        return Bad(quoted() + " is not an ISO 8601 date or epoch seconds");
      }
      return common::Status::Ok();
    case Op::kBool:
    case Op::kNull:
      if (!internal::ParseBool(value)) return Bad(quoted() + " is not true or false");
      return common::Status::Ok();
    case Op::kIpAddress:
      if (!internal::ParseCidr(value)) return Bad(quoted() + " is not an IP address or CIDR");
      return common::Status::Ok();
    default:
      return common::Status::Ok();
  }
}

bool EvaluateCondition(const Condition& condition, const Context& context) {
  const std::vector<std::string>* values = context.Find(condition.key);
  if (condition.op == Op::kNull) {
    bool absent = values == nullptr;
    for (const Template& policy_value : condition.values) {
      auto want_absent = internal::ParseBool(policy_value.source);
      if (want_absent && *want_absent == absent) return true;
    }
    return false;
  }
  const bool negated = IsNegated(condition.op);
  if (values == nullptr) {
    if (condition.if_exists) return true;
    switch (condition.qualifier) {
      case SetQualifier::kForAllValues:
        return true;  // vacuously: every one of no values matches
      case SetQualifier::kForAnyValue:
        return false;
      case SetQualifier::kNone:
        return negated;
    }
  }

  // Resolve policy variables once; an unresolved value matches nothing.
  std::vector<Pattern> policy;
  policy.reserve(condition.values.size());
  const bool substitute = TakesPolicyVariables(condition.op);
  for (const Template& value : condition.values) {
    if (!substitute) {
      policy.push_back(Pattern::FromPolicyText(value.source));
    } else if (auto resolved = ResolveTemplate(value, context)) {
      policy.push_back(std::move(*resolved));
    }
  }
  const Op positive = Positive(condition.op);
  // Whether one context value satisfies the operator: a positive operator
  // wants some policy value to match, a negated one wants none to.
  auto satisfies = [&](const std::string& value) {
    bool any = false;
    for (const Pattern& p : policy) {
      if (MatchesOne(positive, p, value)) {
        any = true;
        break;
      }
    }
    return negated ? !any : any;
  };

  switch (condition.qualifier) {
    case SetQualifier::kForAllValues:
      for (const std::string& value : *values) {
        if (!satisfies(value)) return false;
      }
      return true;
    case SetQualifier::kForAnyValue:
      for (const std::string& value : *values) {
        if (satisfies(value)) return true;
      }
      return false;
    case SetQualifier::kNone:
      break;
  }
  // No qualifier: a positive operator needs one matching context value; a
  // negated one needs every context value to match nothing (NOR).
  if (negated) {
    for (const std::string& value : *values) {
      if (!satisfies(value)) return false;
    }
    return true;
  }
  for (const std::string& value : *values) {
    if (satisfies(value)) return true;
  }
  return false;
}

}  // namespace strata::auth::policy
