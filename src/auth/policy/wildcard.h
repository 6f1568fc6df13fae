// Wildcard matching for policy elements: `*` matches any run of characters
// (including none, and including `/` and `:`), `?` matches exactly one
// character. Used for Action, Resource/NotResource, StringLike and ArnLike.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace strata::auth::policy {

// A pattern whose wildcards are marked per character, so that text coming
// from a policy variable or an escape (`${*}`) stays literal even when it
// contains `*` or `?`.
class Pattern {
 public:
  Pattern() = default;

  // Every `*` and `?` in `text` is a wildcard.
  static Pattern FromPolicyText(std::string_view text);
  // No character of `text` is a wildcard.
  static Pattern FromLiteral(std::string_view text);

  // Appends policy text (`*` and `?` are wildcards).
  void AppendPolicyText(std::string_view text);
  // Appends literal text (no wildcards).
  void AppendLiteral(std::string_view text);

  // The characters, wildcards included; what StringEquals compares.
  const std::string& text() const { return text_; }
  // REQUIRES: i < text().size().
  bool IsWildcard(size_t i) const { return wild_[i]; }
  size_t size() const { return text_.size(); }

 private:
  std::string text_;
  std::vector<bool> wild_;  // wild_[i]: text_[i] is a wildcard
};

// Whether `value` matches all of `pattern`. `?` consumes one UTF-8 code point.
// `ignore_case` folds ASCII letters only. Linear memory, O(|pattern|·|value|)
// worst-case time, no recursion.
bool WildcardMatch(const Pattern& pattern, std::string_view value, bool ignore_case = false);

// Convenience: `pattern` is policy text.
bool WildcardMatch(std::string_view pattern, std::string_view value, bool ignore_case = false);

// Action matching as AWS does it: `s3:Get*` matches `s3:GetObject`, `*`
// matches everything, and action names are case-insensitive.
bool MatchAction(std::string_view pattern, std::string_view action);

// ArnEquals/ArnLike: each of the six colon-separated ARN components
// (arn:partition:service:region:account:resource) is matched on its own, so
// a wildcard never spans a `:` between components (the resource component
// keeps any further colons). A pattern without any colon is matched against
// the whole value (so a plain `*` matches every ARN); one with fewer than six
// components matches nothing, and so does a value that is not an ARN.
// Case-sensitive.
bool MatchArn(const Pattern& pattern, std::string_view arn);

}  // namespace strata::auth::policy
