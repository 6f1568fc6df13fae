// A throwaway PostgreSQL server for tests (TESTING.md, "PostgreSQL"): a
// cluster in a directory of its own (strata-pg-XXXXXX in $STRATA_PG_TEST_DIR,
// else in /dev/shm, a tmpfs, where there is one, else in $TMPDIR), listening on
// 127.0.0.1 on a free port with its Unix socket in that directory, fsync off,
// removed with its processes when the object goes. A server whose test
// process died first (crash, sanitizer abort, kill -9) is stopped and removed
// by the next Start() on the machine. Test-only.
//
// The cluster is made by `initdb --locale=C -E UTF8 -A trust -U postgres`
// (byte-order text, as Strata requires; 1 MiB WAL segments) once per machine,
// PostgreSQL version and user, with template1 dropped (databases here are
// made from template0) so there is less to copy. It is kept in the temporary
// directory ($TMPDIR/strata-pg-initdb-v3-<version>-<uid>, about 20 MB) and
// copied for each server, which costs a fraction of initdb's time. Binaries come from
// $STRATA_PG_BINDIR, else the newest /usr/lib/postgresql/<version>/bin (Debian), else PATH. When
// the process runs as root (CI), every PostgreSQL program runs as the
// `postgres` user through runuser, because initdb and postgres refuse root.
#pragma once

#include <filesystem>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"

namespace strata::meta::postgres::testing {

class PostgresServer {
 public:
  // Copies the cluster and starts the server (waiting until it accepts
  // connections). kInternal, with the end of PostgreSQL's log, on failure.
  static common::Result<std::unique_ptr<PostgresServer>> Start();
  // Stops the server at once (pg_ctl -m immediate; a kill as the fallback)
  // and removes its directory.
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  int port() const { return port_; }

  // A libpq URI for `database` as the superuser "postgres" over TCP.
  std::string Uri(std::string_view database) const;

  // Runs `sql` (one or more statements, simple protocol) in `database`.
  common::Status Execute(std::string_view sql, std::string_view database = "postgres") const;
  // The first column of the first row of `sql` as text ("" when no row).
  common::Result<std::string> QueryText(std::string_view sql,
                                        std::string_view database = "postgres") const;
  // The first column of every row of `sql` (of its last statement) as text.
  common::Result<std::vector<std::string>> QueryColumn(
      std::string_view sql, std::string_view database = "postgres") const;

  // CREATE DATABASE <fresh name> TEMPLATE template0 <options>; returns the
  // name. Not thread-safe.
  common::Result<std::string> CreateDatabase(std::string_view options = "");
  // A new, empty schema in the database "postgres", so each test gets a
  // fresh store for the price of a CREATE SCHEMA; returns its name. Not
  // thread-safe.
  common::Result<std::string> CreateSchema();
  // A URI for database "postgres" whose sessions work in `schema`
  // (options=-csearch_path=<schema>).
  std::string SchemaUri(std::string_view schema) const;
  // SchemaUri(CreateSchema()).
  common::Result<std::string> FreshSchemaUri();

  // Stops the server (fast shutdown: sessions are ended) and starts it again
  // on the same port and data. For outage tests.
  common::Status Stop();
  common::Status Restart();

 private:
  PostgresServer(std::filesystem::path dir, std::filesystem::path bin_dir, bool as_postgres)
      : dir_(std::move(dir)), bin_dir_(std::move(bin_dir)), as_postgres_(as_postgres) {}

  common::Status StartOnFreePort();
  common::Status PgCtl(std::initializer_list<std::string> args) const;

  const std::filesystem::path dir_;      // data/, the log and the socket
  const std::filesystem::path bin_dir_;  // "" to search PATH
  const bool as_postgres_;
  int port_ = 0;
  bool running_ = false;
  int databases_ = 0;
  int schemas_ = 0;
};

// The one server of a test binary, started on first use (so a binary that
// only lists its tests starts nothing) and stopped when the tests end, by a
// gtest Environment this library registers. Null, with a test failure added,
// when it cannot start. Thread-safe.
PostgresServer* SharedServer();

}  // namespace strata::meta::postgres::testing
