#include "admin/identity_wire.h"

#include <initializer_list>
#include <utility>
#include <vector>

namespace strata::admin {
namespace {

using common::Code;
using common::Error;
using nlohmann::json;

enum class Type { kString, kStringArray };

struct Field {
  std::string_view name;
  Type type;
  bool required;
};

// Field names echoed in messages are cut short: a 64 KiB key is not worth
// sending back.
std::string Quoted(std::string_view name) {
  constexpr size_t kMaxShown = 64;
  if (name.size() > kMaxShown) return "\"" + std::string(name.substr(0, kMaxShown)) + "...\"";
  return "\"" + std::string(name) + "\"";
}

bool HasType(const json& value, Type type) {
  if (type == Type::kString) return value.is_string();
  if (!value.is_array()) return false;
  for (const json& item : value) {
    if (!item.is_string()) return false;
  }
  return true;
}

// The body as a JSON object whose members are all among `fields`, each of
// its declared type, with every required one present.
common::Result<json> ParseObject(std::string_view body, std::initializer_list<Field> fields) {
  if (body.size() > kMaxBodyBytes) {
    return Error(Code::kInvalidArgument, "the request body is larger than 64 KiB");
  }
  // The no-throw form: a parse failure is a discarded value, not an exception.
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Error(Code::kMalformedXml, "the request body is not valid JSON");
  if (!doc.is_object()) {
    return Error(Code::kMalformedXml, "the request body must be a JSON object");
  }
  for (const auto& [key, value] : doc.items()) {
    const Field* field = nullptr;
    for (const Field& f : fields) {
      if (f.name == key) field = &f;
    }
    if (field == nullptr) return Error(Code::kInvalidArgument, "unknown field " + Quoted(key));
    if (!HasType(value, field->type)) {
      return Error(Code::kInvalidArgument,
                   Quoted(key) + (field->type == Type::kString ? " must be a string"
                                                               : " must be an array of strings"));
    }
  }
  for (const Field& f : fields) {
    if (f.required && !doc.contains(f.name)) {
      return Error(Code::kInvalidArgument, Quoted(f.name) + " is required");
    }
  }
  return doc;
}

std::string StringField(const json& doc, std::string_view name) {
  auto it = doc.find(name);
  return it == doc.end() ? std::string() : it->get<std::string>();
}

std::vector<std::string> StringArrayField(const json& doc, std::string_view name) {
  std::vector<std::string> out;
  auto it = doc.find(name);
  if (it == doc.end()) return out;
  for (const json& item : *it) out.push_back(item.get<std::string>());
  return out;
}

}  // namespace

common::Result<LoginBody> ParseLoginBody(std::string_view body) {
  STRATA_ASSIGN_OR_RETURN(json doc, ParseObject(body, {{"user", Type::kString, true},
                                                       {"password", Type::kString, true}}));
  return LoginBody{.user = StringField(doc, "user"), .password = StringField(doc, "password")};
}

common::Result<std::string> ParseRefreshTokenBody(std::string_view body) {
  STRATA_ASSIGN_OR_RETURN(json doc, ParseObject(body, {{"refresh_token", Type::kString, true}}));
  return StringField(doc, "refresh_token");
}

common::Result<identity::CreateUserRequest> ParseCreateUserBody(std::string_view body) {
  STRATA_ASSIGN_OR_RETURN(json doc, ParseObject(body, {{"name", Type::kString, true},
                                                       {"password", Type::kString, false},
                                                       {"policies", Type::kStringArray, false}}));
  return identity::CreateUserRequest{.name = StringField(doc, "name"),
                                     .password = StringField(doc, "password"),
                                     .policies = StringArrayField(doc, "policies")};
}

common::Result<std::string> ParsePasswordBody(std::string_view body) {
  STRATA_ASSIGN_OR_RETURN(json doc, ParseObject(body, {{"password", Type::kString, true}}));
  return StringField(doc, "password");
}

common::Result<std::string> ParseCreateKeyBody(std::string_view body) {
  if (body.empty()) return std::string();
  STRATA_ASSIGN_OR_RETURN(json doc, ParseObject(body, {{"description", Type::kString, false}}));
  return StringField(doc, "description");
}

common::Result<std::string> ParseCreateGroupBody(std::string_view body) {
  STRATA_ASSIGN_OR_RETURN(json doc, ParseObject(body, {{"name", Type::kString, true}}));
  return StringField(doc, "name");
}

common::Result<AttachTarget> ParseAttachBody(std::string_view body) {
  STRATA_ASSIGN_OR_RETURN(json doc, ParseObject(body, {{"user", Type::kString, false},
                                                       {"group", Type::kString, false}}));
  AttachTarget target{.user = StringField(doc, "user"), .group = StringField(doc, "group")};
  if (target.user.empty() == target.group.empty()) {
    return Error(Code::kInvalidArgument, "give exactly one of \"user\" and \"group\"");
  }
  return target;
}

common::Status ExpectNoBody(std::string_view body) {
  if (body.empty()) return common::Status::Ok();
  return Error(Code::kInvalidArgument, "this request takes no body");
}

json SessionJson(const identity::Session& session) {
  return {{"access_token", session.access_token},
          {"token_type", "Bearer"},
          {"expires_in", session.expires_in_s},
          {"refresh_token", session.refresh_token},
          {"user", session.user_name}};
}

json UserJson(const identity::UserInfo& user) {
  return {{"id", user.id},
          {"name", user.name},
          {"disabled", user.disabled},
          {"has_password", user.has_password},
          {"created_ms", user.created_ms},
          {"policies", user.policies},
          {"groups", user.groups}};
}

json WhoamiJson(const identity::UserInfo& user, std::string_view access_key) {
  json doc = UserJson(user);
  doc["root"] = user.root;
  doc["access_key"] = access_key;
  return doc;
}

json KeyJson(const identity::KeyInfo& key) {
  return {{"access_key", key.access_key},
          {"user", key.user_name},
          {"disabled", key.disabled},
          {"created_ms", key.created_ms},
          {"description", key.description}};
}

json NewKeyJson(const identity::NewKey& key) {
  return {{"access_key", key.info.access_key},
          {"secret_key", key.secret_key},
          {"user", key.info.user_name},
          {"created_ms", key.info.created_ms},
          {"description", key.info.description}};
}

json GroupJson(const identity::GroupInfo& group) {
  return {{"name", group.name},
          {"created_ms", group.created_ms},
          {"members", group.members},
          {"policies", group.policies}};
}

json PolicyJson(const identity::PolicyInfo& policy, bool with_attachments) {
  json doc = {{"name", policy.name},
              {"builtin", policy.builtin},
              {"document", policy.document},
              {"created_ms", policy.created_ms},
              {"updated_ms", policy.updated_ms}};
  if (with_attachments) {
    doc["users"] = policy.users;
    doc["groups"] = policy.groups;
  }
  return doc;
}

}  // namespace strata::admin
