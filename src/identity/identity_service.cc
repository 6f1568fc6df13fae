// IdentityService: construction, authentication (access keys, passwords,
// bearer tokens), login sessions, and authorization.
#include "identity/identity_service.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "auth/policy/managed.h"
#include "auth/policy/parser.h"
#include "auth/session/password.h"
#include "common/hash.h"
#include "common/random.h"
#include "identity/admin_actions.h"
#include "identity/internal/service_impl.h"

namespace strata::identity {

using common::Code;
using common::Error;
namespace policy = auth::policy;

auth::policy::Principal Caller::ToPrincipal() const {
  if (kind == Kind::kAnonymous) return policy::Principal::Anonymous();
  return policy::Principal::User(kAccountId, user_name);
}

// SigV4's credential source: root first, then the store. A key read from the
// store is checked against its user on every request, so disabling or
// deleting either stops the key at once.
class IdentityService::KeyCredentials final : public auth::CredentialStore {
 public:
  explicit KeyCredentials(Impl& impl) : impl_(impl) {}

  common::Result<auth::Credential> Lookup(std::string_view access_key) override {
    if (common::ConstantTimeEquals(access_key, impl_.root.access_key)) return impl_.root;
    auto key = impl_.store.GetAccessKey(access_key);
    if (!key.ok()) {
      if (key.status().code() == Code::kNoSuchEntity) return Unknown();
      return key.status();
    }
    if (key->disabled) return Unknown();
    auto user = impl_.store.GetUser(key->user_id);
    if (!user.ok()) {
      if (user.status().code() == Code::kNoSuchEntity) return Unknown();
      return user.status();
    }
    if (user->disabled) return Unknown();
    auto secret = impl_.secret_box.Open(key->sealed_secret, key->access_key);
    if (!secret.ok()) {
      // Sealed under another master key, or altered: the key cannot sign.
      spdlog::error(
          nlohmann::json{{"event", "access_key_unreadable"}, {"access_key", key->access_key}}
              .dump());
      return Unknown();
    }
    return auth::Credential{.access_key = key->access_key,
                            .secret_key = std::move(*secret),
                            .user = user->name,
                            .user_id = user->id};
  }

