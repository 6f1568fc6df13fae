#include "identity/identity_service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "common/clock.h"
#include "common/random.h"
#include "identity/admin_actions.h"
#include "meta/internal/contract_util.h"
#include "meta/sqlite/sqlite_meta_store.h"

namespace strata::identity {
namespace {

using common::Code;
namespace policy = auth::policy;

constexpr int64_t kStart = 1764550000000;

auth::SecretKey TestKey(uint8_t fill) {
  auth::SecretKey key;
  key.fill(fill);
  return key;
}

class IdentityServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("identity_test_" + common::RandomHexId(random_, 8));
    std::filesystem::create_directories(dir_);
    auto opened = meta::sqlite::SqliteMetaStore::Open((dir_ / "meta.db").string());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    clock_.Set(kStart);
    service_ = MakeService(TestKey(7));
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<IdentityService> MakeService(const auth::SecretKey& key) {
    master_ = std::make_unique<auth::MasterKey>(key);
    IdentityOptions options;
    options.password_cost = {.memory_kib = 64, .passes = 1, .lanes = 1};
    return std::make_unique<IdentityService>(
        *store_, *master_,
        auth::Credential{.access_key = "rootkey", .secret_key = "rootsecret1", .user = "rootkey"},
        clock_, random_, options);
  }

  Caller Root() { return service_->CallerFor({.access_key = "rootkey", .user = "rootkey"}); }

  // Creates a user with a password and the given policies; returns its caller.
  Caller MakeUser(const std::string& name, std::vector<std::string> policies = {}) {
    auto user = service_->CreateUser(
        Root(), {.name = name, .password = "password-" + name, .policies = std::move(policies)});
    EXPECT_TRUE(user.ok()) << user.status().ToString();
    return Caller{.kind = Caller::Kind::kUser,
                  .user_id = user.ok() ? user->id : "",
                  .user_name = name,
                  .access_key = ""};
  }

  bool Allowed(const Caller& caller, std::string action, std::string resource,
               std::string bucket_policy = "") {
    policy::Request request;
    request.action = std::move(action);
    request.resource = std::move(resource);
    auto decision = service_->Authorize(caller, std::move(request), bucket_policy);
    EXPECT_TRUE(decision.ok()) << decision.status().ToString();
    return decision.ok() && decision->allowed();
  }

  std::filesystem::path dir_;
  common::SecureRandom random_;
  common::FixedClock clock_{kStart};
  std::unique_ptr<meta::sqlite::SqliteMetaStore> store_;
  std::unique_ptr<auth::MasterKey> master_;
  std::unique_ptr<IdentityService> service_;
};

TEST_F(IdentityServiceTest, RootLogsInWithItsKeyAndSecret) {
  STRATA_ASSERT_OK_AND_ASSIGN(Session session,
                              service_->Login("rootkey", "rootsecret1", "10.0.0.1"));
  EXPECT_EQ(session.expires_in_s, 900);
  STRATA_ASSERT_OK_AND_ASSIGN(Caller caller, service_->AuthenticateBearer(session.access_token));
  EXPECT_TRUE(caller.is_root());
  EXPECT_EQ(caller.user_name, "rootkey");
  // The hidden row behind root's sessions is not a user anyone sees.
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<UserInfo> users, service_->ListUsers(Root()));
  EXPECT_TRUE(users.empty());
  STRATA_EXPECT_CODE(service_->Login("rootkey", "wrong", "10.0.0.1"), Code::kAccessDenied);
}

TEST_F(IdentityServiceTest, UserLoginBearerAndWrongPassword) {
  Caller alice = MakeUser("alice", {"readonly"});
  STRATA_ASSERT_OK_AND_ASSIGN(Session session,
                              service_->Login("alice", "password-alice", "10.0.0.1"));
  STRATA_ASSERT_OK_AND_ASSIGN(Caller caller, service_->AuthenticateBearer(session.access_token));
  EXPECT_EQ(caller.kind, Caller::Kind::kUser);
  EXPECT_EQ(caller.user_id, alice.user_id);
  auto wrong = service_->Login("alice", "password-bob", "10.0.0.1");
  auto unknown = service_->Login("nobody", "password-bob", "10.0.0.1");
  STRATA_EXPECT_CODE(wrong, Code::kAccessDenied);
  STRATA_EXPECT_CODE(unknown, Code::kAccessDenied);
  // One message for both: the answer does not say which names exist.
  EXPECT_EQ(wrong.status().message(), unknown.status().message());
}

