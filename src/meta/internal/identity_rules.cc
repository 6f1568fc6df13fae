#include "meta/internal/identity_rules.h"

#include <string>

namespace strata::meta::internal {

using common::Code;
using common::Error;

std::string_view PrincipalKindText(PrincipalKind kind) {
  switch (kind) {
    case PrincipalKind::kUser:
      return "user";
    case PrincipalKind::kGroup:
      return "group";
  }
  return "user";  // not reached: the switch names every kind
}

std::optional<PrincipalKind> ParsePrincipalKind(std::string_view text) {
  for (PrincipalKind kind : {PrincipalKind::kUser, PrincipalKind::kGroup}) {
    if (text == PrincipalKindText(kind)) return kind;
  }
  return std::nullopt;
}

common::Status UnknownPrincipalKind(std::string_view policy, std::string_view kind_text) {
  return Error(Code::kCorruption, "policy '" + std::string(policy) +
                                      "' is attached to a principal of unknown kind '" +
                                      std::string(kind_text) + "'");
}

common::Status NoSuchEntity(std::string_view what, std::string_view name) {
  return Error(Code::kNoSuchEntity,
               std::string(what) + " '" + std::string(name) + "' does not exist");
}

common::Status EntityAlreadyExists(std::string_view what, std::string_view name) {
  return Error(Code::kEntityAlreadyExists,
               std::string(what) + " '" + std::string(name) + "' already exists");
}

common::Status NotAGroupMember(std::string_view group, std::string_view user_id) {
  return Error(Code::kNoSuchEntity, "user '" + std::string(user_id) +
                                        "' is not a member of group '" + std::string(group) + "'");
}

common::Status NotAttached(const PolicyAttachment& attachment) {
  return Error(Code::kNoSuchEntity, "policy '" + attachment.policy + "' is not attached to " +
                                        std::string(PrincipalKindText(attachment.kind)) + " '" +
                                        attachment.principal + "'");
}

common::Status GroupHasMembers(std::string_view group) {
  return Error(Code::kDeleteConflict, "group '" + std::string(group) + "' still has members");
}

common::Status PolicyStillAttached(std::string_view policy) {
  return Error(Code::kDeleteConflict, "policy '" + std::string(policy) + "' is still attached");
}

RefreshTokenUse ClassifyRefreshToken(const RefreshToken& token, int64_t now_ms) {
  // A replay first: whoever holds the family's current token may be the
  // thief, so even an expired family is revoked.
  if (token.spent || token.revoked) return RefreshTokenUse::kReplay;
  if (token.expires_ms <= now_ms) return RefreshTokenUse::kExpired;
  return RefreshTokenUse::kSpend;
}

common::Status RefusedRefreshToken(RefreshTokenUse use) {
  if (use == RefreshTokenUse::kReplay) {
    return Error(Code::kInvalidToken, "refresh token was already used; its session is revoked");
  }
  return Error(Code::kInvalidToken, "refresh token has expired");
}

}  // namespace strata::meta::internal
