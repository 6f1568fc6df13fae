#include "meta/internal/identity_rules.h"

#include <gtest/gtest.h>

#include <string>

#include "meta/internal/contract_util.h"

namespace strata::meta::internal {
namespace {

using common::Code;

TEST(IdentityRulesTest, PrincipalKindsRoundTrip) {
  for (PrincipalKind kind : {PrincipalKind::kUser, PrincipalKind::kGroup}) {
    EXPECT_EQ(ParsePrincipalKind(PrincipalKindText(kind)), kind);
  }
  EXPECT_EQ(PrincipalKindText(PrincipalKind::kUser), "user");
  EXPECT_EQ(PrincipalKindText(PrincipalKind::kGroup), "group");
  for (const char* bad : {"", "User", "users", "role", "group "}) {
    EXPECT_EQ(ParsePrincipalKind(bad), std::nullopt) << bad;
  }
  STRATA_EXPECT_CODE(UnknownPrincipalKind("p", "role"), Code::kCorruption);
}

TEST(IdentityRulesTest, RefreshTokens) {
  const RefreshToken fresh{.token_hash = "h", .family_id = "f", .expires_ms = 1000};
  struct Case {
    const char* name;
    bool spent;
    bool revoked;
    int64_t now_ms;
    RefreshTokenUse use;
  };
  const Case cases[] = {
      {"fresh", false, false, 999, RefreshTokenUse::kSpend},
      {"expires now", false, false, 1000, RefreshTokenUse::kExpired},
      {"expired", false, false, 5000, RefreshTokenUse::kExpired},
      {"spent", true, false, 999, RefreshTokenUse::kReplay},
      {"revoked", false, true, 999, RefreshTokenUse::kReplay},
      // A replay revokes the family even when the token has expired too.
      {"spent and expired", true, false, 5000, RefreshTokenUse::kReplay},
  };
  for (const Case& c : cases) {
    RefreshToken token = fresh;
    token.spent = c.spent;
    token.revoked = c.revoked;
    EXPECT_EQ(ClassifyRefreshToken(token, c.now_ms), c.use) << c.name;
  }
  for (RefreshTokenUse use : {RefreshTokenUse::kReplay, RefreshTokenUse::kExpired}) {
    STRATA_EXPECT_CODE(RefusedRefreshToken(use), Code::kInvalidToken);
  }
  EXPECT_NE(RefusedRefreshToken(RefreshTokenUse::kReplay).message().find("revoked"),
            std::string::npos);
  EXPECT_NE(RefusedRefreshToken(RefreshTokenUse::kExpired).message().find("expired"),
            std::string::npos);
}

// Every identity error, with the code and message each backend returns.
TEST(IdentityRulesTest, ErrorsCarryTheirCodes) {
  const PolicyAttachment attachment{.policy = "p", .kind = PrincipalKind::kGroup, .principal = "g"};
  struct Case {
    common::Status status;
    Code code;
    const char* message;
  };
  const Case cases[] = {
      {NoSuchEntity("user", "u1"), Code::kNoSuchEntity, "user 'u1' does not exist"},
      {EntityAlreadyExists("group", "g"), Code::kEntityAlreadyExists, "group 'g' already exists"},
      {NotAGroupMember("g", "u1"), Code::kNoSuchEntity, "user 'u1' is not a member of group 'g'"},
      {NotAttached(attachment), Code::kNoSuchEntity, "policy 'p' is not attached to group 'g'"},
      {GroupHasMembers("g"), Code::kDeleteConflict, "group 'g' still has members"},
      {PolicyStillAttached("p"), Code::kDeleteConflict, "policy 'p' is still attached"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.status.code(), c.code) << c.message;
    EXPECT_EQ(c.status.message(), c.message);
  }
}

}  // namespace
}  // namespace strata::meta::internal