TEST_F(IdentityServiceTest, AccessTokenExpires) {
  MakeUser("alice");
  STRATA_ASSERT_OK_AND_ASSIGN(Session session,
                              service_->Login("alice", "password-alice", "10.0.0.1"));
  clock_.Set(kStart + 15 * 60 * 1000);
  STRATA_EXPECT_CODE(service_->AuthenticateBearer(session.access_token), Code::kInvalidToken);
}

TEST_F(IdentityServiceTest, TokensFromAnotherMasterKeyAreRefused) {
  MakeUser("alice");
  STRATA_ASSERT_OK_AND_ASSIGN(Session session,
                              service_->Login("alice", "password-alice", "10.0.0.1"));
  service_ = MakeService(TestKey(8));
  STRATA_EXPECT_CODE(service_->AuthenticateBearer(session.access_token), Code::kInvalidToken);
}

TEST_F(IdentityServiceTest, RefreshRotatesAndReuseRevokesTheFamily) {
  MakeUser("alice");
  STRATA_ASSERT_OK_AND_ASSIGN(Session first,
                              service_->Login("alice", "password-alice", "10.0.0.1"));
  STRATA_ASSERT_OK_AND_ASSIGN(Session second, service_->Refresh(first.refresh_token));
  EXPECT_NE(second.refresh_token, first.refresh_token);
  // The first token again: stolen. Its family goes, including `second`.
  STRATA_EXPECT_CODE(service_->Refresh(first.refresh_token), Code::kInvalidToken);
  STRATA_EXPECT_CODE(service_->Refresh(second.refresh_token), Code::kInvalidToken);
  // Another login is another family, unaffected.
  STRATA_ASSERT_OK_AND_ASSIGN(Session other,
                              service_->Login("alice", "password-alice", "10.0.0.2"));
  STRATA_EXPECT_OK(service_->Refresh(other.refresh_token));
}

TEST_F(IdentityServiceTest, RefreshTokenIsNotAnAccessToken) {
  MakeUser("alice");
  STRATA_ASSERT_OK_AND_ASSIGN(Session session,
                              service_->Login("alice", "password-alice", "10.0.0.1"));
  STRATA_EXPECT_CODE(service_->AuthenticateBearer(session.refresh_token), Code::kInvalidToken);
  STRATA_EXPECT_CODE(service_->Refresh(session.access_token), Code::kInvalidToken);
}

TEST_F(IdentityServiceTest, LogoutEndsTheFamily) {
  MakeUser("alice");
  STRATA_ASSERT_OK_AND_ASSIGN(Session session,
                              service_->Login("alice", "password-alice", "10.0.0.1"));
  STRATA_ASSERT_OK_AND_ASSIGN(Session next, service_->Refresh(session.refresh_token));
  STRATA_EXPECT_OK(service_->Logout(next.refresh_token));
  STRATA_EXPECT_CODE(service_->Refresh(next.refresh_token), Code::kInvalidToken);
}

TEST_F(IdentityServiceTest, FailedLoginsAreRateLimited) {
  MakeUser("alice");
  for (int i = 0; i < 5; ++i) {
    STRATA_EXPECT_CODE(service_->Login("alice", "bad-password", "10.0.0.1"), Code::kAccessDenied);
  }
  // Locked out, even with the right password.
  STRATA_EXPECT_CODE(service_->Login("alice", "password-alice", "10.0.0.9"),
                     Code::kTooManyRequests);
  clock_.Set(kStart + 61 * 1000);
  STRATA_EXPECT_OK(service_->Login("alice", "password-alice", "10.0.0.9"));
}

