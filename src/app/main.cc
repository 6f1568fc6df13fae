// strata: the one binary. Subcommands: server, bench, admin.
#include <CLI/CLI.hpp>

#include "app/admin_command.h"
#include "app/admin_meta_command.h"
#include "app/bench_command.h"
#include "app/server_command.h"

int main(int argc, char** argv) {
  CLI::App app{"Strata: an S3-compatible, erasure-coded object store"};
  app.require_subcommand(1);
  strata::app::ServerConfig server_config;
  CLI::App* server = app.add_subcommand("server", "Serve the S3 API on one port");
  strata::app::AddServerFlags(*server, server_config);
  strata::app::BenchFlags bench_flags;
  CLI::App* bench = app.add_subcommand("bench", "Load-test an S3 endpoint (PUT, GET, mixed, ...)");
  strata::app::AddBenchFlags(*bench, bench_flags);
  strata::app::AdminFlags admin_flags;
  CLI::App* admin = app.add_subcommand("admin", "Manage users, keys, groups, policies and storage");
  strata::app::AddAdminFlags(*admin, admin_flags);
  strata::app::AdminMetaFlags admin_meta_flags;
  strata::app::AddAdminMetaFlags(*admin, admin_meta_flags);
  CLI11_PARSE(app, argc, argv);
  if (server->parsed()) return strata::app::RunServer(server_config);
  if (bench->parsed()) return strata::app::RunBenchCommand(bench_flags);
  if (admin->parsed() && admin_meta_flags.command != strata::app::AdminMetaCommand::kNone) {
    return strata::app::RunAdminMetaCommand(admin_meta_flags, admin_flags.json);
  }
  if (admin->parsed()) return strata::app::RunAdminCommand(admin_flags);
  return 0;
}
