#include "meta/postgres/testing/postgres_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "common/testing/test_servers.h"

extern char** environ;

namespace strata::meta::postgres::testing {
namespace {

namespace fs = std::filesystem;
using common::Code;
using common::Error;

// Server directories are ServerBase()/strata-pg-XXXXXX, holding the pid of the
// test process that owns them.
constexpr const char* kServerDirStem = "strata-pg";
constexpr const char* kOwnerFile = "owner.pid";

struct Account {
  uid_t uid;
  gid_t gid;
};

common::Result<Account> PostgresAccount() {
  struct passwd entry;
  struct passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (getpwnam_r("postgres", &entry, buffer.data(), buffer.size(), &found) != 0 ||
      found == nullptr) {
    return Error(Code::kInternal,
                 "running as root, but there is no 'postgres' user to run PostgreSQL as");
  }
  return Account{.uid = entry.pw_uid, .gid = entry.pw_gid};
}

// $STRATA_PG_BINDIR, else the newest Debian /usr/lib/postgresql/<N>/bin, else
// "" (search PATH).
fs::path FindBinDir() {
  if (const char* env = getenv("STRATA_PG_BINDIR"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  fs::path best;
  int best_version = -1;
  for (const fs::directory_entry& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string name = entry.path().filename().string();
    const int version = atoi(name.c_str());
    if (version > best_version && fs::exists(entry.path() / "bin" / "initdb", ec)) {
      best_version = version;
      best = entry.path() / "bin";
    }
  }
  return best;
}

fs::path Program(const fs::path& bin_dir, const char* name) {
  return bin_dir.empty() ? fs::path(name) : bin_dir / name;
}

// The last `bytes` of a log file, for error messages.

// Runs argv (as the postgres user when `as_postgres`), stdout and stderr
// appended to `log`, and waits for it. kInternal unless it exits with 0.
common::Status Run(std::vector<std::string> argv, const fs::path& log, bool as_postgres) {
  if (as_postgres) argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
  std::vector<char*> args;
  for (std::string& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  const std::string log_path = log.string();
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  std::string command;
  for (const std::string& arg : argv) command += (command.empty() ? "" : " ") + arg;
  if (rc != 0) return Error(Code::kInternal, "cannot run " + command + ": " + strerror(rc));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Error(Code::kInternal, command + " failed:\n" + common::testing::LogTail(log));
  }
  return common::Status::Ok();
}

// Where servers run: $STRATA_PG_TEST_DIR, else /dev/shm when it is there (a
// tmpfs: copying a cluster onto a disk costs ~1 ms per file, which is most of
// a server's start), else the temporary directory.
fs::path ServerBase() {
  if (const char* env = getenv("STRATA_PG_TEST_DIR"); env != nullptr && *env != '\0') return env;
  if (access("/dev/shm", W_OK | X_OK) == 0) return "/dev/shm";
  std::error_code ec;
  return fs::temp_directory_path(ec);
}

// A new 0700 directory `base`/`stem`-XXXXXX, owned by the account
// PostgreSQL runs as.
common::Result<fs::path> MakeDir(const fs::path& base, const std::string& stem,
                                 const std::optional<Account>& owner) {
  std::string pattern = (base / (stem + "-XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return Error(Code::kInternal, "mkdtemp " + pattern + ": " + strerror(errno));
  }
  if (owner && chown(pattern.c_str(), owner->uid, owner->gid) != 0) {
    return Error(Code::kInternal, "chown " + pattern + ": " + strerror(errno));
  }
  return fs::path(pattern);
}

// Runs each statement of `statements` (each its own transaction) on the
// server listening on the Unix socket in `socket_dir`.
common::Status ExecOverSocket(const fs::path& socket_dir,
                              std::initializer_list<const char*> statements) {
  const std::string conninfo =
      "host=" + socket_dir.string() + " port=5432 user=postgres dbname=postgres";
  PGconn* conn = PQconnectdb(conninfo.c_str());
  common::Status status;
  if (PQstatus(conn) != CONNECTION_OK) {
    status = Error(Code::kInternal, std::string("connect: ") + PQerrorMessage(conn));
  }
  for (const char* sql : statements) {
    if (!status.ok()) break;
    PGresult* result = PQexec(conn, sql);
    if (PQresultStatus(result) != PGRES_COMMAND_OK) {
      status = Error(Code::kInternal, std::string(sql) + ": " + PQresultErrorMessage(result));
    }
    PQclear(result);
  }
  PQfinish(conn);
  return status;
}

common::Status DropTemplate1(const fs::path& bin_dir, const fs::path& staging, bool as_postgres) {
  const std::string data = (staging / "data").string();
  const fs::path log = staging / "initdb.log";
  STRATA_RETURN_IF_ERROR(Run(
      {Program(bin_dir, "pg_ctl").string(), "-D", data, "-l", (staging / "postgres.log").string(),
       "-w", "-o", "-k " + staging.string() + " -c listen_addresses= -p 5432 -F", "start"},
      log, as_postgres));
  common::Status status = ExecOverSocket(
      staging, {"ALTER DATABASE template1 IS_TEMPLATE false", "DROP DATABASE template1"});
  // A clean shutdown, so copies start without recovery.
  common::Status stopped =
      Run({Program(bin_dir, "pg_ctl").string(), "-D", data, "-m", "fast", "-w", "stop"}, log,
          as_postgres);
  return status.ok() ? stopped : status;
}

// The initdb'd cluster servers are copied from, made once per machine,
// version and user. Made in a staging directory and renamed into place, so
// concurrent test binaries either see a whole cluster or none.
common::Result<fs::path> EnsureTemplate(const fs::path& bin_dir,
                                        const std::optional<Account>& owner) {
  std::error_code ec;
  const std::string version = bin_dir.empty() ? "path" : bin_dir.parent_path().filename().string();
  // "v3" names what is done below: change it when that changes.
  const fs::path cache = fs::temp_directory_path(ec) /
                         ("strata-pg-initdb-v3-" + version + "-" + std::to_string(geteuid()));
  if (fs::exists(cache / "PG_VERSION", ec)) return cache;
  STRATA_ASSIGN_OR_RETURN(fs::path staging,
                          MakeDir(fs::temp_directory_path(ec), "strata-pg-staging", owner));
  common::Status status =
      Run({Program(bin_dir, "initdb").string(), "-D", (staging / "data").string(), "-A", "trust",
           "-U", "postgres", "--locale=C", "-E", "UTF8", "--no-sync",
           // 1 MiB WAL segments instead of 16: less to copy per server.
           "--wal-segsize=1"},
          staging / "initdb.log", owner.has_value());
  // Fewer files to copy for each server: template1 goes (every CREATE
  // DATABASE here names TEMPLATE template0). That takes a running server, on
  // a Unix socket in the staging directory only.
  if (status.ok()) status = DropTemplate1(bin_dir, staging, owner.has_value());
  if (status.ok()) {
    fs::rename(staging / "data", cache, ec);
    // Lost the race to another binary: its copy is as good.
    if (ec && !fs::exists(cache / "PG_VERSION")) {
      status = Error(Code::kInternal,
                     "cannot move the initdb cluster to " + cache.string() + ": " + ec.message());
    }
  }
  fs::remove_all(staging, ec);
  if (!status.ok()) return status;
  return cache;
}

std::string ResultError(PGconn* conn, PGresult* result) {
  const char* message = result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn);
  return message != nullptr && *message != '\0' ? message : PQerrorMessage(conn);
}

// Stops the server whose directory is `dir`, if one runs, and removes the
// directory.
void StopAndRemove(const fs::path& dir, const fs::path& bin_dir, bool as_postgres) {
  const fs::path pid_file = dir / "data" / "postmaster.pid";
  std::error_code ec;
  if (fs::exists(pid_file, ec)) {
    (void)Run({Program(bin_dir, "pg_ctl").string(), "-D", (dir / "data").string(), "-m",
               "immediate", "-w", "stop"},
              dir / "pg_ctl.log", as_postgres);
    // Still there: pg_ctl could not stop it; leave no process behind.
    if (fs::exists(pid_file, ec)) {
      std::ifstream in(pid_file);
      pid_t pid = 0;
      if (in >> pid && pid > 0) kill(pid, SIGKILL);
    }
  }
  fs::remove_all(dir, ec);
}

// Servers whose test process died without stopping them (a crash, a
// sanitizer abort, a kill -9) are stopped and removed by the next Start().
void ReapAbandoned(const fs::path& bin_dir, bool as_postgres) {
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(ServerBase(), ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(kServerDirStem + std::string("-"))) continue;
    std::ifstream in(entry.path() / kOwnerFile);
    pid_t owner = 0;
    if (!(in >> owner) || owner <= 0) continue;
    // Alive, or not ours to judge.
    if (kill(owner, 0) == 0 || errno != ESRCH) continue;
    StopAndRemove(entry.path(), bin_dir, as_postgres);
  }
}

}  // namespace

common::Result<std::unique_ptr<PostgresServer>> PostgresServer::Start() {
  std::optional<Account> owner;
  if (geteuid() == 0) {
    STRATA_ASSIGN_OR_RETURN(Account account, PostgresAccount());
    owner = account;
  }
  const fs::path bin_dir = FindBinDir();
  STRATA_ASSIGN_OR_RETURN(fs::path template_dir, EnsureTemplate(bin_dir, owner));
  ReapAbandoned(bin_dir, owner.has_value());
  STRATA_ASSIGN_OR_RETURN(fs::path dir, MakeDir(ServerBase(), kServerDirStem, owner));
  // From here the destructor removes the directory.
  std::unique_ptr<PostgresServer> server(new PostgresServer(dir, bin_dir, owner.has_value()));
  std::ofstream(dir / kOwnerFile) << getpid() << "\n";
  STRATA_RETURN_IF_ERROR(Run({"cp", "-a", template_dir.string(), (dir / "data").string()},
                             dir / "setup.log", owner.has_value()));
  STRATA_RETURN_IF_ERROR(server->StartOnFreePort());
  return server;
}

PostgresServer::~PostgresServer() { StopAndRemove(dir_, bin_dir_, as_postgres_); }

common::Status PostgresServer::PgCtl(std::initializer_list<std::string> args) const {
  std::vector<std::string> argv = {Program(bin_dir_, "pg_ctl").string()};
  argv.insert(argv.end(), args);
  return Run(std::move(argv), dir_ / "pg_ctl.log", as_postgres_);
}

common::Status PostgresServer::StartOnFreePort() {
  common::Status status;
  // Another process may take the port between FreeLoopbackPort() and the bind.
  for (int attempt = 0; attempt < 5; ++attempt) {
    const int port = port_ != 0 ? port_ : common::testing::FreeLoopbackPort();
    const std::string options =
        "-k " + dir_.string() + " -h 127.0.0.1 -p " + std::to_string(port) +
        " -F -c max_connections=200 -c full_page_writes=off -c synchronous_commit=off";
    status = PgCtl({"-D", (dir_ / "data").string(), "-l", (dir_ / "postgres.log").string(), "-w",
                    "-t", "60", "-o", options, "start"});
    if (status.ok()) {
      port_ = port;
      return status;
    }
    if (port_ != 0) break;  // a restart must keep its port
  }
  return Error(status.code(),
               status.message() + "\n" + common::testing::LogTail(dir_ / "postgres.log"));
}

common::Status PostgresServer::Stop() {
  return PgCtl({"-D", (dir_ / "data").string(), "-m", "fast", "-w", "stop"});
}

common::Status PostgresServer::Restart() { return StartOnFreePort(); }

std::string PostgresServer::Uri(std::string_view database) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + std::string(database) +
         "?sslmode=disable";
}

common::Result<std::string> PostgresServer::QueryText(std::string_view sql,
                                                      std::string_view database) const {
  STRATA_ASSIGN_OR_RETURN(std::vector<std::string> column, QueryColumn(sql, database));
  return column.empty() ? std::string() : std::move(column.front());
}

common::Result<std::vector<std::string>> PostgresServer::QueryColumn(
    std::string_view sql, std::string_view database) const {
  PGconn* conn = PQconnectdb(Uri(database).c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    return Error(Code::kUnavailable, "connect: " + message);
  }
  PGresult* result = PQexec(conn, std::string(sql).c_str());
  const ExecStatusType status = PQresultStatus(result);
  common::Result<std::vector<std::string>> out = std::vector<std::string>();
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    out = Error(Code::kInternal, std::string(sql) + ": " + ResultError(conn, result));
  } else if (status == PGRES_TUPLES_OK) {
    for (int row = 0; row < PQntuples(result); ++row) out->emplace_back(PQgetvalue(result, row, 0));
  }
  PQclear(result);
  PQfinish(conn);
  return out;
}

common::Status PostgresServer::Execute(std::string_view sql, std::string_view database) const {
  return QueryText(sql, database).status();
}

common::Result<std::string> PostgresServer::CreateDatabase(std::string_view options) {
  std::string name = "db" + std::to_string(++databases_);
  STRATA_RETURN_IF_ERROR(
      Execute("CREATE DATABASE " + name + " TEMPLATE template0 " + std::string(options)));
  return name;
}

common::Result<std::string> PostgresServer::CreateSchema() {
  const std::string schema = "s" + std::to_string(++schemas_);
  STRATA_RETURN_IF_ERROR(Execute("CREATE SCHEMA " + schema));
  return schema;
}

std::string PostgresServer::SchemaUri(std::string_view schema) const {
  return Uri("postgres") + "&options=-csearch_path%3D" + std::string(schema);
}

common::Result<std::string> PostgresServer::FreshSchemaUri() {
  STRATA_ASSIGN_OR_RETURN(std::string schema, CreateSchema());
  return SchemaUri(schema);
}

PostgresServer* SharedServer() {
  return common::testing::SharedTestServer<PostgresServer>("PostgreSQL");
}

}  // namespace strata::meta::postgres::testing