TEST_F(IdentityServiceTest, DisabledUserCannotLogInAndSessionsEnd) {
  MakeUser("alice");
  STRATA_ASSERT_OK_AND_ASSIGN(Session session,
                              service_->Login("alice", "password-alice", "10.0.0.1"));
  STRATA_ASSERT_OK(service_->SetUserDisabled(Root(), "alice", true));
  STRATA_EXPECT_CODE(service_->AuthenticateBearer(session.access_token), Code::kInvalidToken);
  STRATA_EXPECT_CODE(service_->Refresh(session.refresh_token), Code::kInvalidToken);
  STRATA_EXPECT_CODE(service_->Login("alice", "password-alice", "10.0.0.1"), Code::kAccessDenied);
}

TEST_F(IdentityServiceTest, AccessKeysSignUntilDisabledOrDeleted) {
  MakeUser("alice");
  STRATA_ASSERT_OK_AND_ASSIGN(NewKey key, service_->CreateAccessKey(Root(), "alice", "laptop"));
  EXPECT_EQ(key.info.access_key.size(), 20u);
  EXPECT_EQ(key.secret_key.size(), 40u);
  STRATA_ASSERT_OK_AND_ASSIGN(auth::Credential credential,
                              service_->credentials().Lookup(key.info.access_key));
  EXPECT_EQ(credential.secret_key, key.secret_key);
  EXPECT_EQ(credential.user, "alice");
  Caller caller = service_->CallerFor(credential);
  EXPECT_EQ(caller.kind, Caller::Kind::kUser);
  EXPECT_EQ(caller.access_key, key.info.access_key);

  // Stored sealed: the secret is nowhere in the row.
  STRATA_ASSERT_OK_AND_ASSIGN(meta::AccessKey row, store_->GetAccessKey(key.info.access_key));
  EXPECT_EQ(row.sealed_secret.find(key.secret_key), std::string::npos);

  STRATA_ASSERT_OK(service_->SetAccessKeyDisabled(Root(), key.info.access_key, true));
  STRATA_EXPECT_CODE(service_->credentials().Lookup(key.info.access_key),
                     Code::kInvalidAccessKeyId);
  STRATA_ASSERT_OK(service_->SetAccessKeyDisabled(Root(), key.info.access_key, false));
  STRATA_ASSERT_OK(service_->SetUserDisabled(Root(), "alice", true));
  STRATA_EXPECT_CODE(service_->credentials().Lookup(key.info.access_key),
                     Code::kInvalidAccessKeyId);
  STRATA_ASSERT_OK(service_->SetUserDisabled(Root(), "alice", false));
  STRATA_ASSERT_OK(service_->DeleteAccessKey(Root(), key.info.access_key));
  STRATA_EXPECT_CODE(service_->credentials().Lookup(key.info.access_key),
                     Code::kInvalidAccessKeyId);
}

TEST_F(IdentityServiceTest, UsersManageTheirOwnKeysOnly) {
  Caller alice = MakeUser("alice");
  MakeUser("bob");
  STRATA_ASSERT_OK_AND_ASSIGN(NewKey mine, service_->CreateAccessKey(alice, "alice", ""));
  STRATA_ASSERT_OK_AND_ASSIGN(NewKey bobs, service_->CreateAccessKey(Root(), "bob", ""));
  STRATA_EXPECT_CODE(service_->CreateAccessKey(alice, "bob", ""), Code::kAccessDenied);
  STRATA_EXPECT_CODE(service_->DeleteAccessKey(alice, bobs.info.access_key), Code::kAccessDenied);
  STRATA_EXPECT_CODE(service_->DeleteAccessKey(alice, "SKNOSUCHKEY"), Code::kAccessDenied);
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<KeyInfo> keys, service_->ListAccessKeys(alice, "alice"));
  ASSERT_EQ(keys.size(), 1u);
  STRATA_EXPECT_OK(service_->DeleteAccessKey(alice, mine.info.access_key));
}

