#include "auth/policy/parser.h"

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "auth/policy/conditions.h"

namespace strata::auth::policy {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxDepth = 32;

common::Status Malformed(const std::string& where, const std::string& what) {
  return common::Error(common::Code::kMalformedPolicy, where + ": " + what);
}

// Policy text echoed in a message: control characters become '?' (messages
// end up in XML error bodies and logs). The JSON parser has already checked
// that strings are valid UTF-8.
std::string Safe(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    out.push_back(byte < 0x20 || byte == 0x7f ? '?' : c);
  }
  return out;
}

// Quotes a value for a message, bounded so a huge value cannot bloat it (cut
// on a UTF-8 character boundary).
std::string Quote(std::string_view value) {
  constexpr size_t kMax = 80;
  size_t cut = value.size();
  if (cut > kMax) {
    cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
  }
  std::string out = "\"" + Safe(value.substr(0, cut));
  if (cut < value.size()) out += "...";
  out += "\"";
  return out;
}

// Keeps printable ASCII only: parser diagnostics may echo raw input bytes,
// and messages end up in XML error bodies and logs.
std::string Printable(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    out.push_back(byte >= 0x20 && byte < 0x7f ? c : '?');
  }
  return out;
}

// First pass over the raw text, as a SAX consumer: finds syntax errors (with
// their byte offset), duplicate keys (which nlohmann's DOM would silently
// collapse, hiding a second "Effect") and excessive nesting, each with the
// path where it happens.
class SyntaxChecker {
 public:
  using number_integer_t = json::number_integer_t;
  using number_unsigned_t = json::number_unsigned_t;
  using number_float_t = json::number_float_t;
  using string_t = json::string_t;
  using binary_t = json::binary_t;

  bool null() { return Scalar(); }
  bool boolean(bool) { return Scalar(); }
  bool number_integer(number_integer_t) { return Scalar(); }
  bool number_unsigned(number_unsigned_t) { return Scalar(); }
  bool number_float(number_float_t, const string_t&) { return Scalar(); }
  bool string(string_t&) { return Scalar(); }
  bool binary(binary_t&) { return Scalar(); }

  bool start_object(std::size_t) { return Enter(/*is_object=*/true); }
  bool key(string_t& key) {
    Frame& frame = frames_.back();
    if (!frame.keys.insert(key).second) {
      status_ = Malformed(Path(), "duplicate key " + Quote(key));
      return false;
    }
    frame.key = key;
    return true;
  }
  bool end_object() { return Leave(); }
  bool start_array(std::size_t) { return Enter(/*is_object=*/false); }
  bool end_array() { return Leave(); }

  bool parse_error(std::size_t position, const std::string&, const json::exception& error) {
    // nlohmann's what(): "[json.exception.parse_error.101] parse error at
    // line 1, column 5: syntax error while parsing ..."; keep the reason.
    std::string what = error.what();
    size_t reason = what.find(": syntax error");
    std::string detail = reason == std::string::npos ? "" : " (" + what.substr(reason + 2) + ")";
    status_ =
        Malformed("policy", "invalid JSON at byte " + std::to_string(position) + Printable(detail));
    return false;
  }

  const common::Status& status() const { return status_; }

 private:
  struct Frame {
    bool is_object = false;
    std::set<std::string> keys;  // objects: keys seen so far
    std::string key;             // objects: the current key
    size_t index = 0;            // arrays: the current element
  };

  bool Scalar() {
    Advance();
    return true;
  }
  bool Enter(bool is_object) {
    if (frames_.size() >= kMaxDepth) {
      status_ = Malformed(Path(), "nested more than " + std::to_string(kMaxDepth) + " levels deep");
      return false;
    }
    frames_.push_back(Frame{is_object, {}, {}, 0});
    return true;
  }
  bool Leave() {
    frames_.pop_back();
    Advance();
    return true;
  }
  // A value ended: the enclosing array moves to its next element.
  void Advance() {
    if (!frames_.empty() && !frames_.back().is_object) ++frames_.back().index;
  }
  // "Statement[1].Condition" for the innermost open container.
  std::string Path() const {
    std::string out;
    for (size_t i = 0; i + 1 < frames_.size(); ++i) {
      const Frame& parent = frames_[i];
      if (parent.is_object) {
        if (!out.empty()) out += ".";
        out += Safe(parent.key);
      } else {
        out += "[" + std::to_string(parent.index) + "]";
      }
    }
    return out.empty() ? "policy" : out;
  }

  std::vector<Frame> frames_;
  common::Status status_;
};

// One entry of a string-or-array element, with its own path.
struct Item {
  std::string where;
  std::string value;
};