 private:
  static common::Status Unknown() {
    return Error(Code::kInvalidAccessKeyId,
                 "The AWS Access Key Id you provided does not exist in our records.");
  }
  Impl& impl_;
};

IdentityService::Impl::Impl(meta::IdentityStore& store, const auth::MasterKey& master_key,
                            auth::Credential root, const common::Clock& clock,
                            common::Random& random, IdentityOptions options)
    : store(store),
      secret_box(master_key.Derive("strata/secret-box/v1")),
      jwt(master_key.Derive("strata/jwt/v1"), options.issuer),
      root(std::move(root)),
      clock(clock),
      random(random),
      options(std::move(options)),
      limiter(clock, this->options.login_limits) {}

std::string IdentityService::Impl::NewId(std::string_view prefix) {
  return std::string(prefix) + common::RandomHexId(random, 12);
}

IdentityService::IdentityService(meta::IdentityStore& store, const auth::MasterKey& master_key,
                                 auth::Credential root, const common::Clock& clock,
                                 common::Random& random, IdentityOptions options)
    : impl_(std::make_unique<Impl>(store, master_key, std::move(root), clock, random,
                                   std::move(options))) {
  impl_->root.user_id.clear();
  impl_->credentials = std::make_unique<KeyCredentials>(*impl_);
}

IdentityService::~IdentityService() = default;

auth::CredentialStore& IdentityService::credentials() { return *impl_->credentials; }

Caller IdentityService::CallerFor(const auth::Credential& credential) const {
  Caller caller;
  caller.access_key = credential.access_key;
  caller.user_name = credential.user;
  if (credential.user_id.empty()) {
    caller.kind = Caller::Kind::kRoot;
  } else {
    caller.kind = Caller::Kind::kUser;
    caller.user_id = credential.user_id;
  }
  return caller;
}

// --- Sessions ---------------------------------------------------------------

namespace {

constexpr std::string_view kBadLogin = "invalid user name or password";

common::Status InvalidToken(std::string message) {
  return Error(Code::kInvalidToken, std::move(message));
}

}  // namespace

std::string internal::CredentialTag(std::string_view password_hash) {
  // 16 hex digits of a hash of the hash: enough to notice a change, useless
  // for guessing the password.
  return common::Sha256Hex(password_hash).substr(0, 16);
}

common::Result<Session> IdentityService::Impl::IssueSession(std::string_view user_id,
                                                            std::string_view user_name,
                                                            std::string_view family_id,
                                                            std::string_view credential_tag) {
  const int64_t now_ms = clock.NowMillis();
  const int64_t now_s = now_ms / 1000;
  std::string refresh = common::RandomAlnum(random, 48);
  // The root user has no row of its own; its sessions hang off a hidden one.
  if (user_id == internal::kRootUserId) {
    auto row = store.GetUser(internal::kRootUserId);
    if (!row.ok() && row.status().code() == Code::kNoSuchEntity) {
      common::Status created =
          store.CreateUser(meta::User{.id = std::string(internal::kRootUserId),
                                      .name = std::string(internal::kRootRowName),
                                      .password_hash = "",
                                      .disabled = false,
                                      .created_ms = now_ms});
      if (!created.ok() && created.code() != Code::kEntityAlreadyExists) return created;
    } else if (!row.ok()) {
      return row.status();
    }
  }
  STRATA_RETURN_IF_ERROR(store.CreateRefreshToken(
      meta::RefreshToken{.token_hash = common::Sha256Hex(refresh),
                         .family_id = std::string(family_id),
                         .user_id = std::string(user_id),
                         .issued_ms = now_ms,
                         .expires_ms = now_ms + options.refresh_token_ttl_s * 1000,
                         .spent = false,
                         .revoked = false}));
  auth::JwtClaims claims{.subject = std::string(user_id),
                         .user_name = std::string(user_name),
                         .token_use = "access",
                         .token_id = common::RandomHexId(random, 12),
                         .issued_at_s = now_s,
                         .expires_at_s = now_s + options.access_token_ttl_s,
                         .credential_tag = std::string(credential_tag)};
  return Session{.access_token = jwt.Sign(claims),
                 .refresh_token = std::move(refresh),
                 .expires_in_s = options.access_token_ttl_s,
                 .user_name = std::string(user_name)};
}

common::Result<Session> IdentityService::Login(std::string_view user_name,
                                               std::string_view password,
                                               std::string_view remote_address) {
  Impl& impl = *impl_;
  STRATA_RETURN_IF_ERROR(impl.limiter.Check(user_name, remote_address));
  bool ok = false;
  std::string user_id;
  std::string tag;
  if (common::ConstantTimeEquals(user_name, impl.root.access_key)) {
    // Spend what a password check spends, so timing does not single out the
    // root user's name.
    (void)auth::VerifyPassword(auth::DecoyPasswordHash(), password);
    ok = common::ConstantTimeEquals(password, impl.root.secret_key);
    user_id = std::string(internal::kRootUserId);
  } else {
    auto user = impl.FindUser(user_name);
    if (!user.ok() && user.status().code() != Code::kNoSuchEntity) return user.status();
    if (user.ok() && !user->password_hash.empty()) {
      ok = auth::VerifyPassword(user->password_hash, password) && !user->disabled;
      user_id = user->id;
      tag = internal::CredentialTag(user->password_hash);
    } else {
      (void)auth::VerifyPassword(auth::DecoyPasswordHash(), password);
    }
  }
  if (!ok) {
    impl.limiter.RecordFailure(user_name, remote_address);
    return Error(Code::kAccessDenied, std::string(kBadLogin));
  }
  impl.limiter.RecordSuccess(user_name, remote_address);
  return impl.IssueSession(user_id, user_name, impl.NewId("f"), tag);
}

common::Result<meta::RefreshToken> IdentityService::Impl::Spend(std::string_view refresh_token) {
  if (refresh_token.empty() || refresh_token.size() > 256) {
    return InvalidToken("the refresh token is not valid");
  }
  auto spent = store.SpendRefreshToken(common::Sha256Hex(refresh_token), clock.NowMillis());
  if (!spent.ok()) {
    Code code = spent.status().code();
    if (code == Code::kNoSuchEntity || code == Code::kInvalidToken) {
      return InvalidToken("the refresh token is not valid, expired or was already used");
    }
  }
  return spent;
}

common::Result<Session> IdentityService::Refresh(std::string_view refresh_token) {
  Impl& impl = *impl_;
  STRATA_ASSIGN_OR_RETURN(meta::RefreshToken spent, impl.Spend(refresh_token));
  if (spent.user_id == internal::kRootUserId) {
    return impl.IssueSession(spent.user_id, impl.root.access_key, spent.family_id, "");
  }
  auto user = impl.store.GetUser(spent.user_id);
  if (!user.ok()) {
    if (user.status().code() == Code::kNoSuchEntity) return InvalidToken("the user is gone");
    return user.status();
  }
  if (user->disabled) return InvalidToken("the user is disabled");
  return impl.IssueSession(user->id, user->name, spent.family_id,
                           internal::CredentialTag(user->password_hash));
}

common::Status IdentityService::Logout(std::string_view refresh_token) {
  STRATA_ASSIGN_OR_RETURN(meta::RefreshToken spent, impl_->Spend(refresh_token));
  return impl_->store.RevokeRefreshFamily(spent.family_id);
}

common::Result<Caller> IdentityService::AuthenticateBearer(std::string_view token) {
  Impl& impl = *impl_;
  STRATA_ASSIGN_OR_RETURN(auth::JwtClaims claims,
                          impl.jwt.Verify(token, impl.clock.NowMillis() / 1000, "access"));
  if (claims.subject == internal::kRootUserId) {
    // A token from before the root credential changed is not root's.
    if (!common::ConstantTimeEquals(claims.user_name, impl.root.access_key)) {
      return InvalidToken("the token's user is gone");
    }
    return Caller{.kind = Caller::Kind::kRoot,
                  .user_id = "",
                  .user_name = impl.root.access_key,
                  .access_key = ""};
  }
  auto user = impl.store.GetUser(claims.subject);
  if (!user.ok()) {
    if (user.status().code() == Code::kNoSuchEntity)
      return InvalidToken("the token's user is gone");
    return user.status();
  }
  if (user->disabled) return InvalidToken("the user is disabled");
  if (claims.credential_tag != internal::CredentialTag(user->password_hash)) {
    return InvalidToken("the user's password changed since this token was issued");
  }
  return Caller{
      .kind = Caller::Kind::kUser, .user_id = user->id, .user_name = user->name, .access_key = ""};
}

// --- Authorization ----------------------------------------------------------

common::Result<policy::Decision> IdentityService::Authorize(const Caller& caller,
                                                            policy::Request request,
                                                            std::string_view bucket_policy) {
  return impl_->Authorize(caller, std::move(request), bucket_policy);
}

common::Status IdentityService::RequireAdmin(const Caller& caller, std::string_view action) {
  return impl_->Require(caller, action);
}

common::Result<policy::Decision> IdentityService::Impl::Authorize(const Caller& caller,
                                                                  policy::Request request,
                                                                  std::string_view bucket_policy) {
  if (caller.is_root()) {
    return policy::Decision{.outcome = policy::Decision::Outcome::kAllow};
  }
  request.principal = caller.ToPrincipal();
  std::vector<std::shared_ptr<const policy::Policy>> held;
  if (caller.kind == Caller::Kind::kUser) {
    request.context.Set("aws:username", caller.user_name);
    request.context.Set("aws:userid", caller.user_id);
    STRATA_ASSIGN_OR_RETURN(std::vector<std::string> names,
                            store.EffectivePolicyNames(caller.user_id));
    for (const std::string& name : names) {
      auto loaded = LoadPolicy(name);
      if (loaded.ok()) {
        if (*loaded) held.push_back(std::move(*loaded));
      } else if (loaded.status().code() != Code::kNoSuchEntity) {
        return loaded.status();
      }
    }
  }
  std::shared_ptr<const policy::Policy> bucket;
  if (!bucket_policy.empty()) bucket = policies.Get(bucket_policy, policy::PolicyKind::kBucket);
  std::vector<const policy::Policy*> identity;
  identity.reserve(held.size());
  for (const auto& p : held) identity.push_back(p.get());
  return policy::Evaluate(identity, bucket.get(), request);
}

common::Status IdentityService::Impl::Require(const Caller& caller, std::string_view action) {
  if (caller.is_root()) return common::Status::Ok();
  if (caller.anonymous()) return Error(Code::kAccessDenied, "authentication required");
  policy::Request request;
  request.action = std::string(action);
  request.resource = "*";
  STRATA_ASSIGN_OR_RETURN(policy::Decision decision, Authorize(caller, std::move(request), ""));
  if (!decision.allowed()) {
    return Error(Code::kAccessDenied, "not allowed to perform " + std::string(action));
  }
  return common::Status::Ok();
}

common::Result<std::shared_ptr<const policy::Policy>> IdentityService::Impl::LoadPolicy(
    std::string_view name) {
  if (std::optional<std::string_view> builtin = policy::ManagedPolicyJson(name)) {
    return policies.Get(*builtin, policy::PolicyKind::kIdentity);
  }
  STRATA_ASSIGN_OR_RETURN(meta::StoredPolicy stored, store.GetPolicy(name));
  return policies.Get(stored.document, policy::PolicyKind::kIdentity);
}

namespace internal {

std::shared_ptr<const policy::Policy> PolicyCache::Get(std::string_view text,
                                                       policy::PolicyKind kind) {
  auto& table = kind == policy::PolicyKind::kBucket ? bucket_ : identity_;
  std::string key(text);
  {
    std::lock_guard lock(mu_);
    auto it = table.find(key);
    if (it != table.end()) return it->second;
  }
  auto parsed = policy::ParsePolicy(text, {.kind = kind});
  std::shared_ptr<const policy::Policy> value;
  if (parsed.ok()) {
    value = std::make_shared<const policy::Policy>(std::move(*parsed));
  } else {
    // Validated when stored, so this is a document from a build with other
    // rules: it grants nothing rather than something unintended.
    spdlog::error(
        nlohmann::json{{"event", "stored_policy_unparsable"}, {"error", parsed.status().message()}}
            .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  std::lock_guard lock(mu_);
  if (table.size() >= kMaxEntries) table.clear();
  table.emplace(std::move(key), value);
  return value;
}

}  // namespace internal

}  // namespace strata::identity
