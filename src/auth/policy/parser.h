// Parses and validates policy JSON (the IAM JSON policy language) into a
// Policy. Strict, as AWS is: a document that parses is one the evaluator
// understands completely, so nothing in it is silently ignored.
#pragma once

#include <cstddef>
#include <string_view>

#include "auth/policy/document.h"
#include "common/result.h"

namespace strata::auth::policy {

struct ParseOptions {
  PolicyKind kind = PolicyKind::kIdentity;
  // Largest accepted document in bytes. AWS allows 20 KiB for bucket
  // policies; the same default serves identity policies.
  size_t max_bytes = 20 * 1024;
};

// Parses `text`. Fails with kMalformedPolicy and a message that says where,
// in the form "<path>: <problem>", e.g.
//   "Statement[1].Condition: unknown operator StringEqualz"
//   "Statement[0].Effect: expected \"Allow\" or \"Deny\""
//   "policy: invalid JSON at byte 17"
// The path names the element as written: "Statement" when Statement is a
// single object, "Statement[i]" when it is an array.
//
// Rejected, among others: text over max_bytes; not a JSON object; duplicate
// keys; unknown elements; an unknown Version; a missing or empty Statement;
// a statement without Effect, without Action/NotAction or with both, without
// Resource/NotResource or with both; an empty list; a non-string where a
// string belongs; a malformed action ("s3:" or "Get*"), resource (neither
// "*" nor an ARN) or principal; Principal in an identity policy or missing
// from a bucket-policy statement; an unknown condition operator; a condition
// value of the wrong type for its operator; a malformed policy variable;
// duplicate Sids.
//
// Thread-safe; does no I/O.
common::Result<Policy> ParsePolicy(std::string_view text, const ParseOptions& options = {});

}  // namespace strata::auth::policy
