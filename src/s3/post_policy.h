// The policy of a browser-based POST upload (AWS "POST Policy"): a base64
// JSON document with an expiration and a list of conditions that the form's
// fields must meet. Parsing and checking are pure functions over the form, so
// the rules are tested without a server; the handler
// (s3/handlers/post_object_handler.cc) reads the form and the file.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace strata::s3 {

struct PostPolicyCondition {
  enum class Kind { kEq, kStartsWith, kContentLengthRange };
  Kind kind = Kind::kEq;
  std::string field;  // lower-case, without '$': "key", "content-type"
  std::string value;  // kEq, kStartsWith
  uint64_t min = 0;   // kContentLengthRange
  uint64_t max = 0;   // kContentLengthRange
  std::string text;   // as AWS quotes it in errors: ["eq", "$key", "a"]
};

struct PostPolicy {
  int64_t expiration_ms = 0;
  std::vector<PostPolicyCondition> conditions;
};

// Decodes and parses the policy field. The top-level names "expiration" and
// "conditions" are case-sensitive; operators ("eq", "starts-with",
// "content-length-range") and field names are not. Conditions are
// {"field": "value"} (exact match; several names in one object are several
// conditions), ["eq", "$field", "value"], ["starts-with", "$field", "prefix"]
// and ["content-length-range", min, max] (integers, or strings of digits).
// kInvalidPolicyDocument for bad base64, JSON that is not such a document,
// an expiration that is not an ISO 8601 UTC time, or a malformed condition.
// Thread-safe.
common::Result<PostPolicy> ParsePostPolicy(std::string_view base64_policy);

// Form fields as the policy sees them: lower-case names, values as sent.
// The handler adds "bucket" (from the URL) and gives "key" after ${filename}
// substitution.
using PostFormFields = std::map<std::string, std::string, std::less<>>;

// Checks, in this order, that the policy has not expired at now_ms, that every
// eq / starts-with condition holds (a field the form lacks counts as ""; a
// starts-with on content-type holds when each comma-separated type does), and
// that every field is named by some condition, except policy,
// x-amz-signature, file and x-ignore-*. Returns kAccessDenied with AWS's
// wording: "Invalid according to Policy: Policy expired." / "...: Policy
// Condition failed: [...]" / "...: Extra input fields: a, b".
// content-length-range is not checked here: see LengthRange.
common::Status CheckPostPolicy(const PostPolicy& policy, const PostFormFields& fields,
                               int64_t now_ms);

// The bounds every content-length-range condition allows together (the
// tightest of them), or nullopt when there is none.
struct LengthRange {
  uint64_t min = 0;
  uint64_t max = 0;
};
std::optional<LengthRange> PolicyLengthRange(const PostPolicy& policy);

}  // namespace strata::s3
