// What the policy engine is asked about: who (Principal), what (action and
// resource) and the request context (condition keys). The caller fills all of
// it; the engine does no I/O and reads no clock.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace strata::auth::policy {

// The authenticated caller, or an anonymous one.
struct Principal {
  // True for unsigned requests. An anonymous principal matches only
  // `"Principal": "*"` (or {"AWS": "*"}) in bucket policies.
  bool anonymous = true;
  // The user's name ("alice"); what ${aws:username} usually resolves to, but
  // only through the context (the caller sets aws:username).
  std::string user_name;
  // arn:aws:iam::<account>:user/<name>, matched exactly against Principal
  // entries; its account part matches account principals ("<account>" and
  // arn:aws:iam::<account>:root).
  std::string arn;

  static Principal Anonymous() { return Principal{}; }
  // A Strata user: builds the ARN from `account` and `name`.
  static Principal User(std::string_view account, std::string_view name);

  // The account component of `arn`, or "" when `arn` is not an IAM ARN.
  std::string_view Account() const;
};

// Condition keys and their values. Keys are case-insensitive (stored
// lowercased), values are case-sensitive strings. A key holds a list because
// some keys are multi-valued (set qualifiers ForAnyValue/ForAllValues work on
// lists); a key set with no values counts as absent.
//
// Keys Strata fills (see docs/policies.md): aws:SourceIp, aws:SecureTransport,
// aws:username, aws:userid, aws:CurrentTime, aws:EpochTime, aws:Referer,
// aws:UserAgent, s3:prefix, s3:delimiter, s3:max-keys,
// s3:ExistingObjectTag/<tag-key>. Any other key works the same way.
//
// Not thread-safe for writes; concurrent reads of a const Context are fine.
class Context {
 public:
  // Replaces the values of `key` with one value.
  void Set(std::string_view key, std::string value);
  // Replaces the values of `key` with `values` (empty: the key is absent).
  void SetValues(std::string_view key, std::vector<std::string> values);
  // Appends one value to `key`.
  void Add(std::string_view key, std::string value);
  void Erase(std::string_view key);

  // The values of `key`, or nullptr when it is absent or has no values. The
  // pointer is valid until the next non-const call.
  const std::vector<std::string>* Find(std::string_view key) const;

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
};

// One authorization question.
struct Request {
  // "s3:GetObject"; compared case-insensitively.
  std::string action;
  // "arn:aws:s3:::bucket/key", "arn:aws:s3:::bucket". Service-level S3
  // actions (s3:ListAllMyBuckets) use "arn:aws:s3:::*", which both Resource
  // "*" and "arn:aws:s3:::*" match; admin API actions use "*".
  std::string resource;
  Principal principal;
  Context context;
};

// ASCII-lowercases `text` (condition keys and variable names).
std::string LowerAscii(std::string_view text);

}  // namespace strata::auth::policy
