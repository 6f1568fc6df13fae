// strata: the one binary. Subcommands: server (more arrive with their issues:
// admin, bench).
#include <CLI/CLI.hpp>

#include "app/server_command.h"

int main(int argc, char** argv) {
  CLI::App app{"Strata: an S3-compatible, erasure-coded object store"};
  app.require_subcommand(1);
  strata::app::ServerConfig server_config;
  CLI::App* server = app.add_subcommand("server", "Serve the S3 API on one port");
  strata::app::AddServerFlags(*server, server_config);
  CLI11_PARSE(app, argc, argv);
  if (server->parsed()) return strata::app::RunServer(server_config);
  return 0;
}
