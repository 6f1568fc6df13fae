// The identity admin API's documents (docs/admin-api.md): request bodies
// parsed into plain structs, and IdentityService results encoded as JSON.
// Pure functions; no I/O.
//
// Request bodies are JSON objects of at most kMaxBodyBytes. Errors:
//   kMalformedXml      not JSON, or JSON but not an object (the admin table,
//                      admin/api_error.h, answers 400 MalformedJSON);
//   kInvalidArgument   an unknown field, a field of the wrong type, or a
//                      missing required field (the message names it).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "admin/admin_request.h"
#include "common/result.h"
#include "identity/identity_service.h"

namespace strata::admin {

// --- Requests ---------------------------------------------------------------

// POST login: {"user", "password"}, both required.
struct LoginBody {
  std::string user;
  std::string password;
};
common::Result<LoginBody> ParseLoginBody(std::string_view body);

// POST refresh and POST logout: {"refresh_token"}, required.
common::Result<std::string> ParseRefreshTokenBody(std::string_view body);

// POST users: {"name", "password"?, "policies"?: [strings]}.
common::Result<identity::CreateUserRequest> ParseCreateUserBody(std::string_view body);

// PUT users/{name}/password: {"password"}, required.
common::Result<std::string> ParsePasswordBody(std::string_view body);

// POST users/{name}/keys: {"description"?}; an empty body is {}. Returns the
// description ("" when absent).
common::Result<std::string> ParseCreateKeyBody(std::string_view body);

// POST groups: {"name"}, required.
common::Result<std::string> ParseCreateGroupBody(std::string_view body);

// POST policies/{name}/attach and detach: {"user"} or {"group"}, exactly one,
// non-empty.
struct AttachTarget {
  std::string user;   // "" when the target is a group
  std::string group;  // "" when the target is a user
};
common::Result<AttachTarget> ParseAttachBody(std::string_view body);

// Endpoints that take no body: OK for an empty one, kInvalidArgument
// otherwise.
common::Status ExpectNoBody(std::string_view body);

// --- Answers ----------------------------------------------------------------

// {"access_token", "token_type": "Bearer", "expires_in", "refresh_token", "user"}
nlohmann::json SessionJson(const identity::Session& session);
// {"id", "name", "disabled", "has_password", "created_ms", "policies", "groups"}
nlohmann::json UserJson(const identity::UserInfo& user);
// UserJson plus "root" and "access_key" (the signing key, "" for a bearer
// token): GET whoami.
nlohmann::json WhoamiJson(const identity::UserInfo& user, std::string_view access_key);
// {"access_key", "user", "disabled", "created_ms", "description"}; never a
// secret.
nlohmann::json KeyJson(const identity::KeyInfo& key);
// {"access_key", "secret_key", "user", "created_ms", "description"}: the one
// answer that carries a secret.
nlohmann::json NewKeyJson(const identity::NewKey& key);
// {"name", "created_ms", "members", "policies"}
nlohmann::json GroupJson(const identity::GroupInfo& group);
// {"name", "builtin", "document", "created_ms", "updated_ms"}, plus "users"
// and "groups" when with_attachments (GET policies/{name}).
nlohmann::json PolicyJson(const identity::PolicyInfo& policy, bool with_attachments);

}  // namespace strata::admin
