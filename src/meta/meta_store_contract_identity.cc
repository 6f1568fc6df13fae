// The identity half of the MetaStore contract suite: every MetaStore is also
// an IdentityStore (meta/identity_store.h), and these tests hold it to that
// header's rules through the interface alone: users, access keys, groups,
// policies and their attachments, and refresh-token sessions.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "meta/identity_store.h"
#include "meta/internal/contract_util.h"
#include "meta/meta_store_contract.h"

namespace strata::meta::contract {
namespace {

using common::Code;
using Strings = std::vector<std::string>;

constexpr int64_t kCreatedMs = 1700000000000;

// The store's identity side: null when the implementation lacks it.
IdentityStore* Identity(MetaStore& store) { return dynamic_cast<IdentityStore*>(&store); }

// A user with every field derived from its id, so a round trip that mixes up
// rows or columns is caught.
User MakeUser(std::string_view id, std::string_view name) {
  return User{.id = std::string(id),
              .name = std::string(name),
              .password_hash = "$argon2id$v=19$m=65536,t=3,p=4$salt$" + std::string(id),
              .disabled = false,
              .created_ms = kCreatedMs + static_cast<int64_t>(id.size())};
}

AccessKey MakeKey(std::string_view access_key, std::string_view user_id,
                  int64_t created_ms = kCreatedMs) {
  return AccessKey{.access_key = std::string(access_key),
                   .user_id = std::string(user_id),
                   .sealed_secret = "sealed:" + std::string(access_key),
                   .disabled = false,
                   .created_ms = created_ms,
                   .description = "key " + std::string(access_key)};
}

PolicyAttachment ToUser(std::string_view policy, std::string_view user_id) {
  return {.policy = std::string(policy),
          .kind = PrincipalKind::kUser,
          .principal = std::string(user_id)};
}

PolicyAttachment ToGroup(std::string_view policy, std::string_view group) {
  return {.policy = std::string(policy),
          .kind = PrincipalKind::kGroup,
          .principal = std::string(group)};
}

// 64 hex digits, as the service stores a token's SHA-256.
std::string TokenHash(int n) {
  char hash[65];
  std::snprintf(hash, sizeof(hash), "%064x", n);
  return hash;
}

// Token `n` of `family`, issued at kCreatedMs and valid until expires_ms.
RefreshToken MakeToken(int n, std::string_view family, std::string_view user_id,
                       int64_t expires_ms = kForever) {
  return RefreshToken{.token_hash = TokenHash(n),
                      .family_id = std::string(family),
                      .user_id = std::string(user_id),
                      .issued_ms = kCreatedMs + n,
                      .expires_ms = expires_ms};
}

Strings Names(const std::vector<User>& users) {
  Strings names;
  for (const User& user : users) names.push_back(user.name);
  return names;
}

Strings KeyIds(const std::vector<AccessKey>& keys) {
  Strings ids;
  for (const AccessKey& key : keys) ids.push_back(key.access_key);
  return ids;
}

// The value of `result`; on failure, adds a test failure and returns T{}.
template <typename T>
T ValueOf(common::Result<T> result) {
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? std::move(result).value() : T{};
}

Strings Sorted(Strings strings) {
  std::sort(strings.begin(), strings.end());
  return strings;
}

// --- Users -----------------------------------------------------------------

TEST_P(MetaStoreContractTest, ImplementsIdentityStore) {
  EXPECT_NE(Identity(store()), nullptr) << "every MetaStore must also be an IdentityStore";
}

TEST_P(MetaStoreContractTest, UserRoundTrip) {
  IdentityStore* ids = Identity(store());
  ASSERT_NE(ids, nullptr);
  const User alice = MakeUser("u-alice", "alice");
  User keys_only = MakeUser("u-robot", "robot@ci");
  keys_only.password_hash = "";
  keys_only.disabled = true;
  STRATA_ASSERT_OK(ids->CreateUser(alice));
  STRATA_ASSERT_OK(ids->CreateUser(keys_only));
  STRATA_ASSERT_OK_AND_ASSIGN(User by_id, ids->GetUser("u-alice"));
  EXPECT_EQ(by_id, alice);
  STRATA_ASSERT_OK_AND_ASSIGN(User by_name, ids->GetUserByName("robot@ci"));
  EXPECT_EQ(by_name, keys_only);
}

TEST_P(MetaStoreContractTest, UsersListedInNameOrder) {
  IdentityStore* ids = Identity(store());
  ASSERT_NE(ids, nullptr);
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<User> none, ids->ListUsers());
  EXPECT_TRUE(none.empty());
  // Ids in the opposite order to names, so an id-ordered list fails.
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u3", "carol")));
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u4", "alice")));
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u1", "dave")));
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u2", "bob")));
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<User> users, ids->ListUsers());
  EXPECT_EQ(Names(users), (Strings{"alice", "bob", "carol", "dave"}));
  ASSERT_EQ(users.size(), 4u);
  EXPECT_EQ(users[0], MakeUser("u4", "alice"));
}

