#include "meta/sqlite/internal/identity_rows.h"

#include <utility>

#include "meta/internal/identity_rules.h"

namespace strata::meta::sqlite::internal {
namespace {

using meta::internal::NoSuchEntity;

#define STRATA_USER_COLUMNS "id, name, password_hash, disabled, created_ms"
constexpr std::string_view kSelectUser = "SELECT " STRATA_USER_COLUMNS " FROM users WHERE id = ?1";
constexpr std::string_view kSelectUserByName =
    "SELECT " STRATA_USER_COLUMNS " FROM users WHERE name = ?1";
constexpr std::string_view kSelectUsers = "SELECT " STRATA_USER_COLUMNS " FROM users ORDER BY name";
#undef STRATA_USER_COLUMNS

#define STRATA_KEY_COLUMNS "access_key, user_id, sealed_secret, disabled, created_ms, description"
constexpr std::string_view kSelectKey =
    "SELECT " STRATA_KEY_COLUMNS " FROM access_keys WHERE access_key = ?1";
// A walk of the access_keys_by_user index.
constexpr std::string_view kSelectUserKeys = "SELECT " STRATA_KEY_COLUMNS
                                             " FROM access_keys WHERE user_id = ?1"
                                             " ORDER BY created_ms, access_key";
constexpr std::string_view kSelectAllKeys =
    "SELECT " STRATA_KEY_COLUMNS " FROM access_keys ORDER BY created_ms, access_key";
#undef STRATA_KEY_COLUMNS

constexpr std::string_view kSelectGroup = "SELECT name, created_ms FROM groups WHERE name = ?1";
constexpr std::string_view kSelectGroups = "SELECT name, created_ms FROM groups ORDER BY name";
constexpr std::string_view kUserExists = "SELECT 1 FROM users WHERE id = ?1";
constexpr std::string_view kGroupExists = "SELECT 1 FROM groups WHERE name = ?1";

#define STRATA_POLICY_COLUMNS "name, document, created_ms, updated_ms"
constexpr std::string_view kSelectPolicy =
    "SELECT " STRATA_POLICY_COLUMNS " FROM policies WHERE name = ?1";
constexpr std::string_view kSelectPolicies =
    "SELECT " STRATA_POLICY_COLUMNS " FROM policies ORDER BY name";
#undef STRATA_POLICY_COLUMNS
// Users first: 'user' sorts after 'group', so the order is spelled out.
constexpr std::string_view kSelectPolicyAttachments =
    "SELECT principal_kind, principal FROM policy_attachments WHERE policy = ?1"
    " ORDER BY CASE principal_kind WHEN 'user' THEN 0 ELSE 1 END, principal";

constexpr std::string_view kSelectRefreshToken =
    "SELECT token_hash, family_id, user_id, issued_ms, expires_ms, spent, revoked"
    " FROM refresh_tokens WHERE token_hash = ?1";

// Binds `params` as text to ?1, ?2, ...
void BindTexts(Statement& statement, std::initializer_list<std::string_view> params) {
  int index = 1;
  for (std::string_view param : params) statement.Bind(index++, param);
}

// The rows `sql` returns, each read with `read` (a function of the current
// row returning T).
template <typename T, typename ReadRow>
common::Result<std::vector<T>> SelectRows(Connection& connection, std::string_view sql,
                                          std::initializer_list<std::string_view> params,
                                          ReadRow read) {
  STRATA_ASSIGN_OR_RETURN(Statement select, connection.Prepare(sql));
  BindTexts(select, params);
  std::vector<T> rows;
  while (true) {
    STRATA_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    rows.push_back(read(select));
  }
  return rows;
}

// The one row a lookup by primary or unique key returns, or nullopt.
template <typename T, typename ReadRow>
common::Result<std::optional<T>> SelectOne(Connection& connection, std::string_view sql,
                                           std::string_view key, ReadRow read) {
  STRATA_ASSIGN_OR_RETURN(std::vector<T> rows, SelectRows<T>(connection, sql, {key}, read));
  if (rows.empty()) return std::optional<T>();
  return std::optional<T>(std::move(rows.front()));
}

User ReadUser(const Statement& row) {
  return User{.id = std::string(row.ColumnText(0)),
              .name = std::string(row.ColumnText(1)),
              .password_hash = std::string(row.ColumnText(2)),
              .disabled = row.ColumnInt(3) != 0,
              .created_ms = row.ColumnInt(4)};
}

AccessKey ReadAccessKey(const Statement& row) {
  return AccessKey{.access_key = std::string(row.ColumnText(0)),
                   .user_id = std::string(row.ColumnText(1)),
                   .sealed_secret = std::string(row.ColumnText(2)),
                   .disabled = row.ColumnInt(3) != 0,
                   .created_ms = row.ColumnInt(4),
                   .description = std::string(row.ColumnText(5))};
}

Group ReadGroup(const Statement& row) {
  return Group{.name = std::string(row.ColumnText(0)), .created_ms = row.ColumnInt(1)};
}

StoredPolicy ReadPolicy(const Statement& row) {
  return StoredPolicy{.name = std::string(row.ColumnText(0)),
                      .document = std::string(row.ColumnText(1)),
                      .created_ms = row.ColumnInt(2),
                      .updated_ms = row.ColumnInt(3)};
}

RefreshToken ReadRefreshToken(const Statement& row) {
  return RefreshToken{.token_hash = std::string(row.ColumnText(0)),
                      .family_id = std::string(row.ColumnText(1)),
                      .user_id = std::string(row.ColumnText(2)),
                      .issued_ms = row.ColumnInt(3),
                      .expires_ms = row.ColumnInt(4),
                      .spent = row.ColumnInt(5) != 0,
                      .revoked = row.ColumnInt(6) != 0};
}

}  // namespace

common::Result<int64_t> RunWithTexts(Connection& connection, std::string_view sql,
                                     std::initializer_list<std::string_view> params) {
  STRATA_ASSIGN_OR_RETURN(Statement statement, connection.Prepare(sql));
  BindTexts(statement, params);
  STRATA_RETURN_IF_ERROR(statement.Run());
  return connection.Changes();
}

common::Result<std::vector<std::string>> SelectTexts(
    Connection& connection, std::string_view sql, std::initializer_list<std::string_view> params) {
  return SelectRows<std::string>(
      connection, sql, params, [](const Statement& row) { return std::string(row.ColumnText(0)); });
}

common::Result<bool> RowExists(Connection& connection, std::string_view sql,
                               std::initializer_list<std::string_view> params) {
  STRATA_ASSIGN_OR_RETURN(Statement select, connection.Prepare(sql));
  BindTexts(select, params);
  return select.Step();
}

common::Status CheckUserExists(Connection& connection, std::string_view user_id) {
  STRATA_ASSIGN_OR_RETURN(bool found, RowExists(connection, kUserExists, {user_id}));
  if (!found) return NoSuchEntity("user", user_id);
  return common::Status::Ok();
}

common::Status CheckGroupExists(Connection& connection, std::string_view name) {
  STRATA_ASSIGN_OR_RETURN(bool found, RowExists(connection, kGroupExists, {name}));
  if (!found) return NoSuchEntity("group", name);
  return common::Status::Ok();
}

common::Status CheckPrincipalExists(Connection& connection, PrincipalKind kind,
                                    std::string_view principal) {
  return kind == PrincipalKind::kUser ? CheckUserExists(connection, principal)
                                      : CheckGroupExists(connection, principal);
}

common::Result<std::optional<User>> FindUser(Connection& connection, std::string_view user_id) {
  return SelectOne<User>(connection, kSelectUser, user_id, ReadUser);
}

common::Result<std::optional<User>> FindUserByName(Connection& connection, std::string_view name) {
  return SelectOne<User>(connection, kSelectUserByName, name, ReadUser);
}

common::Result<std::optional<AccessKey>> FindAccessKey(Connection& connection,
                                                       std::string_view access_key) {
  return SelectOne<AccessKey>(connection, kSelectKey, access_key, ReadAccessKey);
}

common::Result<std::optional<Group>> FindGroup(Connection& connection, std::string_view name) {
  return SelectOne<Group>(connection, kSelectGroup, name, ReadGroup);
}

common::Result<std::optional<StoredPolicy>> FindPolicy(Connection& connection,
                                                       std::string_view name) {
  return SelectOne<StoredPolicy>(connection, kSelectPolicy, name, ReadPolicy);
}

common::Result<std::optional<RefreshToken>> FindRefreshToken(Connection& connection,
                                                             std::string_view token_hash) {
  return SelectOne<RefreshToken>(connection, kSelectRefreshToken, token_hash, ReadRefreshToken);
}

common::Result<std::vector<User>> SelectUsers(Connection& connection) {
  return SelectRows<User>(connection, kSelectUsers, {}, ReadUser);
}

common::Result<std::vector<AccessKey>> SelectAccessKeys(Connection& connection,
                                                        std::string_view user_id) {
  if (user_id.empty()) return SelectRows<AccessKey>(connection, kSelectAllKeys, {}, ReadAccessKey);
  return SelectRows<AccessKey>(connection, kSelectUserKeys, {user_id}, ReadAccessKey);
}

common::Result<std::vector<Group>> SelectGroups(Connection& connection) {
  return SelectRows<Group>(connection, kSelectGroups, {}, ReadGroup);
}

common::Result<std::vector<StoredPolicy>> SelectPolicies(Connection& connection) {
  return SelectRows<StoredPolicy>(connection, kSelectPolicies, {}, ReadPolicy);
}

common::Result<std::vector<PolicyAttachment>> SelectPolicyAttachments(Connection& connection,
                                                                      std::string_view policy) {
  // Read as text first: a bad kind must fail the call, which a row reader
  // returning a plain value cannot do.
  struct Row {
    std::string kind;
    std::string principal;
  };
  STRATA_ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      SelectRows<Row>(connection, kSelectPolicyAttachments, {policy}, [](const Statement& row) {
        return Row{std::string(row.ColumnText(0)), std::string(row.ColumnText(1))};
      }));
  std::vector<PolicyAttachment> attachments;
  attachments.reserve(rows.size());
  for (Row& row : rows) {
    const std::optional<PrincipalKind> kind = meta::internal::ParsePrincipalKind(row.kind);
    if (!kind) return meta::internal::UnknownPrincipalKind(policy, row.kind);
    attachments.push_back(PolicyAttachment{
        .policy = std::string(policy), .kind = *kind, .principal = std::move(row.principal)});
  }
  return attachments;
}

}  // namespace strata::meta::sqlite::internal
