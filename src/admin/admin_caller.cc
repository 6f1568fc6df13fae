#include "admin/admin_caller.h"

#include "http/headers.h"

namespace strata::admin {
namespace {

using common::Code;
using common::Error;

constexpr std::string_view kBearerScheme = "Bearer";

// The token of an "Authorization: Bearer <token>" value (the scheme is
// case-insensitive, RFC 9110), or nullopt for any other scheme.
std::optional<std::string_view> BearerToken(std::string_view authorization) {
  if (authorization.size() < kBearerScheme.size() ||
      !http::EqualsIgnoreCase(authorization.substr(0, kBearerScheme.size()), kBearerScheme)) {
    return std::nullopt;
  }
  std::string_view rest = authorization.substr(kBearerScheme.size());
  if (!rest.empty() && rest.front() != ' ') return std::nullopt;  // "Bearerx"
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  return rest;
}

// A SigV4 refusal as the admin API words it: 403 with the verifier's own
// message (written for S3 clients, so safe to show). Failures of the
// credential lookup itself stay what they are.
common::Status SigV4Refusal(const common::Status& status) {
  switch (status.code()) {
    case Code::kUnavailable:
    case Code::kInternal:
    case Code::kCorruption:
    case Code::kTimeout:
      return status;
    default:
      return Error(Code::kAccessDenied, status.message());
  }
}

}  // namespace

common::Result<identity::Caller> AuthenticateAdmin(const http::Request& request,
                                                   common::ByteSource& body,
                                                   const auth::SigV4Verifier& verifier,
                                                   identity::IdentityService& service,
                                                   std::string* body_out) {
  if (std::optional<std::string_view> token = BearerToken(request.headers.Get("Authorization"))) {
    if (token->empty()) return Error(Code::kInvalidToken, "the bearer token is empty");
    STRATA_ASSIGN_OR_RETURN(identity::Caller caller, service.AuthenticateBearer(*token));
    STRATA_ASSIGN_OR_RETURN(std::string text, ReadAdminBody(body));
    if (body_out != nullptr) *body_out = std::move(text);
    return caller;
  }

  auto auth = verifier.Authenticate(request);
  if (!auth.ok()) return SigV4Refusal(auth.status());
  if (auth->anonymous) return Error(Code::kInvalidToken, "authentication required");
  // Nothing acts on the body until all of it has matched what was signed.
  auto verified = verifier.VerifiedBody(*auth, request, body);
  if (!verified.ok()) return SigV4Refusal(verified.status());
  STRATA_ASSIGN_OR_RETURN(std::string text, ReadAdminBody(**verified));
  if (body_out != nullptr) *body_out = std::move(text);
  return service.CallerFor(auth->credential);
}

}  // namespace strata::admin