TEST_F(IdentityServiceTest, ReadonlyUserReadsButDoesNotWrite) {
  Caller reader = MakeUser("reader", {"readonly"});
  EXPECT_TRUE(Allowed(reader, "s3:GetObject", "arn:aws:s3:::photos/cat.jpg"));
  EXPECT_TRUE(Allowed(reader, "s3:ListBucket", "arn:aws:s3:::photos"));
  EXPECT_FALSE(Allowed(reader, "s3:PutObject", "arn:aws:s3:::photos/cat.jpg"));
  EXPECT_FALSE(Allowed(reader, "s3:DeleteObject", "arn:aws:s3:::photos/cat.jpg"));
  STRATA_EXPECT_CODE(service_->RequireAdmin(reader, admin_action::kListUsers), Code::kAccessDenied);
  EXPECT_TRUE(Allowed(Root(), "s3:PutObject", "arn:aws:s3:::photos/cat.jpg"));
}

TEST_F(IdentityServiceTest, GroupPoliciesApplyToMembers) {
  Caller dev = MakeUser("dev");
  STRATA_ASSERT_OK(service_->CreateGroup(Root(), "devs"));
  STRATA_ASSERT_OK(service_->AttachPolicy(Root(), "readwrite", "", "devs"));
  EXPECT_FALSE(Allowed(dev, "s3:PutObject", "arn:aws:s3:::b/k"));
  STRATA_ASSERT_OK(service_->AddGroupMember(Root(), "devs", "dev"));
  EXPECT_TRUE(Allowed(dev, "s3:PutObject", "arn:aws:s3:::b/k"));
  STRATA_EXPECT_CODE(service_->DeleteGroup(Root(), "devs"), Code::kDeleteConflict);
  STRATA_ASSERT_OK(service_->RemoveGroupMember(Root(), "devs", "dev"));
  EXPECT_FALSE(Allowed(dev, "s3:PutObject", "arn:aws:s3:::b/k"));
  STRATA_EXPECT_OK(service_->DeleteGroup(Root(), "devs"));
}

TEST_F(IdentityServiceTest, BucketScopedPolicyWithUserVariable) {
  Caller alice = MakeUser("alice");
  STRATA_ASSERT_OK(service_->PutPolicy(Root(), "home",
                                       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
                 "Action":"s3:*","Resource":["arn:aws:s3:::home/${aws:username}/*"]}]})"));
  STRATA_ASSERT_OK(service_->AttachPolicy(Root(), "home", "alice", ""));
  EXPECT_TRUE(Allowed(alice, "s3:PutObject", "arn:aws:s3:::home/alice/notes.txt"));
  EXPECT_FALSE(Allowed(alice, "s3:PutObject", "arn:aws:s3:::home/bob/notes.txt"));
  STRATA_EXPECT_CODE(service_->DeletePolicy(Root(), "home"), Code::kDeleteConflict);
}

