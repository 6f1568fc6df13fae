// `strata admin`: the command line over the admin API (docs/admin-api.md,
// section "strata admin"). This file registers the flags and subcommands and
// runs the one that was parsed; the calls themselves are in admin_client.h
// and the saved login in admin_session.h.
//
//   strata admin [--endpoint URL] [--config PATH] [--json] login --user NAME
//   strata admin user add NAME [--password P] [--policy POLICY]...
//   strata admin key add USER [--description D]
//   strata admin policy attach POLICY (--user NAME | --group NAME)
//   strata admin audit [--since 1h] [--user U] [--action 's3:*'] [--failures]
//   ...
//
// Every command prints a readable table or lines, or with --json the
// server's JSON answer (a JSON object of its own for answers without a
// body). Errors go to stderr as "strata admin: <error>: <message>".
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace strata::app {

// The leaf subcommand that was parsed.
enum class AdminCommand {
  kNone,
  kLogin,
  kLogout,
  kWhoami,
  kUserAdd,
  kUserLs,
  kUserInfo,
  kUserRm,
  kUserDisable,
  kUserEnable,
  kUserPasswd,
  kKeyAdd,
  kKeyLs,
  kKeyRm,
  kKeyDisable,
  kKeyEnable,
  kPolicyAdd,
  kPolicyLs,
  kPolicyInfo,
  kPolicyRm,
  kPolicyAttach,
  kPolicyDetach,
  kGroupAdd,
  kGroupLs,
  kGroupInfo,
  kGroupRm,
  kGroupMemberAdd,
  kGroupMemberRm,
  kStorage,
  kHeal,
  kGc,
  kAudit,
};

// The flags as given; each command reads the fields its help names.
struct AdminFlags {
  std::string endpoint;  // "" = the session's, else $STRATA_ENDPOINT, else the default
  std::string config;    // "" = $STRATA_CONFIG, else ~/.config/strata/session.json
  bool json = false;
  AdminCommand command = AdminCommand::kNone;
  std::string name;    // the first positional: NAME, USER, KEY, POLICY or GROUP
  std::string second;  // the second positional: FILE (policy add), USER (group member)
  std::string user;    // --user
  std::string group;   // --group
  std::string password;
  bool password_given = false;  // --password appeared (it may be "")
  std::string description;
  std::vector<std::string> policies;
  bool start = false;  // heal --start
  // audit (with --user above)
  std::string since;  // an age (30m, 1h, 7d) or RFC 3339; "" for none
  std::string until;
  std::string bucket;
  std::string action;
  bool failures = false;
  int limit = 0;  // 0: the server's default
};

// Registers the admin flags and subcommands on sub (the `admin` subcommand).
// flags must outlive sub's parsing.
void AddAdminFlags(CLI::App& sub, AdminFlags& flags);

// Runs the parsed command. Output on stdout, errors on stderr. Returns 0 on
// success, 1 when the command failed (the server refused, could not be
// reached, the session expired, ...), 2 on a usage error CLI11 could not see
// (no password and no terminal, an https:// endpoint, ...).
int RunAdminCommand(const AdminFlags& flags);

}  // namespace strata::app
