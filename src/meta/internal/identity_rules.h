// The IdentityStore rules that do not depend on a database
// (identity_store.h): how a principal kind is stored, when a refresh token
// may be spent, and the errors every backend returns alike. Pure functions:
// no I/O, thread-safe. Private to meta/.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/status.h"
#include "meta/identity_store.h"

namespace strata::meta::internal {

// The policy_attachments.principal_kind column's text: "user" or "group".
std::string_view PrincipalKindText(PrincipalKind kind);

// Inverse of PrincipalKindText; nullopt for any other text.
std::optional<PrincipalKind> ParsePrincipalKind(std::string_view text);

// kCorruption: policy `policy` is attached to a principal whose stored kind
// (`kind_text`) ParsePrincipalKind does not know.
common::Status UnknownPrincipalKind(std::string_view policy, std::string_view kind_text);

// kNoSuchEntity: "<what> '<name>' does not exist".
common::Status NoSuchEntity(std::string_view what, std::string_view name);

// kEntityAlreadyExists: "<what> '<name>' already exists".
common::Status EntityAlreadyExists(std::string_view what, std::string_view name);

// kNoSuchEntity: RemoveGroupMember for a user who is not a member.
common::Status NotAGroupMember(std::string_view group, std::string_view user_id);

// kNoSuchEntity: DetachPolicy for an attachment that does not exist.
common::Status NotAttached(const PolicyAttachment& attachment);

// kDeleteConflict: DeleteGroup while the group has members.
common::Status GroupHasMembers(std::string_view group);

// kDeleteConflict: DeletePolicy while the policy is attached.
common::Status PolicyStillAttached(std::string_view policy);

// What SpendRefreshToken does with a token it found (identity_store.h).
enum class RefreshTokenUse {
  kSpend,   // mark it spent and return it
  kReplay,  // spent or revoked already: revoke its family, commit, then fail
  kExpired  // fail, changing nothing
};
RefreshTokenUse ClassifyRefreshToken(const RefreshToken& token, int64_t now_ms);

// The kInvalidToken SpendRefreshToken fails with for a kReplay or kExpired
// token. REQUIRES: `use` is not kSpend.
common::Status RefusedRefreshToken(RefreshTokenUse use);

}  // namespace strata::meta::internal