TEST_F(IdentityServiceTest, AnonymousOnlyThroughABucketPolicy) {
  const std::string public_read = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pub/*"}]})";
  EXPECT_FALSE(Allowed(Caller::Anonymous(), "s3:GetObject", "arn:aws:s3:::pub/a"));
  EXPECT_TRUE(Allowed(Caller::Anonymous(), "s3:GetObject", "arn:aws:s3:::pub/a", public_read));
  EXPECT_FALSE(Allowed(Caller::Anonymous(), "s3:PutObject", "arn:aws:s3:::pub/a", public_read));
}

TEST_F(IdentityServiceTest, UserManagersCannotMintAdmins) {
  STRATA_ASSERT_OK(service_->PutPolicy(Root(), "user-manager",
                                       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
                 "Action":["admin:CreateUser","admin:AttachPolicy","admin:ListUsers"],
                 "Resource":"*"}]})"));
  Caller manager = MakeUser("manager", {"user-manager"});
  STRATA_EXPECT_CODE(service_->CreateUser(
                         manager, {.name = "evil", .password = "password1", .policies = {"admin"}}),
                     Code::kAccessDenied);
  STRATA_EXPECT_CODE(
      service_->CreateUser(manager,
                           {.name = "evil", .password = "password1", .policies = {"diagnostics"}}),
      Code::kAccessDenied);
  STRATA_ASSERT_OK(service_->CreateUser(
      manager, {.name = "clerk", .password = "password1", .policies = {"readonly"}}));
  STRATA_EXPECT_CODE(service_->AttachPolicy(manager, "readwrite", "manager", ""),
                     Code::kAccessDenied);
  STRATA_EXPECT_CODE(service_->AttachPolicy(manager, "admin", "clerk", ""), Code::kAccessDenied);
  STRATA_EXPECT_OK(service_->AttachPolicy(manager, "readwrite", "clerk", ""));
  // Nor write a policy that grants admin actions.
  STRATA_EXPECT_CODE(service_->PutPolicy(manager, "sneaky",
                                         R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
                 "NotAction":"s3:*","Resource":"*"}]})"),
                     Code::kAccessDenied);
}

TEST_F(IdentityServiceTest, PolicyValidation) {
  auto bad = service_->PutPolicy(Root(), "broken",
                                 R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualz":{"a":"b"}}}]})");
  STRATA_EXPECT_CODE(bad, Code::kMalformedPolicy);
  EXPECT_NE(bad.status().message().find("StringEqualz"), std::string::npos);
  STRATA_EXPECT_CODE(service_->PutPolicy(Root(), "readonly", "{}"), Code::kInvalidArgument);
  STRATA_EXPECT_CODE(service_->DeletePolicy(Root(), "admin"), Code::kInvalidArgument);
  STRATA_EXPECT_CODE(service_->AttachPolicy(Root(), "nope", "", ""), Code::kInvalidArgument);
  MakeUser("alice");
  STRATA_EXPECT_CODE(service_->AttachPolicy(Root(), "nope", "alice", ""), Code::kNoSuchEntity);
  STRATA_ASSERT_OK_AND_ASSIGN(std::vector<PolicyInfo> all, service_->ListPolicies(Root()));
  ASSERT_GE(all.size(), 5u);
  EXPECT_EQ(all[0].name, "admin");
  EXPECT_TRUE(all[0].builtin);
}

TEST_F(IdentityServiceTest, UserNameRules) {
  STRATA_EXPECT_CODE(service_->CreateUser(Root(), {.name = "bad name"}), Code::kInvalidArgument);
  STRATA_EXPECT_CODE(service_->CreateUser(Root(), {.name = "rootkey"}), Code::kInvalidArgument);
  STRATA_EXPECT_CODE(service_->CreateUser(Root(), {.name = "(root)"}), Code::kInvalidArgument);
  STRATA_EXPECT_CODE(service_->CreateUser(Root(), {.name = "short", .password = "1234567"}),
                     Code::kInvalidArgument);
  MakeUser("a.b@c=d,e+f_g-h");
  STRATA_EXPECT_CODE(service_->CreateUser(Root(), {.name = "a.b@c=d,e+f_g-h"}),
                     Code::kEntityAlreadyExists);
}

TEST_F(IdentityServiceTest, PasswordChangeEndsSessions) {
  Caller alice = MakeUser("alice");
  STRATA_ASSERT_OK_AND_ASSIGN(Session session,
                              service_->Login("alice", "password-alice", "10.0.0.1"));
  STRATA_ASSERT_OK(service_->SetPassword(alice, "alice", "a-new-password"));
  STRATA_EXPECT_CODE(service_->Refresh(session.refresh_token), Code::kInvalidToken);
  STRATA_EXPECT_CODE(service_->AuthenticateBearer(session.access_token), Code::kInvalidToken);
  STRATA_EXPECT_CODE(service_->Login("alice", "password-alice", "10.0.0.1"), Code::kAccessDenied);
  STRATA_EXPECT_OK(service_->Login("alice", "a-new-password", "10.0.0.1"));
  // Another user's password needs admin:SetUserPassword.
  MakeUser("bob");
  STRATA_EXPECT_CODE(service_->SetPassword(alice, "bob", "a-new-password"), Code::kAccessDenied);
}

}  // namespace
}  // namespace strata::identity