// A string, or a non-empty array of strings. With `scalars`, numbers and
// booleans are accepted too and turned into their JSON text ("10", "true"),
// as AWS accepts them in condition values.
common::Result<std::vector<Item>> ListOf(const json& value, const std::string& where,
                                         bool scalars) {
  auto one = [&](const json& v, const std::string& at) -> common::Result<Item> {
    if (v.is_string()) return Item{at, v.get<std::string>()};
    if (scalars && v.is_boolean()) return Item{at, v.get<bool>() ? "true" : "false"};
    if (scalars && v.is_number()) return Item{at, v.dump()};
    return Malformed(at, scalars ? "expected a string, number or boolean" : "expected a string");
  };
  std::vector<Item> items;
  if (value.is_array()) {
    if (value.empty()) return Malformed(where, "must not be empty");
    for (size_t i = 0; i < value.size(); ++i) {
      STRATA_ASSIGN_OR_RETURN(Item item, one(value[i], where + "[" + std::to_string(i) + "]"));
      items.push_back(std::move(item));
    }
    return items;
  }
  if (value.is_string() || (scalars && (value.is_boolean() || value.is_number()))) {
    STRATA_ASSIGN_OR_RETURN(Item item, one(value, where));
    items.push_back(std::move(item));
    return items;
  }
  return Malformed(where, scalars ? "expected a value or an array of values"
                                  : "expected a string or an array of strings");
}

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// "*" or "<service>:<name>", where the name may hold wildcards.
bool IsValidAction(std::string_view action) {
  if (action == "*") return true;
  size_t colon = action.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == action.size()) return false;
  for (char c : action.substr(0, colon)) {
    if (!IsAlnum(c) && c != '-') return false;
  }
  for (char c : action.substr(colon + 1)) {
    if (!IsAlnum(c) && c != '*' && c != '?' && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

// "*" or an ARN: "arn:" and five colons, with something after the fifth.
bool IsValidResource(std::string_view resource) {
  if (resource == "*") return true;
  if (resource.substr(0, 4) != "arn:") return false;
  size_t colons = 0;
  size_t last = 0;
  for (size_t i = 0; i < resource.size() && colons < 5; ++i) {
    if (resource[i] == ':') {
      ++colons;
      last = i;
    }
  }
  return colons == 5 && last + 1 < resource.size();
}

// Account IDs: AWS uses 12 digits; Strata accepts any token of letters,
// digits and '-'.
bool IsValidAccount(std::string_view account) {
  if (account.empty() || account.size() > 64) return false;
  for (char c : account) {
    if (!IsAlnum(c) && c != '-') return false;
  }
  return true;
}

common::Status AddPrincipal(const Item& item, PrincipalSpec* spec) {
  const std::string& value = item.value;
  if (value == "*") {
    spec->any = true;
    return common::Status::Ok();
  }
  auto invalid = [&] {
    return Malformed(item.where, Quote(value) +
                                     " is not a principal (\"*\", an account ID, "
                                     "arn:aws:iam::<account>:root or "
                                     "arn:aws:iam::<account>:user/<name>)");
  };
  if (value.substr(0, 4) != "arn:") {
    if (!IsValidAccount(value)) return invalid();
    spec->accounts.push_back(value);
    return common::Status::Ok();
  }
  // arn:<partition>:iam::<account>:root | user/<path/name>; no wildcards.
  if (value.find_first_of("*?") != std::string::npos) return invalid();
  std::vector<std::string_view> parts;
  std::string_view rest = value;
  for (int i = 0; i < 5; ++i) {
    size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return invalid();
    parts.push_back(rest.substr(0, colon));
    rest.remove_prefix(colon + 1);
  }
  parts.push_back(rest);
  if (parts[1].empty() || parts[2] != "iam" || !parts[3].empty() || !IsValidAccount(parts[4])) {
    return invalid();
  }
  if (parts[5] == "root") {
    spec->accounts.emplace_back(parts[4]);
    return common::Status::Ok();
  }
  if (parts[5].substr(0, 5) != "user/" || parts[5].size() == 5 || parts[5].back() == '/') {
    return invalid();
  }
  spec->arns.push_back(value);
  return common::Status::Ok();
}

common::Result<PrincipalSpec> ParsePrincipal(const json& value, const std::string& where) {
  PrincipalSpec spec;
  if (value.is_string()) {
    if (value.get<std::string>() != "*") {
      return Malformed(where, "expected \"*\" or an object such as {\"AWS\": [...]}");
    }
    spec.any = true;
    return spec;
  }
  if (!value.is_object()) {
    return Malformed(where, "expected \"*\" or an object such as {\"AWS\": [...]}");
  }
  if (value.empty()) return Malformed(where, "must not be empty");
  for (const auto& [type, entries] : value.items()) {
    if (type != "AWS") {
      return Malformed(where, "unsupported principal type " + Quote(type) + " (only \"AWS\")");
    }
    STRATA_ASSIGN_OR_RETURN(std::vector<Item> items,
                            ListOf(entries, where + ".AWS", /*scalars=*/false));
    for (const Item& item : items) STRATA_RETURN_IF_ERROR(AddPrincipal(item, &spec));
  }
  return spec;
}

common::Status ParseConditions(const json& value, const std::string& where, bool substitute,
                               std::vector<Condition>* out) {
  if (!value.is_object()) return Malformed(where, "expected an object of condition operators");
  for (const auto& [name, block] : value.items()) {
    std::optional<OperatorSpec> spec = ParseOperatorName(name);
    if (!spec) return Malformed(where, "unknown operator " + Printable(name));
    const std::string op_where = where + "." + Safe(name);
    if (!block.is_object() || block.empty()) {
      return Malformed(op_where, "expected an object of condition keys");
    }
    for (const auto& [key, values] : block.items()) {
      if (key.empty()) return Malformed(op_where, "empty condition key");
      const std::string key_where = op_where + "." + Safe(key);
      STRATA_ASSIGN_OR_RETURN(std::vector<Item> items, ListOf(values, key_where, /*scalars=*/true));
      Condition condition;
      condition.operator_name = name;
      condition.op = spec->op;
      condition.qualifier = spec->qualifier;
      condition.if_exists = spec->if_exists;
      condition.key = LowerAscii(key);
      const bool variables = substitute && TakesPolicyVariables(spec->op);
      for (const Item& item : items) {
        common::Status valid = ValidateConditionValue(spec->op, item.value);
        if (!valid.ok()) return Malformed(item.where, valid.message());
        common::Result<Template> parsed = ParseTemplate(item.value, variables);
        if (!parsed.ok()) return Malformed(item.where, parsed.status().message());
        condition.values.push_back(std::move(parsed).value());
      }
      out->push_back(std::move(condition));
    }
  }
  return common::Status::Ok();
}

common::Result<Statement> ParseStatement(const json& value, const std::string& where,
                                         const Policy& policy) {
  if (!value.is_object()) return Malformed(where, "expected an object");
  Statement statement;
  bool has_effect = false;
  const json* action = nullptr;
  const json* not_action = nullptr;
  const json* resource = nullptr;
  const json* not_resource = nullptr;
  const json* principal = nullptr;
  const json* not_principal = nullptr;
  const json* condition = nullptr;
  for (const auto& [key, element] : value.items()) {
    if (key == "Sid") {
      if (!element.is_string()) return Malformed(where + ".Sid", "expected a string");
      statement.sid = element.get<std::string>();
    } else if (key == "Effect") {
      std::string effect = element.is_string() ? element.get<std::string>() : "";
      if (effect == "Allow") {
        statement.effect = Effect::kAllow;
      } else if (effect == "Deny") {
        statement.effect = Effect::kDeny;
      } else {
        return Malformed(where + ".Effect", "expected \"Allow\" or \"Deny\"");
      }
      has_effect = true;
    } else if (key == "Action") {
      action = &element;
    } else if (key == "NotAction") {
      not_action = &element;
    } else if (key == "Resource") {
      resource = &element;
    } else if (key == "NotResource") {
      not_resource = &element;
    } else if (key == "Principal") {
      principal = &element;
    } else if (key == "NotPrincipal") {
      not_principal = &element;
    } else if (key == "Condition") {
      condition = &element;
    } else {
      return Malformed(where, "unknown element " + Quote(key));
    }
  }
  if (!has_effect) return Malformed(where, "missing Effect");

  if (action != nullptr && not_action != nullptr) {
    return Malformed(where, "Action and NotAction cannot both be present");
  }
  if (action == nullptr && not_action == nullptr) {
    return Malformed(where, "missing Action or NotAction");
  }
  statement.not_action = not_action != nullptr;
  const std::string action_where = where + (statement.not_action ? ".NotAction" : ".Action");
  STRATA_ASSIGN_OR_RETURN(std::vector<Item> actions,
                          ListOf(statement.not_action ? *not_action : *action, action_where,
                                 /*scalars=*/false));
  for (Item& item : actions) {
    if (!IsValidAction(item.value)) {
      return Malformed(item.where, Quote(item.value) + " is not an action (service:name or *)");
    }
    statement.actions.push_back(std::move(item.value));
  }

  if (resource != nullptr && not_resource != nullptr) {
    return Malformed(where, "Resource and NotResource cannot both be present");
  }
  if (resource == nullptr && not_resource == nullptr) {
    return Malformed(where, "missing Resource or NotResource");
  }
  statement.not_resource = not_resource != nullptr;
  const std::string resource_where =
      where + (statement.not_resource ? ".NotResource" : ".Resource");
  STRATA_ASSIGN_OR_RETURN(std::vector<Item> resources,
                          ListOf(statement.not_resource ? *not_resource : *resource, resource_where,
                                 /*scalars=*/false));
  const bool substitute = policy.version == Version::k2012_10_17;
  for (const Item& item : resources) {
    if (!IsValidResource(item.value)) {
      return Malformed(item.where, Quote(item.value) + " is not \"*\" or an ARN");
    }
    common::Result<Template> parsed = ParseTemplate(item.value, substitute);
    if (!parsed.ok()) return Malformed(item.where, parsed.status().message());
    statement.resources.push_back(std::move(parsed).value());
  }

  if (principal != nullptr && not_principal != nullptr) {
    return Malformed(where, "Principal and NotPrincipal cannot both be present");
  }
  const json* principal_element = principal != nullptr ? principal : not_principal;
  if (policy.kind == PolicyKind::kIdentity && principal_element != nullptr) {
    return Malformed(where, std::string(principal != nullptr ? "Principal" : "NotPrincipal") +
                                " is not allowed in an identity policy");
  }
  if (policy.kind == PolicyKind::kBucket) {
    if (principal_element == nullptr) return Malformed(where, "missing Principal");
    statement.not_principal = not_principal != nullptr;
    STRATA_ASSIGN_OR_RETURN(
        statement.principal,
        ParsePrincipal(*principal_element,
                       where + (statement.not_principal ? ".NotPrincipal" : ".Principal")));
  }

  if (condition != nullptr) {
    STRATA_RETURN_IF_ERROR(
        ParseConditions(*condition, where + ".Condition", substitute, &statement.conditions));
  }
  return statement;
}

common::Result<Policy> ParseDocument(const json& document, const ParseOptions& options) {
  if (!document.is_object()) return Malformed("policy", "expected a JSON object");
  Policy policy;
  policy.kind = options.kind;
  const json* statements = nullptr;
  for (const auto& [key, value] : document.items()) {
    if (key == "Version") {
      std::string version = value.is_string() ? value.get<std::string>() : "";
      if (version == "2012-10-17") {
        policy.version = Version::k2012_10_17;
      } else if (version == "2008-10-17") {
        policy.version = Version::k2008_10_17;
      } else {
        return Malformed("Version", "expected \"2012-10-17\" or \"2008-10-17\"");
      }
    } else if (key == "Id") {
      if (!value.is_string()) return Malformed("Id", "expected a string");
      policy.id = value.get<std::string>();
    } else if (key == "Statement") {
      statements = &value;
    } else {
      return Malformed("policy", "unknown element " + Quote(key));
    }
  }
  if (statements == nullptr) return Malformed("policy", "missing Statement");

  std::set<std::string> sids;
  auto add = [&](const json& value, const std::string& where) -> common::Status {
    STRATA_ASSIGN_OR_RETURN(Statement statement, ParseStatement(value, where, policy));
    if (!statement.sid.empty() && !sids.insert(statement.sid).second) {
      return Malformed(where + ".Sid", "duplicate Sid " + Quote(statement.sid));
    }
    policy.statements.push_back(std::move(statement));
    return common::Status::Ok();
  };
  if (statements->is_object()) {
    STRATA_RETURN_IF_ERROR(add(*statements, "Statement"));
  } else if (statements->is_array()) {
    if (statements->empty()) return Malformed("Statement", "must not be empty");
    for (size_t i = 0; i < statements->size(); ++i) {
      STRATA_RETURN_IF_ERROR(add((*statements)[i], "Statement[" + std::to_string(i) + "]"));
    }
  } else {
    return Malformed("Statement", "expected an object or an array of objects");
  }
  return policy;
}

}  // namespace

common::Result<Policy> ParsePolicy(std::string_view text, const ParseOptions& options) {
  if (text.size() > options.max_bytes) {
    return Malformed("policy", "document is " + std::to_string(text.size()) +
                                   " bytes; the limit is " + std::to_string(options.max_bytes));
  }
  SyntaxChecker checker;
  if (!json::sax_parse(text.begin(), text.end(), &checker)) {
    if (!checker.status().ok()) return checker.status();
    return Malformed("policy", "invalid JSON");
  }
  // The checker accepted the text, so the no-throw parse cannot fail.
  const json document = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return Malformed("policy", "invalid JSON");
  return ParseDocument(document, options);
}

}  // namespace strata::auth::policy
