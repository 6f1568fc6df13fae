#include "app/admin_command.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "app/admin_client.h"
#include "app/admin_session.h"
#include "app/audit_time.h"
#include "common/time_format.h"
#include "loadgen/endpoint.h"

namespace strata::app {
namespace {

namespace fs = std::filesystem;
using common::Code;
using common::Error;
using Json = nlohmann::ordered_json;

constexpr char kDefaultEndpoint[] = "http://127.0.0.1:9000";

// ---------------------------------------------------------------------------
// Reading secrets from the terminal.

// The terminal's settings while a prompt has echo off, for the signal
// handler: a process-wide fact (there is one terminal), hence file statics.
int g_tty_fd = -1;
termios g_tty_saved{};

void RestoreTerminalAndReraise(int sig) {
  if (g_tty_fd >= 0) ::tcsetattr(g_tty_fd, TCSAFLUSH, &g_tty_saved);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// Asks on the controlling terminal (not stdin, which may be a pipe) with
// echo off. kInvalidArgument when there is no terminal.
common::Result<std::string> PromptSecret(const std::string& prompt) {
  int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return Error(Code::kInvalidArgument, "no terminal to ask for a password on");
  termios saved{};
  if (::tcgetattr(fd, &saved) != 0) {
    ::close(fd);
    return Error(Code::kInvalidArgument, "no terminal to ask for a password on");
  }
  termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  g_tty_fd = fd;
  g_tty_saved = saved;
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) std::signal(sig, RestoreTerminalAndReraise);
  (void)!::write(fd, prompt.data(), prompt.size());
  ::tcsetattr(fd, TCSAFLUSH, &quiet);
  std::string line;
  char c;
  ssize_t n;
  while ((n = ::read(fd, &c, 1)) == 1 || (n < 0 && errno == EINTR)) {
    if (n == 1 && (c == '\n' || c == '\r')) break;
    if (n == 1) line.push_back(c);
  }
  ::tcsetattr(fd, TCSAFLUSH, &saved);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) std::signal(sig, SIG_DFL);
  g_tty_fd = -1;
  (void)!::write(fd, "\n", 1);
  ::close(fd);
  return line;
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

// ---------------------------------------------------------------------------
// Output.

// "2025-12-01T03:28:39Z" from Unix milliseconds; "-" for 0 (built-ins).
std::string Time(int64_t ms) {
  if (ms <= 0) return "-";
  std::string iso = common::FormatIso8601Millis(ms);
  return iso.substr(0, 19) + "Z";
}

std::string Bytes(uint64_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double v = static_cast<double>(n);
  size_t u = 0;
  while (v >= 1024 && u + 1 < std::size(units)) {
    v /= 1024;
    ++u;
  }
  char text[32];
  std::snprintf(text, sizeof(text), u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return text;
}

// One value for a human: strings as they are, yes/no, times for *_ms,
// sizes for *_bytes, lists joined, "-" for nothing.
std::string Cell(const Json& v, std::string_view key = "") {
  if (v.is_string()) return v.get<std::string>().empty() ? "-" : v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_number_integer() && key.ends_with("_ms")) return Time(v.get<int64_t>());
  if (v.is_number_unsigned() && key.ends_with("_bytes")) {
    uint64_t n = v.get<uint64_t>();
    return n < 1024 ? std::to_string(n) : std::to_string(n) + " (" + Bytes(n) + ")";
  }
  if (v.is_array()) {
    std::string joined;
    for (const Json& item : v) joined += (joined.empty() ? "" : ", ") + Cell(item);
    return joined.empty() ? "-" : joined;
  }
  if (v.is_null()) return "-";
  return v.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string Label(std::string key) {
  if (key.ends_with("_ms")) key.resize(key.size() - 3);
  std::replace(key.begin(), key.end(), '_', ' ');
  return key;
}

// An object as "label: value" lines in the server's order; nested objects
// and lists of objects indented below their label.
void Describe(std::ostream& out, const Json& object, int indent = 0) {
  size_t width = 0;
  for (const auto& [key, value] : object.items()) width = std::max(width, Label(key).size());
  const std::string pad(static_cast<size_t>(indent), ' ');
  // The server's order (its objects come sorted by key), except that an
  // object's name leads.
  std::vector<std::pair<std::string, const Json*>> fields;
  for (const auto& [key, value] : object.items()) {
    auto at = key == "name" ? fields.begin() : fields.end();
    fields.emplace(at, key, &value);
  }
  for (const auto& [key, value_ptr] : fields) {
    const Json& value = *value_ptr;
    std::string label = Label(key) + ":";
    bool nested = value.is_object() || (value.is_array() && !value.empty() && value[0].is_object());
    if (!nested) {
      out << pad << label << std::string(width + 2 - label.size(), ' ') << Cell(value, key) << "\n";
      continue;
    }
    out << pad << label << "\n";
    if (value.is_object()) {
      Describe(out, value, indent + 2);
      continue;
    }
    for (const Json& item : value) {
      Describe(out, item, indent + 2);
      if (&item != &value.back()) out << "\n";
    }
  }
}

struct Column {
  const char* header;
  const char* key;
  // Shows a boolean "disabled" field as enabled/disabled.
  bool status = false;
};

void Table(std::ostream& out, const Json& rows, const std::vector<Column>& columns) {
  std::vector<std::vector<std::string>> cells;
  cells.emplace_back();
  for (const Column& c : columns) cells.back().push_back(c.header);
  for (const Json& row : rows) {
    if (!row.is_object()) continue;
    cells.emplace_back();
    for (const Column& c : columns) {
      auto it = row.find(c.key);
      if (it == row.end()) {
        cells.back().push_back("-");
      } else if (c.status) {
        cells.back().push_back(it->is_boolean() && it->get<bool>() ? "disabled" : "enabled");
      } else {
        cells.back().push_back(Cell(*it, c.key));
      }
    }
  }
  std::vector<size_t> widths(columns.size(), 0);
  for (const auto& line : cells) {
    for (size_t i = 0; i < line.size(); ++i) widths[i] = std::max(widths[i], line[i].size());
  }
  for (const auto& line : cells) {
    std::string text;
    for (size_t i = 0; i < line.size(); ++i) {
      text += line[i];
      if (i + 1 < line.size()) text += std::string(widths[i] - line[i].size() + 2, ' ');
    }
    out << text << "\n";
  }
}

const Json& Field(const Json& object, const char* key) {
  static const Json kNull;
  auto it = object.is_object() ? object.find(key) : object.end();
  return it != object.end() ? *it : kNull;
}

// ---------------------------------------------------------------------------
// Running commands.

struct Context {
  const AdminFlags& flags;
  AdminClient& client;
  std::ostream& out;
  const std::string& password;  // login, user add and user passwd: the one to send
  const AuditFilter& audit;     // audit: the flags, times resolved

  // --json: the server's answer as it came, or `fallback` when it had none.
  void PrintJson(const AdminAnswer& answer, const Json& fallback) const {
    if (answer.body.empty()) {
      out << fallback.dump() << "\n";
    } else {
      out << answer.body << (answer.body.ends_with('\n') ? "" : "\n");
    }
  }
  // The answer as lines (or JSON).
  common::Status Show(const common::Result<AdminAnswer>& answer) const {
    if (!answer.ok()) return answer.status();
    if (flags.json) {
      PrintJson(*answer, Json{{"ok", true}});
    } else {
      Describe(out, answer->json);
    }
    return common::Status::Ok();
  }
  // A list answer as a table (or JSON).
  common::Status List(const common::Result<AdminAnswer>& answer, const char* field,
                      const std::vector<Column>& columns) const {
    if (!answer.ok()) return answer.status();
    if (flags.json) {
      PrintJson(*answer, Json::object());
    } else {
      Table(out, Field(answer->json, field), columns);
    }
    return common::Status::Ok();
  }
  // An answer without a body: `done` for people, {"ok": true} for --json.
  common::Status Done(const common::Result<AdminAnswer>& answer, const std::string& done) const {
    if (!answer.ok()) return answer.status();
    if (flags.json) {
      PrintJson(*answer, Json{{"ok", true}});
    } else {
      out << done << "\n";
    }
    return common::Status::Ok();
  }
};

// The password the command sends, gathered before any request: login's
// ($STRATA_PASSWORD, else asked), user add's (--password, else
// $STRATA_NEW_PASSWORD, else none) and user passwd's (the same, else asked
// twice). Failures are usage errors.
common::Result<std::string> GatherPassword(const AdminFlags& f, const std::string& url) {
  bool login = f.command == AdminCommand::kLogin;
  if (!login && f.command != AdminCommand::kUserAdd && f.command != AdminCommand::kUserPasswd) {
    return std::string();
  }
  std::string given =
      login ? Env("STRATA_PASSWORD") : (f.password_given ? f.password : Env("STRATA_NEW_PASSWORD"));
  if (!given.empty() || f.command == AdminCommand::kUserAdd) return given;
  if (f.password_given) return Error(Code::kInvalidArgument, "--password is empty");
  const char* variable = login ? "STRATA_PASSWORD" : "STRATA_NEW_PASSWORD";
  auto no_terminal = [&](const common::Status& s) {
    return Error(s.code(), s.message() + "; set " + variable);
  };
  std::string prompt =
      login ? "Password for " + f.user + " at " + url + ": " : "New password for " + f.name + ": ";
  auto first = PromptSecret(prompt);
  if (!first.ok()) return no_terminal(first.status());
  if (first->empty()) return Error(Code::kInvalidArgument, "no password given");
  if (login) return first;
  auto again = PromptSecret("Repeat it: ");
  if (!again.ok()) return no_terminal(again.status());
  if (*first != *again) return Error(Code::kInvalidArgument, "the two passwords differ");
  return first;
}

common::Result<std::string> ReadDocument(const std::string& file) {
  int fd = file == "-" ? STDIN_FILENO : ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error(Code::kUnavailable, "cannot open " + file + ": " + std::strerror(errno));
  std::string text;
  char chunk[4096];
  ssize_t n;
  while ((n = ::read(fd, chunk, sizeof(chunk))) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      if (fd != STDIN_FILENO) ::close(fd);
      return Error(Code::kUnavailable, "cannot read " + file + ": " + std::strerror(err));
    }
    text.append(chunk, static_cast<size_t>(n));
  }
  if (fd != STDIN_FILENO) ::close(fd);
  return text;
}

common::Status Login(const Context& c, const fs::path& file) {
  STRATA_ASSIGN_OR_RETURN(AdminSession session, c.client.Login(c.flags.user, c.password));
  if (c.flags.json) {
    c.out << Json{{"endpoint", session.endpoint},
                  {"user", session.user},
                  {"access_expires_at", session.access_expires_at},
                  {"session_file", file.string()}}
                 .dump()
          << "\n";
  } else {
    c.out << "logged in to " << session.endpoint << " as " << session.user << " (session in "
          << file.string() << ")\n";
  }
  return common::Status::Ok();
}

common::Status PrintNewKey(const Context& c, const common::Result<AdminAnswer>& answer) {
  if (!answer.ok()) return answer.status();
  if (c.flags.json) {
    c.PrintJson(*answer, Json::object());
    return common::Status::Ok();
  }
  c.out << "access key: " << Cell(Field(answer->json, "access_key")) << "\n"
        << "secret key: " << Cell(Field(answer->json, "secret_key")) << "\n"
        << "user:       " << Cell(Field(answer->json, "user")) << "\n"
        << "Store the secret key now: it is shown only this once and cannot be recovered.\n";
  return common::Status::Ok();
}

common::Status PrintPolicy(const Context& c, const common::Result<AdminAnswer>& answer) {
  if (!answer.ok() || c.flags.json) return c.Show(answer);
  Json summary = answer->json;
  std::string document =
      Field(summary, "document").is_string() ? Field(summary, "document").get<std::string>() : "";
  if (summary.is_object()) summary.erase("document");
  Describe(c.out, summary);
  Json parsed = Json::parse(document, nullptr, /*allow_exceptions=*/false);
  c.out << "document:\n"
        << (parsed.is_discarded() ? document
                                  : parsed.dump(2, ' ', false, Json::error_handler_t::replace))
        << "\n";
  return common::Status::Ok();
}

// The audit rows as a table: time, who, from where, what, on what, result.
common::Status PrintAudit(const Context& c, const common::Result<AdminAnswer>& answer) {
  if (!answer.ok() || c.flags.json) return c.List(answer, "records", {});
  Json rows = Field(answer->json, "records");
  if (!rows.is_array()) rows = Json::array();
  for (Json& row : rows) {
    if (!row.is_object()) continue;
    const Json& bucket = Field(row, "bucket");
    const Json& resource = Field(row, "resource");
    std::string target = bucket.is_string() ? bucket.get<std::string>() : "";
    if (resource.is_string() && !resource.get<std::string>().empty()) {
      target += (target.empty() ? "" : "/") + resource.get<std::string>();
    }
    row["target"] = target;
  }
  Table(c.out, rows,
        {{"TIME", "time"},
         {"USER", "user"},
         {"SOURCE", "source"},
         {"ACTION", "action"},
         {"BUCKET/RESOURCE", "target"},
         {"STATUS", "status"},
         {"ERROR", "error"}});
  return common::Status::Ok();
}

// The audit command's filter from its flags; kInvalidArgument for a time
// that does not parse.
common::Result<AuditFilter> AuditFilterOf(const AdminFlags& f, int64_t now_ms) {
  AuditFilter filter{.user = f.user,
                     .bucket = f.bucket,
                     .action = f.action,
                     .failures = f.failures,
                     .limit = f.limit};
  if (!f.since.empty()) {
    STRATA_ASSIGN_OR_RETURN(filter.since_ms, ParseAuditTime("--since", f.since, now_ms));
  }
  if (!f.until.empty()) {
    STRATA_ASSIGN_OR_RETURN(filter.until_ms, ParseAuditTime("--until", f.until, now_ms));
  }
  return filter;
}

std::string TargetText(const AdminFlags& f) {
  return f.user.empty() ? "group " + f.group : "user " + f.user;
}

common::Status Dispatch(const Context& c, const fs::path& file) {
  const AdminFlags& f = c.flags;
  AdminClient& api = c.client;
  const std::vector<Column> user_columns = {
      {"NAME", "name"},         {"STATUS", "disabled", true}, {"PASSWORD", "has_password"},
      {"POLICIES", "policies"}, {"GROUPS", "groups"},         {"CREATED", "created_ms"}};
  switch (f.command) {
    case AdminCommand::kNone:
      return Error(Code::kInvalidArgument, "no command");
    case AdminCommand::kLogin:
      return Login(c, file);
    case AdminCommand::kLogout:
      STRATA_RETURN_IF_ERROR(api.Logout());
      return c.Done(AdminAnswer{}, "logged out");
    case AdminCommand::kWhoami:
      return c.Show(api.Whoami());
    case AdminCommand::kUserAdd:
      return c.Show(api.CreateUser(f.name, c.password, f.policies));
    case AdminCommand::kUserLs:
      return c.List(api.ListUsers(), "users", user_columns);
    case AdminCommand::kUserInfo:
      return c.Show(api.GetUser(f.name));
    case AdminCommand::kUserRm:
      return c.Done(api.DeleteUser(f.name), "deleted user " + f.name);
    case AdminCommand::kUserDisable:
      return c.Done(api.SetUserDisabled(f.name, true), "disabled user " + f.name);
    case AdminCommand::kUserEnable:
      return c.Done(api.SetUserDisabled(f.name, false), "enabled user " + f.name);
    case AdminCommand::kUserPasswd:
      return c.Done(api.SetUserPassword(f.name, c.password),
                    "changed the password of " + f.name + " (its sessions were ended)");
    case AdminCommand::kKeyAdd:
      return PrintNewKey(c, api.CreateKey(f.name, f.description));
    case AdminCommand::kKeyLs:
      return c.List(api.ListKeys(f.user), "keys",
                    {{"ACCESS KEY", "access_key"},
                     {"USER", "user"},
                     {"STATUS", "disabled", true},
                     {"CREATED", "created_ms"},
                     {"DESCRIPTION", "description"}});
    case AdminCommand::kKeyRm:
      return c.Done(api.DeleteKey(f.name), "deleted access key " + f.name);
    case AdminCommand::kKeyDisable:
      return c.Done(api.SetKeyDisabled(f.name, true), "disabled access key " + f.name);
    case AdminCommand::kKeyEnable:
      return c.Done(api.SetKeyDisabled(f.name, false), "enabled access key " + f.name);
    case AdminCommand::kPolicyAdd: {
      STRATA_ASSIGN_OR_RETURN(std::string document, ReadDocument(f.second));
      return PrintPolicy(c, api.PutPolicy(f.name, document));
    }
    case AdminCommand::kPolicyLs:
      return c.List(api.ListPolicies(), "policies",
                    {{"NAME", "name"}, {"BUILTIN", "builtin"}, {"UPDATED", "updated_ms"}});
    case AdminCommand::kPolicyInfo:
      return PrintPolicy(c, api.GetPolicy(f.name));
    case AdminCommand::kPolicyRm:
      return c.Done(api.DeletePolicy(f.name), "deleted policy " + f.name);
    case AdminCommand::kPolicyAttach:
      return c.Done(api.AttachPolicy(f.name, {f.user, f.group}),
                    "attached policy " + f.name + " to " + TargetText(f));
    case AdminCommand::kPolicyDetach:
      return c.Done(api.DetachPolicy(f.name, {f.user, f.group}),
                    "detached policy " + f.name + " from " + TargetText(f));
    case AdminCommand::kGroupAdd:
      return c.Show(api.CreateGroup(f.name));
    case AdminCommand::kGroupLs:
      return c.List(api.ListGroups(), "groups",
                    {{"NAME", "name"},
                     {"MEMBERS", "members"},
                     {"POLICIES", "policies"},
                     {"CREATED", "created_ms"}});
    case AdminCommand::kGroupInfo:
      return c.Show(api.GetGroup(f.name));
    case AdminCommand::kGroupRm:
      return c.Done(api.DeleteGroup(f.name), "deleted group " + f.name);
    case AdminCommand::kGroupMemberAdd:
      return c.Done(api.AddGroupMember(f.name, f.second),
                    "added " + f.second + " to group " + f.name);
    case AdminCommand::kGroupMemberRm:
      return c.Done(api.RemoveGroupMember(f.name, f.second),
                    "removed " + f.second + " from group " + f.name);
    case AdminCommand::kStorage:
      return c.Show(api.Storage());
    case AdminCommand::kHeal:
      return c.Show(api.Heal(f.start));
    case AdminCommand::kGc:
      return c.Show(api.Gc());
    case AdminCommand::kAudit:
      return PrintAudit(c, api.Audit(c.audit));
  }
  return Error(Code::kInternal, "unknown command");
}

bool SameServer(const loadgen::Endpoint& a, const loadgen::Endpoint& b) {
  return a.tls == b.tls && a.host == b.host && a.port == b.port;
}

// ---------------------------------------------------------------------------
// Registration.

CLI::App* Leaf(CLI::App& parent, const char* name, const char* help, AdminFlags& f,
               AdminCommand command) {
  CLI::App* sub = parent.add_subcommand(name, help);
  sub->callback([&f, command] { f.command = command; });
  return sub;
}

CLI::App* Group(CLI::App& parent, const char* name, const char* help) {
  CLI::App* sub = parent.add_subcommand(name, help);
  sub->require_subcommand(1);
  return sub;
}

// The first positional argument (NAME, USER, KEY, POLICY or GROUP).
void AddName(CLI::App* sub, AdminFlags& f, const char* what) {
  static constexpr std::pair<std::string_view, const char*> kHelp[] = {{"NAME", "Its name"},
                                                                       {"USER", "User name"},
                                                                       {"KEY", "Access key"},
                                                                       {"POLICY", "Policy name"},
                                                                       {"GROUP", "Group name"}};
  const char* help = "";
  for (const auto& [name, text] : kHelp) {
    if (name == what) help = text;
  }
  sub->add_option(what, f.name, help)->required();
}

void AddPolicyTarget(CLI::App* sub, AdminFlags& f) {
  AddName(sub, f, "POLICY");
  CLI::Option_group* target = sub->add_option_group("target", "Exactly one of");
  target->add_option("--user", f.user, "A user");
  target->add_option("--group", f.group, "A group");
  target->require_option(1);
}

}  // namespace

void AddAdminFlags(CLI::App& admin, AdminFlags& f) {
  admin.add_option("--endpoint", f.endpoint,
                   "Server URL, http://host:port (https is not supported yet). Default: the "
                   "logged-in session's, else $STRATA_ENDPOINT, else " +
                       std::string(kDefaultEndpoint));
  admin.add_option("--config", f.config,
                   "Session file (default: $STRATA_CONFIG, else ~/.config/strata/session.json)");
  admin.add_flag("--json", f.json, "Print the server's JSON answer");
  admin.require_subcommand(1);
  // --endpoint, --config and --json may also follow the subcommands.
  admin.fallthrough();

  CLI::App* login =
      Leaf(admin, "login", "Log in (password from $STRATA_PASSWORD, else asked on the terminal)", f,
           AdminCommand::kLogin);
  login->add_option("--user", f.user, "User name (root: its access key)")->required();
  Leaf(admin, "logout", "End the session on the server and remove the session file", f,
       AdminCommand::kLogout);
  Leaf(admin, "whoami", "Show the logged-in user", f, AdminCommand::kWhoami);

  CLI::App* user = Group(admin, "user", "Users: add, ls, info, rm, disable, enable, passwd");
  CLI::App* user_add = Leaf(*user, "add", "Create a user", f, AdminCommand::kUserAdd);
  AddName(user_add, f, "NAME");
  user_add
      ->add_option("--password", f.password,
                   "Its password (else $STRATA_NEW_PASSWORD; none: a keys-only user). Prefer the "
                   "variable: arguments are visible to other local users")
      ->each([&f](const std::string&) { f.password_given = true; });
  user_add->add_option("--policy", f.policies, "Attach this policy (repeatable)");
  Leaf(*user, "ls", "List users", f, AdminCommand::kUserLs);
  AddName(Leaf(*user, "info", "Show a user", f, AdminCommand::kUserInfo), f, "NAME");
  AddName(Leaf(*user, "rm", "Delete a user with its keys and sessions", f, AdminCommand::kUserRm),
          f, "NAME");
  AddName(Leaf(*user, "disable", "Disable a user (ends its sessions, stops its keys)", f,
               AdminCommand::kUserDisable),
          f, "NAME");
  AddName(Leaf(*user, "enable", "Enable a user", f, AdminCommand::kUserEnable), f, "NAME");
  CLI::App* passwd = Leaf(*user, "passwd", "Set a user's password (ends its sessions)", f,
                          AdminCommand::kUserPasswd);
  AddName(passwd, f, "NAME");
  passwd
      ->add_option("--password", f.password,
                   "The new password (else $STRATA_NEW_PASSWORD, else asked on the terminal)")
      ->each([&f](const std::string&) { f.password_given = true; });

  CLI::App* key = Group(admin, "key", "Access keys: add, ls, rm, disable, enable");
  CLI::App* key_add =
      Leaf(*key, "add", "Create an access key for a user (the secret is shown once)", f,
           AdminCommand::kKeyAdd);
  AddName(key_add, f, "USER");
  key_add->add_option("--description", f.description, "What the key is for");
  Leaf(*key, "ls", "List access keys (never their secrets)", f, AdminCommand::kKeyLs)
      ->add_option("--user", f.user, "Only this user's");
  AddName(Leaf(*key, "rm", "Delete an access key", f, AdminCommand::kKeyRm), f, "KEY");
  AddName(Leaf(*key, "disable", "Disable an access key", f, AdminCommand::kKeyDisable), f, "KEY");
  AddName(Leaf(*key, "enable", "Enable an access key", f, AdminCommand::kKeyEnable), f, "KEY");

  CLI::App* policy = Group(admin, "policy", "Policies: add, ls, info, rm, attach, detach");
  CLI::App* policy_add = Leaf(*policy, "add", "Create or replace a policy from a JSON document", f,
                              AdminCommand::kPolicyAdd);
  AddName(policy_add, f, "NAME");
  policy_add->add_option("FILE", f.second, "The policy document; - for stdin")->required();
  Leaf(*policy, "ls", "List policies", f, AdminCommand::kPolicyLs);
  AddName(Leaf(*policy, "info", "Show a policy, its document and where it is attached", f,
               AdminCommand::kPolicyInfo),
          f, "NAME");
  AddName(Leaf(*policy, "rm", "Delete a policy", f, AdminCommand::kPolicyRm), f, "NAME");
  AddPolicyTarget(Leaf(*policy, "attach", "Attach a policy to a user or a group", f,
                       AdminCommand::kPolicyAttach),
                  f);
  AddPolicyTarget(Leaf(*policy, "detach", "Detach a policy from a user or a group", f,
                       AdminCommand::kPolicyDetach),
                  f);

  CLI::App* group = Group(admin, "group", "Groups: add, ls, info, rm, member");
  AddName(Leaf(*group, "add", "Create a group", f, AdminCommand::kGroupAdd), f, "NAME");
  Leaf(*group, "ls", "List groups", f, AdminCommand::kGroupLs);
  AddName(Leaf(*group, "info", "Show a group", f, AdminCommand::kGroupInfo), f, "NAME");
  AddName(Leaf(*group, "rm", "Delete a group (it must have no members)", f, AdminCommand::kGroupRm),
          f, "NAME");
  CLI::App* member = Group(*group, "member", "Group members: add, rm");
  for (auto [name, help, command] :
       {std::tuple{"add", "Add a user to a group", AdminCommand::kGroupMemberAdd},
        std::tuple{"rm", "Remove a user from a group", AdminCommand::kGroupMemberRm}}) {
    CLI::App* sub = Leaf(*member, name, help, f, command);
    AddName(sub, f, "GROUP");
    sub->add_option("USER", f.second, "User name")->required();
  }

  Leaf(admin, "storage", "Capacity, dedup and drive health", f, AdminCommand::kStorage);
  Leaf(admin, "heal", "Heal progress; --start starts a full pass", f, AdminCommand::kHeal)
      ->add_flag("--start", f.start, "Start a full heal pass");
  Leaf(admin, "gc", "Run one garbage-collection pass now", f, AdminCommand::kGc);

  CLI::App* audit =
      Leaf(admin, "audit", "The audit trail: who changed what or was refused, newest first", f,
           AdminCommand::kAudit);
  audit->add_option("--since", f.since, "From this time on: an age (30m, 1h, 7d) or RFC 3339");
  audit->add_option("--until", f.until, "Before this time: an age or RFC 3339");
  audit->add_option("--user", f.user, "Only this user's requests");
  audit->add_option("--bucket", f.bucket, "Only requests on this bucket");
  audit->add_option("--action", f.action,
                    "Only this action (s3:PutObject, admin:Login) or prefix ending in * (s3:*)");
  audit->add_flag("--failures", f.failures, "Only refused or failed requests");
  audit->add_option("--limit", f.limit, "At most this many records (server default 100)")
      ->check(CLI::Range(1, 10000));
}

int RunAdminCommand(const AdminFlags& f) {
  auto usage = [](const std::string& message) {
    std::cerr << "strata admin: " << message << "\n";
    return 2;
  };
  auto failed = [](const common::Status& status) {
    std::cerr << "strata admin: " << status.message() << "\n";
    return 1;
  };

  std::string config = f.config.empty() ? Env("STRATA_CONFIG") : f.config;
  auto file = DefaultSessionPath(config.c_str(), std::getenv("HOME"));
  if (!file.ok()) return usage(file.status().message());
  auto loaded = LoadSession(*file);
  std::optional<AdminSession> session;
  if (loaded.ok()) {
    session = std::move(*loaded);
  } else if (f.command != AdminCommand::kLogin) {  // logging in replaces a damaged file
    return failed(loaded.status());
  }

  std::string url = f.endpoint;
  if (url.empty() && session) url = session->endpoint;
  if (url.empty()) url = Env("STRATA_ENDPOINT");
  if (url.empty()) url = kDefaultEndpoint;
  while (url.ends_with('/')) url.pop_back();
  auto endpoint = loadgen::ParseEndpointUrl(url);
  if (!endpoint.ok()) return usage(endpoint.status().message());
  if (endpoint->tls) {
    return usage(
        "https endpoints are not supported by strata admin yet; use the server's "
        "http:// address");
  }
  // A session's tokens go only to the server that issued them.
  if (session && f.command != AdminCommand::kLogin) {
    auto own = loadgen::ParseEndpointUrl(session->endpoint);
    if (!own.ok() || !SameServer(*own, *endpoint)) {
      return failed(Error(Code::kInvalidArgument,
                          "the session in " + file->string() + " is for " + session->endpoint +
                              ", not " + url + "; run strata admin --endpoint " + url +
                              " login (with --config for a second session)"));
    }
  }

  auto password = GatherPassword(f, url);
  if (!password.ok()) return usage(password.status().message());
  common::SystemClock clock;
  AuditFilter audit_filter;
  if (f.command == AdminCommand::kAudit) {
    auto filter = AuditFilterOf(f, clock.NowMillis());
    if (!filter.ok()) return usage(filter.status().message());
    audit_filter = std::move(*filter);
  }

  // A server that closes the connection mid-request must give an error,
  // not a process killed by SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  http::BlockingClientOptions options;
  options.host = endpoint->host;
  options.port = endpoint->port;
  options.host_header = endpoint->HostHeader();
  options.user_agent = "strata-admin";
  options.timeout = std::chrono::minutes(5);  // POST gc runs a whole pass before answering
  http::BlockingClient transport(options);
  AdminClient client(url, transport, clock, *file, std::move(session));
  Context context{f, client, std::cout, *password, audit_filter};
  common::Status status = Dispatch(context, *file);
  std::cout.flush();
  return status.ok() ? 0 : failed(status);
}

}  // namespace strata::app
