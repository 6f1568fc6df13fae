#include "s3/post_policy.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "common/hex.h"
#include "common/time_format.h"
#include "http/headers.h"

namespace strata::s3 {
namespace {

using common::Code;
using common::Error;
using json = nlohmann::json;

// JSON text for messages; never throws on odd bytes.
std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

common::Status Invalid(std::string_view detail) {
  return Error(Code::kInvalidPolicyDocument, "Invalid Policy: " + std::string(detail));
}

common::Status Denied(std::string_view detail) {
  return Error(Code::kAccessDenied, "Invalid according to Policy: " + std::string(detail));
}

// A condition's value: strings as they are; numbers (such as
// {"success_action_status": 201}) as their decimal text.
std::optional<std::string> ValueText(const json& value) {
  if (value.is_string()) return value.get_ref<const std::string&>();
  if (value.is_number_integer()) return value.dump();
  return std::nullopt;
}

std::optional<uint64_t> LengthBound(const json& value) {
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  if (value.is_number_integer()) {
    int64_t n = value.get<int64_t>();
    if (n < 0) return std::nullopt;
    return static_cast<uint64_t>(n);
  }
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return n;
  }
  return std::nullopt;
}

std::string ConditionText(std::string_view op, std::string_view field, std::string_view value) {
  return "[\"" + std::string(op) + "\", \"$" + std::string(field) + "\", " +
         Dump(json(std::string(value))) + "]";
}

common::Status ParseArrayCondition(const json& item, PostPolicy& policy) {
  if (item.empty() || !item[0].is_string()) return Invalid("Invalid condition: " + Dump(item));
  std::string op = http::ToLower(item[0].get_ref<const std::string&>());
  PostPolicyCondition condition;
  if (op == "content-length-range") {
    if (item.size() != 3) return Invalid("Invalid content-length-range condition: " + Dump(item));
    std::optional<uint64_t> min = LengthBound(item[1]);
    std::optional<uint64_t> max = LengthBound(item[2]);
    if (!min || !max || *min > *max) {
      return Invalid("Invalid content-length-range condition: " + Dump(item));
    }
    condition.kind = PostPolicyCondition::Kind::kContentLengthRange;
    condition.min = *min;
    condition.max = *max;
    condition.text =
        "[\"content-length-range\", " + std::to_string(*min) + ", " + std::to_string(*max) + "]";
    policy.conditions.push_back(std::move(condition));
    return common::Status::Ok();
  }
  if (op != "eq" && op != "starts-with") return Invalid("Unknown condition operator: " + op);
  if (item.size() != 3 || !item[1].is_string()) {
    return Invalid("Invalid condition: " + Dump(item));
  }
  const std::string& field = item[1].get_ref<const std::string&>();
  std::optional<std::string> value = ValueText(item[2]);
  if (field.size() < 2 || field.front() != '$' || !value) {
    return Invalid("Invalid condition: " + Dump(item));
  }
  condition.kind =
      op == "eq" ? PostPolicyCondition::Kind::kEq : PostPolicyCondition::Kind::kStartsWith;
  condition.field = http::ToLower(std::string_view(field).substr(1));
  condition.value = std::move(*value);
  condition.text = ConditionText(op, condition.field, condition.value);
  policy.conditions.push_back(std::move(condition));
  return common::Status::Ok();
}

bool StartsWith(std::string_view field, std::string_view value, std::string_view prefix) {
  if (field != "content-type") return value.starts_with(prefix);
  // A Content-Type may list several types; each must match.
  size_t pos = 0;
  while (true) {
    size_t comma = value.find(',', pos);
    std::string_view item =
        value.substr(pos, comma == std::string_view::npos ? comma : comma - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (!item.starts_with(prefix)) return false;
    if (comma == std::string_view::npos) return true;
    pos = comma + 1;
  }
}

bool IsExempt(std::string_view field) {
  return field == "policy" || field == "x-amz-signature" || field == "file" ||
         field.starts_with("x-ignore-");
}

}  // namespace

common::Result<PostPolicy> ParsePostPolicy(std::string_view base64_policy) {
  std::optional<std::string> text = common::Base64Decode(base64_policy);
  if (!text) return Invalid("Invalid base64 encoding.");
  json document = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object()) return Invalid("Invalid JSON.");
  auto expiration = document.find("expiration");
  if (expiration == document.end()) return Invalid("Policy missing expiration.");
  if (!expiration->is_string()) return Invalid("Invalid 'expiration' value.");
  std::optional<int64_t> expiration_ms =
      common::ParseRfc3339Millis(expiration->get_ref<const std::string&>());
  if (!expiration_ms) {
    return Invalid("Invalid 'expiration' value: '" + expiration->get_ref<const std::string&>() +
                   "'");
  }
  auto conditions = document.find("conditions");
  if (conditions == document.end()) return Invalid("Policy missing conditions.");
  if (!conditions->is_array()) return Invalid("Policy conditions must be a list.");
  PostPolicy policy;
  policy.expiration_ms = *expiration_ms;
  for (const json& item : *conditions) {
    if (item.is_array()) {
      STRATA_RETURN_IF_ERROR(ParseArrayCondition(item, policy));
      continue;
    }
    if (!item.is_object() || item.empty()) return Invalid("Invalid condition: " + Dump(item));
    for (const auto& [name, value] : item.items()) {
      std::optional<std::string> text_value = ValueText(value);
      if (!text_value || name.empty()) return Invalid("Invalid condition: " + Dump(item));
      PostPolicyCondition condition;
      condition.kind = PostPolicyCondition::Kind::kEq;
      condition.field = http::ToLower(name);
      condition.value = std::move(*text_value);
      condition.text = ConditionText("eq", condition.field, condition.value);
      policy.conditions.push_back(std::move(condition));
    }
  }
  return policy;
}

common::Status CheckPostPolicy(const PostPolicy& policy, const PostFormFields& fields,
                               int64_t now_ms) {
  if (now_ms > policy.expiration_ms) return Denied("Policy expired.");
  for (const PostPolicyCondition& condition : policy.conditions) {
    if (condition.kind == PostPolicyCondition::Kind::kContentLengthRange) continue;
    auto found = fields.find(condition.field);
    std::string_view value = found == fields.end() ? std::string_view() : found->second;
    bool holds = condition.kind == PostPolicyCondition::Kind::kEq
                     ? value == condition.value
                     : StartsWith(condition.field, value, condition.value);
    if (!holds) return Denied("Policy Condition failed: " + condition.text);
  }
  std::string extra;
  for (const auto& [name, value] : fields) {
    if (IsExempt(name)) continue;
    bool covered = std::any_of(policy.conditions.begin(), policy.conditions.end(),
                               [&](const PostPolicyCondition& c) { return c.field == name; });
    if (covered) continue;
    if (!extra.empty()) extra += ", ";
    extra += name;
  }
  if (!extra.empty()) return Denied("Extra input fields: " + extra);
  return common::Status::Ok();
}

std::optional<LengthRange> PolicyLengthRange(const PostPolicy& policy) {
  std::optional<LengthRange> range;
  for (const PostPolicyCondition& condition : policy.conditions) {
    if (condition.kind != PostPolicyCondition::Kind::kContentLengthRange) continue;
    if (!range) {
      range = LengthRange{condition.min, condition.max};
    } else {
      range->min = std::max(range->min, condition.min);
      range->max = std::min(range->max, condition.max);
    }
  }
  return range;
}

}  // namespace strata::s3
