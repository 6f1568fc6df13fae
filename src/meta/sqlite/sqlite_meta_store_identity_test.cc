// The SQLite store's own identity tests: what the contract suite cannot see
// (the rows a replay and a cascade leave behind, and that the queries on the
// per-request path walk indexes).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "meta/internal/contract_util.h"
#include "meta/sqlite/internal/test_util.h"
#include "meta/sqlite/sqlite_meta_store.h"

namespace strata::meta::sqlite {
namespace {

using common::Code;
using internal::RawDb;
using Strings = std::vector<std::string>;
using SqliteIdentityTest = internal::SqliteStoreTest;

User MakeUser(std::string id) {
  return {.id = id, .name = "name-" + id, .password_hash = "", .created_ms = 1};
}

RefreshToken MakeToken(char digit, std::string family, std::string user_id) {
  return {.token_hash = std::string(64, digit),
          .family_id = std::move(family),
          .user_id = std::move(user_id),
          .issued_ms = 1,
          .expires_ms = 1000};
}

// The replay's revocation is committed although the call fails: another
// connection sees it.
TEST_F(SqliteIdentityTest, ReplayRevocationIsCommitted) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  STRATA_ASSERT_OK(store->CreateUser(MakeUser("u1")));
  STRATA_ASSERT_OK(store->CreateRefreshToken(MakeToken('1', "f1", "u1")));
  STRATA_ASSERT_OK(store->CreateRefreshToken(MakeToken('2', "f1", "u1")));
  STRATA_ASSERT_OK(store->CreateRefreshToken(MakeToken('3', "f2", "u1")));
  STRATA_ASSERT_OK(store->SpendRefreshToken(std::string(64, '1'), 10));
  const std::string rows =
      "SELECT substr(token_hash, 64) || ':' || spent || ':' || revoked FROM refresh_tokens"
      " ORDER BY token_hash";
  EXPECT_EQ(RawDb(path_).Column(rows), (Strings{"1:1:0", "2:0:0", "3:0:0"}));
  // Expired: nothing changes.
  STRATA_EXPECT_CODE(store->SpendRefreshToken(std::string(64, '2'), 1000), Code::kInvalidToken);
  EXPECT_EQ(RawDb(path_).Column(rows), (Strings{"1:1:0", "2:0:0", "3:0:0"}));
  // Replay: the whole family is revoked.
  STRATA_EXPECT_CODE(store->SpendRefreshToken(std::string(64, '1'), 10), Code::kInvalidToken);
  EXPECT_EQ(RawDb(path_).Column(rows), (Strings{"1:1:1", "2:0:1", "3:0:0"}));
}

// Nothing names a deleted user any more, and the foreign keys still hold.
TEST_F(SqliteIdentityTest, DeleteUserLeavesNoRows) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  STRATA_ASSERT_OK(store->CreateUser(MakeUser("u1")));
  STRATA_ASSERT_OK(store->CreateGroup({.name = "g", .created_ms = 1}));
  STRATA_ASSERT_OK(store->AddGroupMember("g", "u1"));
  STRATA_ASSERT_OK(
      store->AttachPolicy({.policy = "p", .kind = PrincipalKind::kUser, .principal = "u1"}));
  STRATA_ASSERT_OK(store->CreateAccessKey({.access_key = "AK", .user_id = "u1"}));
  STRATA_ASSERT_OK(store->CreateRefreshToken(MakeToken('1', "f1", "u1")));
  STRATA_ASSERT_OK(store->DeleteUser("u1"));
  RawDb raw(path_);
  EXPECT_EQ(raw.Column("SELECT count(*) FROM users"), Strings{"0"});
  EXPECT_EQ(raw.Column("SELECT count(*) FROM access_keys"), Strings{"0"});
  EXPECT_EQ(raw.Column("SELECT count(*) FROM group_members"), Strings{"0"});
  EXPECT_EQ(raw.Column("SELECT count(*) FROM policy_attachments"), Strings{"0"});
  EXPECT_EQ(raw.Column("SELECT count(*) FROM refresh_tokens"), Strings{"0"});
  EXPECT_EQ(raw.Column("SELECT count(*) FROM groups"), Strings{"1"});
  EXPECT_EQ(raw.Column("PRAGMA foreign_key_check"), Strings{});
}

// The reads behind every authenticated request and every refresh seek an
// index; none scans a table.
TEST_F(SqliteIdentityTest, PerRequestQueriesUseIndexes) {
  ASSERT_NE(OpenOrDie(), nullptr);
  RawDb raw(path_);
  const std::string queries[] = {
      // GetAccessKey
      "SELECT sealed_secret FROM access_keys WHERE access_key = 'AK'",
      // EffectivePolicyNames (sqlite_meta_store_identity.cc)
      "SELECT policy FROM policy_attachments WHERE principal_kind = 'user' AND principal = 'u'"
      " UNION SELECT policy FROM policy_attachments WHERE principal_kind = 'group' AND principal"
      " IN (SELECT group_name FROM group_members WHERE user_id = 'u') ORDER BY policy",
      // SpendRefreshToken and its replay
      "SELECT spent FROM refresh_tokens WHERE token_hash = 'h'",
      "UPDATE refresh_tokens SET revoked = 1 WHERE family_id = 'f'",
  };
  for (const std::string& query : queries) {
    const Strings plan = raw.QueryPlan(query);
    ASSERT_FALSE(plan.empty()) << query;
    for (const std::string& step : plan) {
      EXPECT_NE(step.rfind("SCAN", 0), 0u) << query << ": " << step;
      // Not a walk of every group's attachments (a join driven from
      // policy_attachments), only those of the user's groups.
      EXPECT_EQ(step.find("(principal_kind=?)"), std::string::npos) << query << ": " << step;
    }
  }
}

}  // namespace
}  // namespace strata::meta::sqlite
