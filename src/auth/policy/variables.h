// Policy variables: `${aws:username}` in Resource/NotResource and in the
// values of string and ARN conditions is replaced, at evaluation time, by the
// value of that condition key in the request context.
//
// Syntax (Version "2012-10-17" only; older or missing versions keep the text
// as written, as AWS does):
//   ${key}              the single value of `key` (case-insensitive)
//   ${key, 'default'}   ... or `default` when the key has no single value;
//                       '' inside the quotes is one quote
//   ${*} ${?} ${$}      a literal `*`, `?` or `$` (not a wildcard)
// Substituted text is literal: a `*` in a user name is not a wildcard.
// A variable whose key is absent or multi-valued, with no default, leaves
// the whole value unresolved: it matches nothing (AWS: "no value").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/policy/request.h"
#include "auth/policy/wildcard.h"
#include "common/result.h"

namespace strata::auth::policy {

struct TemplatePart {
  enum class Kind {
    kText,      // policy text; `*` and `?` are wildcards
    kLiteral,   // from an escape: no wildcards
    kVariable,  // `text` is the lowercased key
  };
  Kind kind = Kind::kText;
  std::string text;
  std::optional<std::string> default_value;  // kVariable only
};

// A policy string split into text, escapes and variables.
struct Template {
  std::string source;  // as written in the policy
  std::vector<TemplatePart> parts;

  bool HasVariables() const;
};

// Splits `text` into parts. With `substitute` false (Version 2008-10-17) the
// result is one kText part and never fails. Otherwise fails with
// kMalformedPolicy on an unterminated or empty `${...}` or a bad default;
// the message says what, the caller prefixes where.
common::Result<Template> ParseTemplate(std::string_view text, bool substitute);

// The pattern after substitution, or nullopt when a variable has no value.
std::optional<Pattern> ResolveTemplate(const Template& value, const Context& context);

}  // namespace strata::auth::policy
