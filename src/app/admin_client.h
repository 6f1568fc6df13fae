// AdminClient: the calls `strata admin` makes to the admin API
// (/_strata/admin/v1/, docs/admin-api.md), one method per endpoint, with the
// session handling every call shares:
//
//   - each call carries `Authorization: Bearer <access token>` from the
//     session;
//   - when the access token has expired (by the clock, before sending) or the
//     server answers 401, the client spends the refresh token once (POST
//     refresh), saves the rotated pair to the session file at once, and sends
//     the call again;
//   - when the refresh is refused, the call fails with kInvalidToken "session
//     expired; run strata admin login".
//
// Results: an AdminAnswer for any 2xx answer. Failures are values:
//   kInvalidToken      no session, or the session expired (message says to
//                      log in);
//   kUnavailable       the server could not be reached (message names the
//                      endpoint), or a session file write failed;
//   kTimeout           the server took too long;
//   kInvalidArgument   a request field that cannot be sent (not UTF-8);
//   any other code     the server's error: the message is exactly
//                      "<error>: <message>" from its {"error", "message"}
//                      body, the code the matching common::Code (kInternal
//                      when there is none), e.g. kNoSuchEntity for
//                      "NoSuchEntity: no user alice".
// No message ever holds a password, secret key or token.
//
// Not thread-safe; one client per command.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/admin_session.h"
#include "common/clock.h"
#include "common/result.h"
#include "http/blocking_client.h"

namespace strata::app {

// A successful (2xx) answer.
struct AdminAnswer {
  int status = 0;
  std::string body;             // as received; "" for 204
  nlohmann::ordered_json json;  // body parsed (server's key order); null for ""
};

// Where `policy attach/detach` points: exactly one of the two is non-empty.
struct PolicyTarget {
  std::string user;
  std::string group;
};

// GET audit's filters (docs/admin-api.md "Audit log"); unset ones are not
// sent.
struct AuditFilter {
  std::optional<int64_t> since_ms;  // Unix milliseconds
  std::optional<int64_t> until_ms;
  std::string user;
  std::string bucket;
  std::string action;  // exact, or a prefix ending in '*'
  bool failures = false;
  int limit = 0;  // 0: the server's default
};

class AdminClient {
 public:
  // endpoint: the server's URL ("http://127.0.0.1:9000"), for messages and
  // the session; transport already points at it. session: what LoadSession
  // found at session_file (nullopt: not logged in). transport and clock must
  // outlive the client.
  AdminClient(std::string endpoint, http::ClientTransport& transport, const common::Clock& clock,
              std::filesystem::path session_file, std::optional<AdminSession> session);

  // The session in use (after a refresh, the rotated one).
  const std::optional<AdminSession>& session() const { return session_; }

  // --- Sessions ---

  // POST login. On success writes the new session to the session file and
  // returns it. The server's kAccessDenied and kTooManyRequests come back as
  // they are.
  common::Result<AdminSession> Login(std::string_view user, std::string_view password);
  // POST logout (revokes the session family on the server), then removes the
  // session file — also when the server call fails, whose error is returned
  // (a refresh token the server no longer knows counts as success).
  // kInvalidToken when there is no session.
  common::Status Logout();
  // GET whoami.
  common::Result<AdminAnswer> Whoami();

  // --- Users ---
  common::Result<AdminAnswer> ListUsers();
  // password "" creates a keys-only user.
  common::Result<AdminAnswer> CreateUser(std::string_view name, std::string_view password,
                                         const std::vector<std::string>& policies);
  common::Result<AdminAnswer> GetUser(std::string_view name);
  common::Result<AdminAnswer> DeleteUser(std::string_view name);
  common::Result<AdminAnswer> SetUserDisabled(std::string_view name, bool disabled);
  common::Result<AdminAnswer> SetUserPassword(std::string_view name, std::string_view password);

  // --- Access keys ---
  // Every key when user is "", else that user's.
  common::Result<AdminAnswer> ListKeys(std::string_view user);
  // The answer holds the secret key: show it once, never log it.
  common::Result<AdminAnswer> CreateKey(std::string_view user, std::string_view description);
  common::Result<AdminAnswer> DeleteKey(std::string_view access_key);
  common::Result<AdminAnswer> SetKeyDisabled(std::string_view access_key, bool disabled);

  // --- Policies ---
  common::Result<AdminAnswer> ListPolicies();
  common::Result<AdminAnswer> GetPolicy(std::string_view name);
  // document: the policy JSON text, sent as it is (the server checks it).
  common::Result<AdminAnswer> PutPolicy(std::string_view name, std::string_view document);
  common::Result<AdminAnswer> DeletePolicy(std::string_view name);
  common::Result<AdminAnswer> AttachPolicy(std::string_view policy, const PolicyTarget& target);
  common::Result<AdminAnswer> DetachPolicy(std::string_view policy, const PolicyTarget& target);

  // --- Groups ---
  common::Result<AdminAnswer> ListGroups();
  common::Result<AdminAnswer> CreateGroup(std::string_view name);
  common::Result<AdminAnswer> GetGroup(std::string_view name);
  common::Result<AdminAnswer> DeleteGroup(std::string_view name);
  common::Result<AdminAnswer> AddGroupMember(std::string_view group, std::string_view user);
  common::Result<AdminAnswer> RemoveGroupMember(std::string_view group, std::string_view user);

  // --- Storage ---
  common::Result<AdminAnswer> Storage();
  // GET heal, or POST heal (start a pass) when start.
  common::Result<AdminAnswer> Heal(bool start);
  common::Result<AdminAnswer> Gc();

  // --- Audit trail ---
  // GET audit with the filter's parameters: {"records": [...]}, newest first.
  common::Result<AdminAnswer> Audit(const AuditFilter& filter);

 private:
  // An authenticated call to kAdminPrefix + path (path already encoded).
  common::Result<AdminAnswer> Call(std::string_view method, std::string path,
                                   std::string body = "");
  // One round trip, no authentication logic; any status.
  common::Result<http::IncomingResponse> Send(std::string_view method, const std::string& path,
                                              const std::string& body, const std::string& bearer);
  // POST refresh with the session's refresh token; saves the new pair.
  common::Status Refresh();
  // Stores a login or refresh answer as the session and saves it.
  common::Status Adopt(const http::IncomingResponse& response, std::string_view user);
  common::Result<AdminAnswer> AttachOrDetach(std::string_view verb, std::string_view policy,
                                             const PolicyTarget& target);

  const std::string endpoint_;
  http::ClientTransport& transport_;
  const common::Clock& clock_;
  const std::filesystem::path session_file_;
  std::optional<AdminSession> session_;
};

// Percent-encodes one path segment (a user, group, policy or key name).
std::string PathSegment(std::string_view name);

}  // namespace strata::app
