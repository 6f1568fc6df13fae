#include "app/admin_client.h"

#include <utility>

#include "http/url.h"
#include "meta/metadata_json.h"

namespace strata::app {
namespace {

using common::Code;
using common::Error;
using Json = nlohmann::json;

// The admin API's root (docs/admin-api.md); the client states the public
// contract itself rather than borrowing the server's routing header.
constexpr std::string_view kPrefix = "/_strata/admin/v1/";
// A token that expires within this many seconds is refreshed before use, so
// it does not run out on the way.
constexpr int64_t kExpirySlackS = 10;

// The server's error names (docs/admin-api.md "Errors") as domain codes.
Code CodeForError(std::string_view error, int http_status) {
  static constexpr std::pair<std::string_view, Code> kTable[] = {
      {"InvalidArgument", Code::kInvalidArgument},
      {"MalformedPolicy", Code::kMalformedPolicy},
      {"MalformedJSON", Code::kInvalidArgument},
      {"InvalidToken", Code::kInvalidToken},
      {"AccessDenied", Code::kAccessDenied},
      {"NoSuchEntity", Code::kNoSuchEntity},
      {"NotFound", Code::kNoSuchEntity},
      {"MethodNotAllowed", Code::kMethodNotAllowed},
      {"EntityAlreadyExists", Code::kEntityAlreadyExists},
      {"DeleteConflict", Code::kDeleteConflict},
      {"TooManyRequests", Code::kTooManyRequests},
      {"ServiceUnavailable", Code::kUnavailable},
  };
  for (const auto& [name, code] : kTable) {
    if (name == error) return code;
  }
  switch (http_status) {
    case 401:
      return Code::kInvalidToken;
    case 403:
      return Code::kAccessDenied;
    case 404:
      return Code::kNoSuchEntity;
    case 503:
      return Code::kUnavailable;
    default:
      return http_status >= 400 && http_status < 500 ? Code::kInvalidArgument : Code::kInternal;
  }
}

std::string StringField(const Json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// JSON text can carry only UTF-8; anything else would be silently altered.
common::Status CheckUtf8(std::string_view what, std::string_view value) {
  if (meta::IsValidUtf8(value)) return common::Status::Ok();
  return Error(Code::kInvalidArgument, std::string(what) + " is not valid UTF-8");
}

bool Is2xx(int status) { return status >= 200 && status < 300; }

common::Status SessionExpired() {
  return Error(Code::kInvalidToken, "session expired; run strata admin login");
}

// A non-2xx answer as the Status the header promises.
common::Status ServerError(const http::IncomingResponse& response, const std::string& endpoint) {
  const Json body = Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  std::string error = body.is_object() ? StringField(body, "error") : "";
  if (error.empty()) {
    return Error(CodeForError("", response.status),
                 "HTTP " + std::to_string(response.status) + " from " + endpoint +
                     ", which is not an admin API answer (is this a Strata server?)");
  }
  std::string message = StringField(body, "message");
  return Error(CodeForError(error, response.status),
               message.empty() ? error : error + ": " + message);
}

common::Result<AdminAnswer> ToAnswer(http::IncomingResponse response, const std::string& endpoint) {
  if (!Is2xx(response.status)) return ServerError(response, endpoint);
  AdminAnswer answer;
  answer.status = response.status;
  answer.body = std::move(response.body);
  if (!answer.body.empty()) {
    answer.json = nlohmann::ordered_json::parse(answer.body, nullptr, /*allow_exceptions=*/false);
    if (answer.json.is_discarded()) {
      return Error(Code::kInternal, "the answer from " + endpoint + " is not JSON");
    }
  }
  return answer;
}

}  // namespace

std::string PathSegment(std::string_view name) { return http::UriEncode(name, false); }

AdminClient::AdminClient(std::string endpoint, http::ClientTransport& transport,
                         const common::Clock& clock, std::filesystem::path session_file,
                         std::optional<AdminSession> session)
    : endpoint_(std::move(endpoint)),
      transport_(transport),
      clock_(clock),
      session_file_(std::move(session_file)),
      session_(std::move(session)) {}

common::Result<http::IncomingResponse> AdminClient::Send(std::string_view method,
                                                         const std::string& path,
                                                         const std::string& body,
                                                         const std::string& bearer) {
  http::OutgoingRequest request;
  request.method = std::string(method);
  request.target = std::string(kPrefix) + path;
  request.headers.Add("Accept", "application/json");
  if (!body.empty()) request.headers.Add("Content-Type", "application/json");
  if (!bearer.empty()) request.headers.Add("Authorization", "Bearer " + bearer);
  request.body = body;
  auto response = transport_.RoundTrip(request);
  if (response.ok()) return response;
  const common::Status& s = response.status();
  if (s.code() == Code::kUnavailable) {
    return Error(Code::kUnavailable, "cannot reach " + endpoint_ + " (" + s.message() +
                                         "); is the server running? check --endpoint");
  }
  return Error(s.code(), endpoint_ + ": " + s.message());
}

common::Status AdminClient::Adopt(const http::IncomingResponse& response, std::string_view user) {
  const Json body = Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  auto expires_in = body.is_object() ? body.find("expires_in") : body.end();
  AdminSession session;
  session.endpoint = endpoint_;
  session.user = body.is_object() ? StringField(body, "user") : "";
  if (session.user.empty()) session.user = std::string(user);
  session.access_token = body.is_object() ? StringField(body, "access_token") : "";
  session.refresh_token = body.is_object() ? StringField(body, "refresh_token") : "";
  if (session.access_token.empty() || session.refresh_token.empty() || expires_in == body.end() ||
      !expires_in->is_number_integer()) {
    return Error(Code::kInternal, "the session answer from " + endpoint_ +
                                      " lacks access_token, refresh_token or expires_in");
  }
  session.access_expires_at = clock_.NowMillis() / 1000 + expires_in->get<int64_t>();
  session_ = std::move(session);
  common::Status saved = SaveSession(session_file_, *session_);
  if (!saved.ok()) {
    return Error(saved.code(), "cannot save the session: " + saved.message());
  }
  return common::Status::Ok();
}

common::Status AdminClient::Refresh() {
  STRATA_ASSIGN_OR_RETURN(SessionLock lock, SessionLock::Acquire(session_file_));
  // Another command may have refreshed while this one waited for the lock:
  // its pair is the live one, and spending ours again would revoke both.
  auto on_disk = LoadSession(session_file_);
  if (on_disk.ok() && on_disk->has_value() && (*on_disk)->endpoint == session_->endpoint &&
      (*on_disk)->refresh_token != session_->refresh_token) {
    session_ = **on_disk;
    return common::Status::Ok();
  }
  const std::string body = Dump(Json{{"refresh_token", session_->refresh_token}});
  STRATA_ASSIGN_OR_RETURN(http::IncomingResponse response, Send("POST", "refresh", body, ""));
  if (response.status == 400 || response.status == 401 || response.status == 403) {
    return SessionExpired();
  }
  if (!Is2xx(response.status)) return ServerError(response, endpoint_);
  return Adopt(response, session_->user);
}

common::Result<AdminAnswer> AdminClient::Call(std::string_view method, std::string path,
                                              std::string body) {
  if (!session_) {
    return Error(Code::kInvalidToken, "not logged in (no session in " + session_file_.string() +
                                          "); run strata admin login");
  }
  bool refreshed = false;
  if (session_->access_expires_at <= clock_.NowMillis() / 1000 + kExpirySlackS) {
    STRATA_RETURN_IF_ERROR(Refresh());
    refreshed = true;
  }
  STRATA_ASSIGN_OR_RETURN(http::IncomingResponse response,
                          Send(method, path, body, session_->access_token));
  // 401 means the token was refused before anything happened, so sending the
  // call again after a refresh cannot do anything twice.
  if (response.status == 401 && !refreshed) {
    STRATA_RETURN_IF_ERROR(Refresh());
    STRATA_ASSIGN_OR_RETURN(response, Send(method, path, body, session_->access_token));
  }
  return ToAnswer(std::move(response), endpoint_);
}

common::Result<AdminSession> AdminClient::Login(std::string_view user, std::string_view password) {
  STRATA_RETURN_IF_ERROR(CheckUtf8("the user name", user));
  STRATA_RETURN_IF_ERROR(CheckUtf8("the password", password));
  const std::string body = Dump(Json{{"user", user}, {"password", password}});
  STRATA_ASSIGN_OR_RETURN(http::IncomingResponse response, Send("POST", "login", body, ""));
  if (!Is2xx(response.status)) return ServerError(response, endpoint_);
  STRATA_RETURN_IF_ERROR(Adopt(response, user));
  return *session_;
}

common::Status AdminClient::Logout() {
  if (!session_) {
    return Error(Code::kInvalidToken,
                 "not logged in (no session in " + session_file_.string() + ")");
  }
  const std::string body = Dump(Json{{"refresh_token", session_->refresh_token}});
  auto response = Send("POST", "logout", body, "");
  // The tokens leave this machine whatever the server said.
  common::Status removed = DeleteSession(session_file_);
  session_.reset();
  STRATA_RETURN_IF_ERROR(removed);
  common::Status revoked;
  if (!response.ok()) {
    revoked = response.status();
  } else if (!Is2xx(response->status) && response->status != 401) {
    revoked = ServerError(*response, endpoint_);  // 401: already revoked or expired
  }
  if (revoked.ok()) return revoked;
  return Error(revoked.code(), "session file removed, but the server did not revoke the session: " +
                                   revoked.message());
}

common::Result<AdminAnswer> AdminClient::Whoami() { return Call("GET", "whoami"); }

// --- Users ---

common::Result<AdminAnswer> AdminClient::ListUsers() { return Call("GET", "users"); }

common::Result<AdminAnswer> AdminClient::CreateUser(std::string_view name,
                                                    std::string_view password,
                                                    const std::vector<std::string>& policies) {
  STRATA_RETURN_IF_ERROR(CheckUtf8("the user name", name));
  STRATA_RETURN_IF_ERROR(CheckUtf8("the password", password));
  Json body = {{"name", name}};
  if (!password.empty()) body["password"] = password;
  if (!policies.empty()) {
    for (const std::string& p : policies) STRATA_RETURN_IF_ERROR(CheckUtf8("a policy name", p));
    body["policies"] = policies;
  }
  return Call("POST", "users", Dump(body));
}

common::Result<AdminAnswer> AdminClient::GetUser(std::string_view name) {
  return Call("GET", "users/" + PathSegment(name));
}

common::Result<AdminAnswer> AdminClient::DeleteUser(std::string_view name) {
  return Call("DELETE", "users/" + PathSegment(name));
}

common::Result<AdminAnswer> AdminClient::SetUserDisabled(std::string_view name, bool disabled) {
  return Call("POST", "users/" + PathSegment(name) + (disabled ? "/disable" : "/enable"));
}

common::Result<AdminAnswer> AdminClient::SetUserPassword(std::string_view name,
                                                         std::string_view password) {
  STRATA_RETURN_IF_ERROR(CheckUtf8("the password", password));
  return Call("PUT", "users/" + PathSegment(name) + "/password",
              Dump(Json{{"password", password}}));
}

// --- Access keys ---

common::Result<AdminAnswer> AdminClient::ListKeys(std::string_view user) {
  return Call("GET", user.empty() ? std::string("keys") : "users/" + PathSegment(user) + "/keys");
}

common::Result<AdminAnswer> AdminClient::CreateKey(std::string_view user,
                                                   std::string_view description) {
  STRATA_RETURN_IF_ERROR(CheckUtf8("the description", description));
  Json body = Json::object();
  if (!description.empty()) body["description"] = description;
  return Call("POST", "users/" + PathSegment(user) + "/keys", Dump(body));
}

common::Result<AdminAnswer> AdminClient::DeleteKey(std::string_view access_key) {
  return Call("DELETE", "keys/" + PathSegment(access_key));
}

common::Result<AdminAnswer> AdminClient::SetKeyDisabled(std::string_view access_key,
                                                        bool disabled) {
  return Call("POST", "keys/" + PathSegment(access_key) + (disabled ? "/disable" : "/enable"));
}

// --- Policies ---

common::Result<AdminAnswer> AdminClient::ListPolicies() { return Call("GET", "policies"); }

common::Result<AdminAnswer> AdminClient::GetPolicy(std::string_view name) {
  return Call("GET", "policies/" + PathSegment(name));
}

common::Result<AdminAnswer> AdminClient::PutPolicy(std::string_view name,
                                                   std::string_view document) {
  return Call("PUT", "policies/" + PathSegment(name), std::string(document));
}

common::Result<AdminAnswer> AdminClient::DeletePolicy(std::string_view name) {
  return Call("DELETE", "policies/" + PathSegment(name));
}

common::Result<AdminAnswer> AdminClient::AttachOrDetach(std::string_view verb,
                                                        std::string_view policy,
                                                        const PolicyTarget& target) {
  if (target.user.empty() == target.group.empty()) {
    return Error(Code::kInvalidArgument, "give exactly one of a user and a group");
  }
  STRATA_RETURN_IF_ERROR(CheckUtf8("the name", target.user + target.group));
  Json body = target.user.empty() ? Json{{"group", target.group}} : Json{{"user", target.user}};
  return Call("POST", "policies/" + PathSegment(policy) + "/" + std::string(verb), Dump(body));
}

common::Result<AdminAnswer> AdminClient::AttachPolicy(std::string_view policy,
                                                      const PolicyTarget& target) {
  return AttachOrDetach("attach", policy, target);
}

common::Result<AdminAnswer> AdminClient::DetachPolicy(std::string_view policy,
                                                      const PolicyTarget& target) {
  return AttachOrDetach("detach", policy, target);
}

// --- Groups ---

common::Result<AdminAnswer> AdminClient::ListGroups() { return Call("GET", "groups"); }

common::Result<AdminAnswer> AdminClient::CreateGroup(std::string_view name) {
  STRATA_RETURN_IF_ERROR(CheckUtf8("the group name", name));
  return Call("POST", "groups", Dump(Json{{"name", name}}));
}

common::Result<AdminAnswer> AdminClient::GetGroup(std::string_view name) {
  return Call("GET", "groups/" + PathSegment(name));
}

common::Result<AdminAnswer> AdminClient::DeleteGroup(std::string_view name) {
  return Call("DELETE", "groups/" + PathSegment(name));
}

common::Result<AdminAnswer> AdminClient::AddGroupMember(std::string_view group,
                                                        std::string_view user) {
  return Call("PUT", "groups/" + PathSegment(group) + "/members/" + PathSegment(user));
}

common::Result<AdminAnswer> AdminClient::RemoveGroupMember(std::string_view group,
                                                           std::string_view user) {
  return Call("DELETE", "groups/" + PathSegment(group) + "/members/" + PathSegment(user));
}

// --- Storage ---

common::Result<AdminAnswer> AdminClient::Storage() { return Call("GET", "storage"); }

common::Result<AdminAnswer> AdminClient::Heal(bool start) {
  return Call(start ? "POST" : "GET", "heal");
}

common::Result<AdminAnswer> AdminClient::Gc() { return Call("POST", "gc"); }

common::Result<AdminAnswer> AdminClient::Audit(const AuditFilter& filter) {
  std::string query;
  auto add = [&query](std::string_view name, std::string_view value) {
    if (value.empty()) return;
    query.append(query.empty() ? "?" : "&").append(name).append("=");
    query += http::UriEncode(value, /*keep_slash=*/false);
  };
  if (filter.since_ms) add("since", std::to_string(*filter.since_ms));
  if (filter.until_ms) add("until", std::to_string(*filter.until_ms));
  add("user", filter.user);
  add("bucket", filter.bucket);
  add("action", filter.action);
  if (filter.failures) add("failures", "true");
  if (filter.limit > 0) add("limit", std::to_string(filter.limit));
  return Call("GET", "audit" + query);
}

}  // namespace strata::app
