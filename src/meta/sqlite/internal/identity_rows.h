// The identity tables (migration 0004) as SqliteMetaStore's identity methods
// see them: reading rows into identity_store.h's structs, existence checks
// that become kNoSuchEntity, and one-column queries. Every function runs on
// the caller's connection, inside whatever transaction it holds. Private to
// meta/sqlite.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "meta/identity_store.h"
#include "meta/sqlite/internal/connection.h"

namespace strata::meta::sqlite::internal {

// Runs `sql`, binding `params` as text to ?1, ?2, ...; for INSERT, UPDATE
// and DELETE. Returns how many rows it changed.
common::Result<int64_t> RunWithTexts(Connection& connection, std::string_view sql,
                                     std::initializer_list<std::string_view> params);

// The first column of every row `sql` returns, as text, with `params` bound
// as in RunWithTexts.
common::Result<std::vector<std::string>> SelectTexts(
    Connection& connection, std::string_view sql, std::initializer_list<std::string_view> params);

// Whether `sql`, with `params` bound as in RunWithTexts, returns a row.
common::Result<bool> RowExists(Connection& connection, std::string_view sql,
                               std::initializer_list<std::string_view> params);

// OK when the row is there, else kNoSuchEntity naming it
// (meta::internal::NoSuchEntity).
common::Status CheckUserExists(Connection& connection, std::string_view user_id);
common::Status CheckGroupExists(Connection& connection, std::string_view name);
// The user (by id) or group (by name) an attachment names.
common::Status CheckPrincipalExists(Connection& connection, PrincipalKind kind,
                                    std::string_view principal);

// One row, or nullopt when there is none.
common::Result<std::optional<User>> FindUser(Connection& connection, std::string_view user_id);
common::Result<std::optional<User>> FindUserByName(Connection& connection, std::string_view name);
common::Result<std::optional<AccessKey>> FindAccessKey(Connection& connection,
                                                       std::string_view access_key);
common::Result<std::optional<Group>> FindGroup(Connection& connection, std::string_view name);
common::Result<std::optional<StoredPolicy>> FindPolicy(Connection& connection,
                                                       std::string_view name);
common::Result<std::optional<RefreshToken>> FindRefreshToken(Connection& connection,
                                                             std::string_view token_hash);

// Whole tables, in the orders identity_store.h promises. SelectAccessKeys
// returns one user's keys, or every key when `user_id` is "".
common::Result<std::vector<User>> SelectUsers(Connection& connection);
common::Result<std::vector<AccessKey>> SelectAccessKeys(Connection& connection,
                                                        std::string_view user_id);
common::Result<std::vector<Group>> SelectGroups(Connection& connection);
common::Result<std::vector<StoredPolicy>> SelectPolicies(Connection& connection);
// Every attachment of `policy`, users first, then by principal. kCorruption
// for a principal_kind that is neither "user" nor "group".
common::Result<std::vector<PolicyAttachment>> SelectPolicyAttachments(Connection& connection,
                                                                      std::string_view policy);

}  // namespace strata::meta::sqlite::internal