TEST_P(MetaStoreContractTest, UserNameAndIdAreUnique) {
  IdentityStore* ids = Identity(store());
  ASSERT_NE(ids, nullptr);
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u1", "alice")));
  STRATA_EXPECT_CODE(ids->CreateUser(MakeUser("u1", "other")), Code::kEntityAlreadyExists);
  STRATA_EXPECT_CODE(ids->CreateUser(MakeUser("u2", "alice")), Code::kEntityAlreadyExists);
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<User> users, ids->ListUsers());
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0], MakeUser("u1", "alice"));
  STRATA_EXPECT_CODE(ids->GetUserByName("other"), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(ids->GetUser("u2"), Code::kNoSuchEntity);
}

TEST_P(MetaStoreContractTest, MissingUser) {
  IdentityStore* ids = Identity(store());
  ASSERT_NE(ids, nullptr);
  STRATA_EXPECT_CODE(ids->GetUser("u-nope"), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(ids->GetUserByName("nope"), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(ids->UpdateUser(MakeUser("u-nope", "nope")), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(ids->DeleteUser("u-nope"), Code::kNoSuchEntity);
  // The update created nothing.
  STRATA_EXPECT_CODE(ids->GetUser("u-nope"), Code::kNoSuchEntity);
}

TEST_P(MetaStoreContractTest, UpdateUserChangesOnlyPasswordAndDisabled) {
  IdentityStore* ids = Identity(store());
  ASSERT_NE(ids, nullptr);
  const User original = MakeUser("u1", "alice");
  STRATA_ASSERT_OK(ids->CreateUser(original));
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u2", "bob")));
  User update = original;
  update.name = "mallory";  // ignored
  update.created_ms = 1;    // ignored
  update.password_hash = "$argon2id$v=19$m=65536,t=3,p=4$new$hash";
  update.disabled = true;
  STRATA_ASSERT_OK(ids->UpdateUser(update));
  User expected = original;
  expected.password_hash = update.password_hash;
  expected.disabled = true;
  STRATA_ASSERT_OK_AND_ASSIGN(User now, ids->GetUser("u1"));
  EXPECT_EQ(now, expected);
  STRATA_EXPECT_CODE(ids->GetUserByName("mallory"), Code::kNoSuchEntity);
  // Back again, and the other user is untouched.
  STRATA_ASSERT_OK(ids->UpdateUser(original));
  STRATA_ASSERT_OK_AND_ASSIGN(User restored, ids->GetUserByName("alice"));
  EXPECT_EQ(restored, original);
  STRATA_ASSERT_OK_AND_ASSIGN(User bob, ids->GetUser("u2"));
  EXPECT_EQ(bob, MakeUser("u2", "bob"));
}

// DeleteUser takes every row that names the user with it, and nothing of
// another user's.
TEST_P(MetaStoreContractTest, DeleteUserCascades) {
  IdentityStore* ids = Identity(store());
  ASSERT_NE(ids, nullptr);
  for (std::string_view id : {"u-gone", "u-kept"}) {
    STRATA_ASSERT_OK(ids->CreateUser(MakeUser(id, id.substr(2))));
  }
  STRATA_ASSERT_OK(ids->CreateGroup({.name = "devs", .created_ms = kCreatedMs}));
  STRATA_ASSERT_OK(ids->PutPolicy({.name = "only-gone", .document = "{}"}));
  STRATA_ASSERT_OK(ids->CreateAccessKey(MakeKey("AK-GONE-1", "u-gone")));
  STRATA_ASSERT_OK(ids->CreateAccessKey(MakeKey("AK-GONE-2", "u-gone")));
  STRATA_ASSERT_OK(ids->CreateAccessKey(MakeKey("AK-KEPT", "u-kept")));
  STRATA_ASSERT_OK(ids->AddGroupMember("devs", "u-gone"));
  STRATA_ASSERT_OK(ids->AddGroupMember("devs", "u-kept"));
  STRATA_ASSERT_OK(ids->AttachPolicy(ToUser("shared", "u-gone")));
  STRATA_ASSERT_OK(ids->AttachPolicy(ToUser("shared", "u-kept")));
  STRATA_ASSERT_OK(ids->AttachPolicy(ToUser("only-gone", "u-gone")));
  STRATA_ASSERT_OK(ids->CreateRefreshToken(MakeToken(1, "family-gone", "u-gone")));
  STRATA_ASSERT_OK(ids->CreateRefreshToken(MakeToken(2, "family-kept", "u-kept")));

  STRATA_ASSERT_OK(ids->DeleteUser("u-gone"));

  STRATA_EXPECT_CODE(ids->GetUser("u-gone"), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(ids->GetUserByName("gone"), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(ids->GetAccessKey("AK-GONE-1"), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(ids->GetAccessKey("AK-GONE-2"), Code::kNoSuchEntity);
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<AccessKey> all_keys, ids->ListAccessKeys(""));
  EXPECT_EQ(KeyIds(all_keys), Strings{"AK-KEPT"});
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<AccessKey> gone_keys, ids->ListAccessKeys("u-gone"));
  EXPECT_TRUE(gone_keys.empty());
  EXPECT_EQ(ValueOf(ids->ListGroupMembers("devs")), Strings{"u-kept"});
  EXPECT_EQ(ValueOf(ids->ListUserGroups("u-gone")), Strings{});
  EXPECT_EQ(ValueOf(ids->ListAttachedPolicies(PrincipalKind::kUser, "u-gone")), Strings{});
  EXPECT_EQ(ValueOf(ids->ListPolicyAttachments("shared")),
            std::vector<PolicyAttachment>{ToUser("shared", "u-kept")});
  EXPECT_EQ(ValueOf(ids->EffectivePolicyNames("u-gone")), Strings{});
  STRATA_EXPECT_CODE(ids->SpendRefreshToken(TokenHash(1), kNowMs), Code::kNoSuchEntity);
  // Its attachment gone, the policy may be deleted.
  STRATA_EXPECT_OK(ids->DeletePolicy("only-gone"));
  // The other user keeps everything.
  STRATA_EXPECT_OK(ids->GetAccessKey("AK-KEPT"));
  EXPECT_EQ(ValueOf(ids->EffectivePolicyNames("u-kept")), Strings{"shared"});
  STRATA_EXPECT_OK(ids->SpendRefreshToken(TokenHash(2), kNowMs));
  // The name is free again (under a new id: ids are never reused).
  STRATA_EXPECT_OK(ids->CreateUser(MakeUser("u-gone-2", "gone")));
}

// --- Access keys -----------------------------------------------------------

TEST_P(MetaStoreContractTest, AccessKeyRoundTripAndOrder) {
  IdentityStore* ids = Identity(store());
  ASSERT_NE(ids, nullptr);
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u1", "alice")));
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u2", "bob")));
  // Creation order first, then key id: AK-B and AK-C share a time.
  STRATA_ASSERT_OK(ids->CreateAccessKey(MakeKey("AK-A", "u1", kCreatedMs + 300)));
  STRATA_ASSERT_OK(ids->CreateAccessKey(MakeKey("AK-C", "u1", kCreatedMs + 100)));
  STRATA_ASSERT_OK(ids->CreateAccessKey(MakeKey("AK-B", "u1", kCreatedMs + 100)));
  STRATA_ASSERT_OK(ids->CreateAccessKey(MakeKey("AK-0", "u2", kCreatedMs + 200)));
  STRATA_ASSERT_OK_AND_ASSIGN(AccessKey got, ids->GetAccessKey("AK-C"));
  EXPECT_EQ(got, MakeKey("AK-C", "u1", kCreatedMs + 100));
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<AccessKey> alice_keys, ids->ListAccessKeys("u1"));
  EXPECT_EQ(KeyIds(alice_keys), (Strings{"AK-B", "AK-C", "AK-A"}));
  ASSERT_EQ(alice_keys.size(), 3u);
  EXPECT_EQ(alice_keys[2], MakeKey("AK-A", "u1", kCreatedMs + 300));
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<AccessKey> bob_keys, ids->ListAccessKeys("u2"));
  EXPECT_EQ(KeyIds(bob_keys), Strings{"AK-0"});
  // identity_store.h promises no order for every key: compared as a set.
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<AccessKey> all, ids->ListAccessKeys(""));
  EXPECT_EQ(Sorted(KeyIds(all)), (Strings{"AK-0", "AK-A", "AK-B", "AK-C"}));
}

TEST_P(MetaStoreContractTest, AccessKeyErrors) {
  IdentityStore* ids = Identity(store());
  ASSERT_NE(ids, nullptr);
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u1", "alice")));
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u2", "bob")));
  STRATA_EXPECT_CODE(ids->CreateAccessKey(MakeKey("AK-ORPHAN", "u-nope")), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(ids->GetAccessKey("AK-ORPHAN"), Code::kNoSuchEntity);
  STRATA_ASSERT_OK(ids->CreateAccessKey(MakeKey("AK-1", "u1")));
  // Key ids are unique across users.
  AccessKey taken = MakeKey("AK-1", "u2", kCreatedMs + 5);
  taken.sealed_secret = "sealed:other";
  STRATA_EXPECT_CODE(ids->CreateAccessKey(taken), Code::kEntityAlreadyExists);
  STRATA_ASSERT_OK_AND_ASSIGN(AccessKey kept, ids->GetAccessKey("AK-1"));
  EXPECT_EQ(kept, MakeKey("AK-1", "u1"));
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<AccessKey> bob_keys, ids->ListAccessKeys("u2"));
  EXPECT_TRUE(bob_keys.empty());
  STRATA_EXPECT_CODE(ids->GetAccessKey("AK-NOPE"), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(ids->SetAccessKeyDisabled("AK-NOPE", true), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(ids->DeleteAccessKey("AK-NOPE"), Code::kNoSuchEntity);
}

TEST_P(MetaStoreContractTest, DisableAndDeleteAccessKey) {
  IdentityStore* ids = Identity(store());
  ASSERT_NE(ids, nullptr);
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u1", "alice")));
  STRATA_ASSERT_OK(ids->CreateAccessKey(MakeKey("AK-1", "u1")));
  STRATA_ASSERT_OK(ids->CreateAccessKey(MakeKey("AK-2", "u1", kCreatedMs + 1)));
  STRATA_ASSERT_OK(ids->SetAccessKeyDisabled("AK-1", true));
  AccessKey disabled = MakeKey("AK-1", "u1");
  disabled.disabled = true;
  EXPECT_EQ(ValueOf(ids->GetAccessKey("AK-1")), disabled);
  EXPECT_FALSE(ValueOf(ids->GetAccessKey("AK-2")).disabled);
  STRATA_ASSERT_OK(ids->SetAccessKeyDisabled("AK-1", true));  // already: no error
  STRATA_ASSERT_OK(ids->SetAccessKeyDisabled("AK-1", false));
  EXPECT_EQ(ValueOf(ids->GetAccessKey("AK-1")), MakeKey("AK-1", "u1"));

  STRATA_ASSERT_OK(ids->DeleteAccessKey("AK-1"));
  STRATA_EXPECT_CODE(ids->GetAccessKey("AK-1"), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(ids->DeleteAccessKey("AK-1"), Code::kNoSuchEntity);
  EXPECT_EQ(KeyIds(ValueOf(ids->ListAccessKeys("u1"))), Strings{"AK-2"});
  STRATA_EXPECT_OK(ids->GetUser("u1"));  // the user stays
}

// --- Groups ----------------------------------------------------------------

TEST_P(MetaStoreContractTest, GroupRoundTripAndOrder) {
  IdentityStore* ids = Identity(store());
  ASSERT_NE(ids, nullptr);
  STRATA_ASSERT_OK(ids->CreateGroup({.name = "ops", .created_ms = kCreatedMs + 2}));
  STRATA_ASSERT_OK(ids->CreateGroup({.name = "devs", .created_ms = kCreatedMs + 1}));
  STRATA_ASSERT_OK(ids->CreateGroup({.name = "admins", .created_ms = kCreatedMs + 3}));
  STRATA_EXPECT_CODE(ids->CreateGroup({.name = "devs", .created_ms = 5}),
                     Code::kEntityAlreadyExists);
  STRATA_ASSERT_OK_AND_ASSIGN(Group devs, ids->GetGroup("devs"));
  EXPECT_EQ(devs, (Group{.name = "devs", .created_ms = kCreatedMs + 1}));
  STRATA_EXPECT_CODE(ids->GetGroup("nope"), Code::kNoSuchEntity);
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<Group> groups, ids->ListGroups());
  EXPECT_EQ(groups, (std::vector<Group>{{.name = "admins", .created_ms = kCreatedMs + 3},
                                        {.name = "devs", .created_ms = kCreatedMs + 1},
                                        {.name = "ops", .created_ms = kCreatedMs + 2}}));
}

TEST_P(MetaStoreContractTest, GroupMembers) {
  IdentityStore* ids = Identity(store());
  ASSERT_NE(ids, nullptr);
  for (std::string_view id : {"u2", "u3", "u1"}) {
    STRATA_ASSERT_OK(ids->CreateUser(MakeUser(id, std::string("user-") + std::string(id))));
  }
  for (std::string_view name : {"ops", "devs"}) {
    STRATA_ASSERT_OK(ids->CreateGroup({.name = std::string(name), .created_ms = kCreatedMs}));
  }
  STRATA_ASSERT_OK(ids->AddGroupMember("devs", "u3"));
  STRATA_ASSERT_OK(ids->AddGroupMember("devs", "u1"));
  STRATA_ASSERT_OK(ids->AddGroupMember("devs", "u1"));  // twice: not an error
  STRATA_ASSERT_OK(ids->AddGroupMember("ops", "u1"));
  EXPECT_EQ(ValueOf(ids->ListGroupMembers("devs")), (Strings{"u1", "u3"}));
  EXPECT_EQ(ValueOf(ids->ListGroupMembers("ops")), Strings{"u1"});
  EXPECT_EQ(ValueOf(ids->ListUserGroups("u1")), (Strings{"devs", "ops"}));
  EXPECT_EQ(ValueOf(ids->ListUserGroups("u2")), Strings{});
  EXPECT_EQ(ValueOf(ids->ListUserGroups("u-nope")), Strings{});

  STRATA_EXPECT_CODE(ids->AddGroupMember("nope", "u2"), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(ids->AddGroupMember("devs", "u-nope"), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(ids->ListGroupMembers("nope"), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(ids->RemoveGroupMember("devs", "u2"), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(ids->RemoveGroupMember("nope", "u1"), Code::kNoSuchEntity);

  STRATA_ASSERT_OK(ids->RemoveGroupMember("devs", "u1"));
  EXPECT_EQ(ValueOf(ids->ListGroupMembers("devs")), Strings{"u3"});
  EXPECT_EQ(ValueOf(ids->ListUserGroups("u1")), Strings{"ops"});
  STRATA_EXPECT_CODE(ids->RemoveGroupMember("devs", "u1"), Code::kNoSuchEntity);
}

TEST_P(MetaStoreContractTest, DeleteGroupRefusedWhileItHasMembers) {
  IdentityStore* ids = Identity(store());
  ASSERT_NE(ids, nullptr);
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u1", "alice")));
  STRATA_ASSERT_OK(ids->CreateGroup({.name = "devs", .created_ms = kCreatedMs}));
  STRATA_ASSERT_OK(ids->CreateGroup({.name = "ops", .created_ms = kCreatedMs}));
  STRATA_ASSERT_OK(ids->AttachPolicy(ToGroup("p1", "devs")));
  STRATA_ASSERT_OK(ids->AttachPolicy(ToGroup("p1", "ops")));
  STRATA_ASSERT_OK(ids->AttachPolicy(ToGroup("p2", "devs")));
  STRATA_ASSERT_OK(ids->AddGroupMember("devs", "u1"));

  STRATA_EXPECT_CODE(ids->DeleteGroup("devs"), Code::kDeleteConflict);
  STRATA_EXPECT_OK(ids->GetGroup("devs"));
  EXPECT_EQ(ValueOf(ids->ListAttachedPolicies(PrincipalKind::kGroup, "devs")),
            (Strings{"p1", "p2"}));

  STRATA_ASSERT_OK(ids->RemoveGroupMember("devs", "u1"));
  STRATA_ASSERT_OK(ids->DeleteGroup("devs"));
  STRATA_EXPECT_CODE(ids->GetGroup("devs"), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(ids->DeleteGroup("devs"), Code::kNoSuchEntity);
  // Its attachments went with it; the other group's stay.
  EXPECT_EQ(ValueOf(ids->ListPolicyAttachments("p1")),
            std::vector<PolicyAttachment>{ToGroup("p1", "ops")});
  EXPECT_EQ(ValueOf(ids->ListPolicyAttachments("p2")), std::vector<PolicyAttachment>{});
  // A new group of the same name starts with nothing attached.
  STRATA_ASSERT_OK(ids->CreateGroup({.name = "devs", .created_ms = kCreatedMs}));
  EXPECT_EQ(ValueOf(ids->ListAttachedPolicies(PrincipalKind::kGroup, "devs")), Strings{});
}

// --- Policies and attachments ----------------------------------------------

TEST_P(MetaStoreContractTest, PutPolicyCreatesThenReplacesKeepingCreatedMs) {
  IdentityStore* ids = Identity(store());
  ASSERT_NE(ids, nullptr);
  const StoredPolicy first{.name = "readers",
                           .document = R"({"Version":"2012-10-17","Statement":[]})",
                           .created_ms = kCreatedMs,
                           .updated_ms = kCreatedMs};
  STRATA_ASSERT_OK(ids->PutPolicy(first));
  EXPECT_EQ(ValueOf(ids->GetPolicy("readers")), first);
  STRATA_ASSERT_OK(ids->PutPolicy({.name = "readers",
                                   .document = R"({"Statement":[{"Effect":"Deny"}]})",
                                   .created_ms = kCreatedMs + 999,  // ignored
                                   .updated_ms = kCreatedMs + 50}));
  EXPECT_EQ(ValueOf(ids->GetPolicy("readers")),
            (StoredPolicy{.name = "readers",
                          .document = R"({"Statement":[{"Effect":"Deny"}]})",
                          .created_ms = kCreatedMs,
                          .updated_ms = kCreatedMs + 50}));
  STRATA_ASSERT_OK(ids->PutPolicy({.name = "admins", .document = "{}", .created_ms = 1}));
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<StoredPolicy> policies, ids->ListPolicies());
  ASSERT_EQ(policies.size(), 2u);
  EXPECT_EQ(policies[0].name, "admins");
  EXPECT_EQ(policies[1].name, "readers");
  EXPECT_EQ(policies[1].created_ms, kCreatedMs);
  STRATA_EXPECT_CODE(ids->GetPolicy("nope"), Code::kNoSuchEntity);
}

TEST_P(MetaStoreContractTest, DeletePolicyRefusedWhileAttached) {
  IdentityStore* ids = Identity(store());
  ASSERT_NE(ids, nullptr);
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u1", "alice")));
  STRATA_ASSERT_OK(ids->CreateGroup({.name = "devs", .created_ms = kCreatedMs}));
  STRATA_ASSERT_OK(ids->PutPolicy({.name = "p", .document = "{}"}));
  STRATA_ASSERT_OK(ids->AttachPolicy(ToUser("p", "u1")));
  STRATA_EXPECT_CODE(ids->DeletePolicy("p"), Code::kDeleteConflict);
  STRATA_ASSERT_OK(ids->DetachPolicy(ToUser("p", "u1")));
  STRATA_ASSERT_OK(ids->AttachPolicy(ToGroup("p", "devs")));
  STRATA_EXPECT_CODE(ids->DeletePolicy("p"), Code::kDeleteConflict);
  STRATA_EXPECT_OK(ids->GetPolicy("p"));
  STRATA_ASSERT_OK(ids->DetachPolicy(ToGroup("p", "devs")));
  STRATA_ASSERT_OK(ids->DeletePolicy("p"));
  STRATA_EXPECT_CODE(ids->GetPolicy("p"), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(ids->DeletePolicy("p"), Code::kNoSuchEntity);
  EXPECT_TRUE(ValueOf(ids->ListPolicies()).empty());
}

TEST_P(MetaStoreContractTest, AttachAndDetachPolicies) {
  IdentityStore* ids = Identity(store());
  ASSERT_NE(ids, nullptr);
  // A user whose id is also a group's name: the kinds must not mix.
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("devs", "alice")));
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u1", "bob")));
  STRATA_ASSERT_OK(ids->CreateGroup({.name = "devs", .created_ms = kCreatedMs}));
  STRATA_ASSERT_OK(ids->CreateGroup({.name = "admins", .created_ms = kCreatedMs}));
  // Neither name has a stored policy (built-in roles have no row): allowed.
  STRATA_ASSERT_OK(ids->AttachPolicy(ToUser("zeta", "u1")));
  STRATA_ASSERT_OK(ids->AttachPolicy(ToUser("alpha", "u1")));
  STRATA_ASSERT_OK(ids->AttachPolicy(ToUser("alpha", "u1")));  // twice: not an error
  STRATA_ASSERT_OK(ids->AttachPolicy(ToGroup("alpha", "devs")));
  STRATA_ASSERT_OK(ids->AttachPolicy(ToGroup("alpha", "admins")));
  STRATA_ASSERT_OK(ids->AttachPolicy(ToUser("alpha", "devs")));
  STRATA_EXPECT_CODE(ids->AttachPolicy(ToUser("alpha", "u-nope")), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(ids->AttachPolicy(ToGroup("alpha", "nope")), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(ids->AttachPolicy(ToGroup("alpha", "u1")), Code::kNoSuchEntity);

  EXPECT_EQ(ValueOf(ids->ListAttachedPolicies(PrincipalKind::kUser, "u1")),
            (Strings{"alpha", "zeta"}));
  EXPECT_EQ(ValueOf(ids->ListAttachedPolicies(PrincipalKind::kGroup, "devs")), Strings{"alpha"});
  EXPECT_EQ(ValueOf(ids->ListAttachedPolicies(PrincipalKind::kUser, "devs")), Strings{"alpha"});
  // Users first, then by principal; nothing was stored for the failures.
  EXPECT_EQ(ValueOf(ids->ListPolicyAttachments("alpha")),
            (std::vector<PolicyAttachment>{ToUser("alpha", "devs"), ToUser("alpha", "u1"),
                                           ToGroup("alpha", "admins"), ToGroup("alpha", "devs")}));
  EXPECT_EQ(ValueOf(ids->ListPolicyAttachments("nope")), std::vector<PolicyAttachment>{});

  STRATA_ASSERT_OK(ids->DetachPolicy(ToGroup("alpha", "devs")));
  STRATA_EXPECT_CODE(ids->DetachPolicy(ToGroup("alpha", "devs")), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(ids->DetachPolicy(ToUser("zeta", "devs")), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(ids->DetachPolicy(ToGroup("zeta", "u-nope")), Code::kNoSuchEntity);
  // The user "devs" keeps its own attachment.
  EXPECT_EQ(ValueOf(ids->ListAttachedPolicies(PrincipalKind::kUser, "devs")), Strings{"alpha"});
  EXPECT_EQ(ValueOf(ids->ListAttachedPolicies(PrincipalKind::kGroup, "devs")), Strings{});
}

TEST_P(MetaStoreContractTest, EffectivePolicyNamesJoinsUserAndGroups) {
  IdentityStore* ids = Identity(store());
  ASSERT_NE(ids, nullptr);
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u1", "alice")));
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u2", "bob")));
  for (std::string_view name : {"g1", "g2", "g3"}) {
    STRATA_ASSERT_OK(ids->CreateGroup({.name = std::string(name), .created_ms = kCreatedMs}));
  }
  STRATA_ASSERT_OK(ids->AttachPolicy(ToUser("c", "u1")));
  STRATA_ASSERT_OK(ids->AttachPolicy(ToUser("a", "u1")));
  STRATA_ASSERT_OK(ids->AttachPolicy(ToGroup("b", "g1")));
  STRATA_ASSERT_OK(ids->AttachPolicy(ToGroup("a", "g1")));
  STRATA_ASSERT_OK(ids->AttachPolicy(ToGroup("d", "g2")));
  STRATA_ASSERT_OK(ids->AttachPolicy(ToGroup("c", "g2")));
  STRATA_ASSERT_OK(ids->AttachPolicy(ToGroup("z", "g3")));  // u1 is not in g3
  STRATA_ASSERT_OK(ids->AttachPolicy(ToUser("y", "u2")));
  STRATA_ASSERT_OK(ids->AddGroupMember("g1", "u1"));
  STRATA_ASSERT_OK(ids->AddGroupMember("g2", "u1"));
  STRATA_ASSERT_OK(ids->AddGroupMember("g2", "u2"));

  // "a" and "c" come both directly and through a group: listed once.
  EXPECT_EQ(ValueOf(ids->EffectivePolicyNames("u1")), (Strings{"a", "b", "c", "d"}));
  EXPECT_EQ(ValueOf(ids->EffectivePolicyNames("u2")), (Strings{"c", "d", "y"}));
  STRATA_ASSERT_OK(ids->RemoveGroupMember("g2", "u1"));
  EXPECT_EQ(ValueOf(ids->EffectivePolicyNames("u1")), (Strings{"a", "b", "c"}));
  STRATA_ASSERT_OK(ids->DetachPolicy(ToUser("c", "u1")));
  EXPECT_EQ(ValueOf(ids->EffectivePolicyNames("u1")), (Strings{"a", "b"}));
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u3", "carol")));
  EXPECT_EQ(ValueOf(ids->EffectivePolicyNames("u3")), Strings{});
}

// --- Login sessions --------------------------------------------------------

TEST_P(MetaStoreContractTest, SpendRefreshTokenOnce) {
  IdentityStore* ids = Identity(store());
  ASSERT_NE(ids, nullptr);
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u1", "alice")));
  const RefreshToken token = MakeToken(1, "family-1", "u1", kNowMs + 1000);
  STRATA_ASSERT_OK(ids->CreateRefreshToken(token));
  STRATA_ASSERT_OK_AND_ASSIGN(RefreshToken spent, ids->SpendRefreshToken(token.token_hash, kNowMs));
  EXPECT_EQ(spent, token);  // as it was before spending
  STRATA_EXPECT_CODE(ids->SpendRefreshToken(token.token_hash, kNowMs), Code::kInvalidToken);
}

TEST_P(MetaStoreContractTest, RefreshTokenErrors) {
  IdentityStore* ids = Identity(store());
  ASSERT_NE(ids, nullptr);
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u1", "alice")));
  STRATA_EXPECT_CODE(ids->SpendRefreshToken(TokenHash(1), kNowMs), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(ids->CreateRefreshToken(MakeToken(1, "family-1", "u-nope")),
                     Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(ids->SpendRefreshToken(TokenHash(1), kNowMs), Code::kNoSuchEntity);
  STRATA_ASSERT_OK(ids->CreateRefreshToken(MakeToken(1, "family-1", "u1")));
  STRATA_EXPECT_CODE(ids->CreateRefreshToken(MakeToken(1, "family-2", "u1")),
                     Code::kEntityAlreadyExists);
  // The original row is the one that stayed.
  STRATA_ASSERT_OK_AND_ASSIGN(RefreshToken spent, ids->SpendRefreshToken(TokenHash(1), kNowMs));
  EXPECT_EQ(spent.family_id, "family-1");
}

// Presenting a spent token again is a replay: it fails, and every token of
// its family dies with it, including the one issued when it was spent.
TEST_P(MetaStoreContractTest, ReplayedRefreshTokenRevokesItsFamily) {
  IdentityStore* ids = Identity(store());
  ASSERT_NE(ids, nullptr);
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u1", "alice")));
  STRATA_ASSERT_OK(ids->CreateRefreshToken(MakeToken(1, "family-1", "u1")));
  STRATA_ASSERT_OK(ids->CreateRefreshToken(MakeToken(10, "family-2", "u1")));
  STRATA_ASSERT_OK(ids->SpendRefreshToken(TokenHash(1), kNowMs));
  // The rotation: token 2 replaces token 1 in the family.
  STRATA_ASSERT_OK(ids->CreateRefreshToken(MakeToken(2, "family-1", "u1")));

  STRATA_EXPECT_CODE(ids->SpendRefreshToken(TokenHash(1), kNowMs), Code::kInvalidToken);
  STRATA_EXPECT_CODE(ids->SpendRefreshToken(TokenHash(2), kNowMs), Code::kInvalidToken);
  STRATA_EXPECT_CODE(ids->SpendRefreshToken(TokenHash(2), kNowMs), Code::kInvalidToken);
  // Another login of the same user is not touched.
  STRATA_EXPECT_OK(ids->SpendRefreshToken(TokenHash(10), kNowMs));
}

TEST_P(MetaStoreContractTest, ExpiredRefreshTokenFailsAndChangesNothing) {
  IdentityStore* ids = Identity(store());
  ASSERT_NE(ids, nullptr);
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u1", "alice")));
  STRATA_ASSERT_OK(ids->CreateRefreshToken(MakeToken(1, "family-1", "u1", kNowMs)));
  STRATA_ASSERT_OK(ids->CreateRefreshToken(MakeToken(2, "family-1", "u1", kNowMs + 10)));
  // expires_ms <= now_ms is expired.
  STRATA_EXPECT_CODE(ids->SpendRefreshToken(TokenHash(1), kNowMs), Code::kInvalidToken);
  STRATA_EXPECT_CODE(ids->SpendRefreshToken(TokenHash(1), kNowMs + 5), Code::kInvalidToken);
  // Not spent and the family not revoked: both still spend at an earlier now.
  STRATA_EXPECT_OK(ids->SpendRefreshToken(TokenHash(2), kNowMs + 9));
  STRATA_EXPECT_OK(ids->SpendRefreshToken(TokenHash(1), kNowMs - 1));
}

TEST_P(MetaStoreContractTest, RevokeRefreshFamilyAndUserTokens) {
  IdentityStore* ids = Identity(store());
  ASSERT_NE(ids, nullptr);
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u1", "alice")));
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u2", "bob")));
  STRATA_ASSERT_OK(ids->CreateRefreshToken(MakeToken(1, "family-1", "u1")));
  STRATA_ASSERT_OK(ids->CreateRefreshToken(MakeToken(2, "family-1", "u1")));
  STRATA_ASSERT_OK(ids->CreateRefreshToken(MakeToken(3, "family-2", "u1")));
  STRATA_ASSERT_OK(ids->CreateRefreshToken(MakeToken(4, "family-3", "u1")));
  STRATA_ASSERT_OK(ids->CreateRefreshToken(MakeToken(5, "family-4", "u2")));

  STRATA_ASSERT_OK(ids->RevokeRefreshFamily("family-1"));  // logout
  STRATA_ASSERT_OK(ids->RevokeRefreshFamily("family-nope"));
  STRATA_EXPECT_CODE(ids->SpendRefreshToken(TokenHash(1), kNowMs), Code::kInvalidToken);
  STRATA_EXPECT_CODE(ids->SpendRefreshToken(TokenHash(2), kNowMs), Code::kInvalidToken);
  STRATA_EXPECT_OK(ids->SpendRefreshToken(TokenHash(3), kNowMs));

  STRATA_ASSERT_OK(ids->RevokeUserRefreshTokens("u1"));  // password change
  STRATA_EXPECT_CODE(ids->SpendRefreshToken(TokenHash(4), kNowMs), Code::kInvalidToken);
  STRATA_EXPECT_OK(ids->SpendRefreshToken(TokenHash(5), kNowMs));
}

TEST_P(MetaStoreContractTest, DeleteExpiredRefreshTokens) {
  IdentityStore* ids = Identity(store());
  ASSERT_NE(ids, nullptr);
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u1", "alice")));
  for (int n = 1; n <= 4; ++n) {
    STRATA_ASSERT_OK(ids->CreateRefreshToken(MakeToken(n, "family-1", "u1", kNowMs + 100 * n)));
  }
  // A spent token goes too, once expired.
  STRATA_ASSERT_OK(ids->SpendRefreshToken(TokenHash(2), kNowMs));
  STRATA_ASSERT_OK_AND_ASSIGN(uint64_t none, ids->DeleteExpiredRefreshTokens(kNowMs));
  EXPECT_EQ(none, 0u);
  // Expired before now: token 3 expires exactly at now_ms and stays.
  STRATA_ASSERT_OK_AND_ASSIGN(uint64_t deleted, ids->DeleteExpiredRefreshTokens(kNowMs + 300));
  EXPECT_EQ(deleted, 2u);
  STRATA_EXPECT_CODE(ids->SpendRefreshToken(TokenHash(1), kNowMs), Code::kNoSuchEntity);
  STRATA_EXPECT_CODE(ids->SpendRefreshToken(TokenHash(2), kNowMs), Code::kNoSuchEntity);
  STRATA_ASSERT_OK_AND_ASSIGN(uint64_t again, ids->DeleteExpiredRefreshTokens(kNowMs + 300));
  EXPECT_EQ(again, 0u);
  STRATA_EXPECT_OK(ids->SpendRefreshToken(TokenHash(3), kNowMs));
  STRATA_EXPECT_OK(ids->SpendRefreshToken(TokenHash(4), kNowMs));
}

// Racing refreshes with one token: exactly one gets it. Each of the others is
// a replay (kInvalidToken), which revokes the family.
TEST_P(MetaStoreContractTest, ConcurrentSpendHasOneWinner) {
  IdentityStore* ids = Identity(store());
  ASSERT_NE(ids, nullptr);
  STRATA_ASSERT_OK(ids->CreateUser(MakeUser("u1", "alice")));
  constexpr int kRounds = 5;
  constexpr int kThreads = 4;
  for (int round = 0; round < kRounds; ++round) {
    const std::string family = "family-" + std::to_string(round);
    STRATA_ASSERT_OK(ids->CreateRefreshToken(MakeToken(round, family, "u1")));
    std::atomic<bool> go = false;
    std::atomic<int> winners = 0;
    std::atomic<int> replays = 0;
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&] {
        while (!go) std::this_thread::yield();
        auto spent = ids->SpendRefreshToken(TokenHash(round), kNowMs);
        if (spent.ok()) {
          ++winners;
        } else if (spent.status().code() == Code::kInvalidToken) {
          ++replays;
        }
      });
    }
    go = true;
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(winners, 1) << "round " << round;
    EXPECT_EQ(replays, kThreads - 1) << "round " << round;
  }
}

}  // namespace
}  // namespace strata::meta::contract
