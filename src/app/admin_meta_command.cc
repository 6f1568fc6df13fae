#include "app/admin_meta_command.h"

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common/time_format.h"
#include "meta/copy_meta.h"

namespace strata::app {
namespace {

using Json = nlohmann::ordered_json;

// printf-style formatting into a string, for aligned columns.
template <class... Args>
std::string Format(const char* format, Args... args) {
  char line[512];
  std::snprintf(line, sizeof(line), format, args...);
  return line;
}

std::string Time(int64_t ms) {
  if (ms <= 0) return "-";
  return common::FormatIso8601Millis(ms).substr(0, 19) + "Z";
}

Json MigrationsJson(const std::vector<meta::AppliedMigration>& migrations, bool with_time) {
  Json out = Json::array();
  for (const meta::AppliedMigration& m : migrations) {
    Json entry = {{"version", m.version}, {"name", m.name}};
    if (with_time) entry["applied_at_ms"] = m.applied_at_ms;
    out.push_back(std::move(entry));
  }
  return out;
}

void PrintStatus(const meta::MetaStatus& s, bool json) {
  if (json) {
    Json tables = Json::object();
    for (const meta::TableRows& t : s.tables) tables[t.table] = t.rows;
    Json doc = {{"metadata", s.description},
                {"schema_version", s.schema_version},
                {"latest_version", s.latest_version},
                {"applied", MigrationsJson(s.applied, true)},
                {"pending", MigrationsJson(s.pending, false)},
                {"tables", std::move(tables)}};
    std::cout << doc.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
    return;
  }
  std::cout << "Metadata:        " << s.description << "\n"
            << "Schema version:  " << s.schema_version << " (this build: " << s.latest_version
            << ")\n"
            << "Applied migrations:\n";
  if (s.applied.empty()) std::cout << "  (none)\n";
  for (const meta::AppliedMigration& m : s.applied) {
    std::cout << Format("  %4lld  %-24s %s\n", static_cast<long long>(m.version), m.name.c_str(),
                        Time(m.applied_at_ms).c_str());
  }
  std::cout << "Pending migrations:";
  if (s.pending.empty()) std::cout << " none";
  std::cout << "\n";
  for (const meta::AppliedMigration& m : s.pending) {
    std::cout << Format("  %4lld  %s\n", static_cast<long long>(m.version), m.name.c_str());
  }
  std::cout << "Rows:\n";
  if (s.tables.empty()) std::cout << "  (no tables)\n";
  for (const meta::TableRows& t : s.tables) {
    std::cout << Format("  %-20s %llu\n", t.table.c_str(), static_cast<unsigned long long>(t.rows));
  }
}

int Failed(const common::Status& status) {
  std::cerr << "strata admin meta: " << status.message() << "\n";
  return 1;
}

}  // namespace

void AddAdminMetaFlags(CLI::App& admin, AdminMetaFlags& f) {
  CLI::App* meta = admin.add_subcommand(
      "meta", "Metadata database: status, migrate, copy (run against the database itself)");
  meta->require_subcommand(1);
  auto leaf = [&](const char* name, const char* help, AdminMetaCommand command) {
    CLI::App* sub = meta->add_subcommand(name, help);
    sub->callback([&f, command] { f.command = command; });
    return sub;
  };
  for (auto [name, help, command] :
       {std::tuple{"status", "Schema version, applied and pending migrations, rows per table",
                   AdminMetaCommand::kStatus},
        std::tuple{"migrate", "Apply pending schema migrations (as a server start does)",
                   AdminMetaCommand::kMigrate}}) {
    leaf(name, help, command)
        ->add_option("--meta", f.meta, "Metadata URL: sqlite:PATH or postgres://...")
        ->envname("STRATA_META")
        ->required();
  }
  CLI::App* copy =
      leaf("copy",
           "Copy every row into a new, empty database in one transaction (stop the servers "
           "first)",
           AdminMetaCommand::kCopy);
  copy->add_option("--from", f.from, "Source metadata URL, e.g. sqlite:./data/meta/strata.db")
      ->required();
  copy->add_option("--to", f.to, "Target metadata URL, e.g. postgres://strata@db/strata")
      ->required();
}

int RunAdminMetaCommand(const AdminMetaFlags& f, bool json) {
  switch (f.command) {
    case AdminMetaCommand::kStatus:
    case AdminMetaCommand::kMigrate: {
      auto status = f.command == AdminMetaCommand::kStatus ? meta::ReadMetaStatus(f.meta)
                                                           : meta::MigrateMeta(f.meta);
      if (!status.ok()) return Failed(status.status());
      PrintStatus(*status, json);
      return 0;
    }
    case AdminMetaCommand::kCopy: {
      auto progress = [json](const meta::TableRows& t) {
        if (json) return;
        std::cout << Format("  %-20s %llu rows\n", t.table.c_str(),
                            static_cast<unsigned long long>(t.rows))
                  << std::flush;
      };
      if (!json) std::cout << "Copying (one transaction; nothing is kept on failure):\n";
      auto report = meta::CopyMeta(f.from, f.to, progress);
      if (!report.ok()) return Failed(report.status());
      if (json) {
        Json tables = Json::object();
        for (const meta::TableRows& t : report->tables) tables[t.table] = t.rows;
        Json doc = {{"from", report->from}, {"to", report->to}, {"tables", std::move(tables)}};
        std::cout << doc.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
      } else {
        uint64_t rows = 0;
        for (const meta::TableRows& t : report->tables) rows += t.rows;
        std::cout << "Copied " << rows << " rows from " << report->from << " to " << report->to
                  << "; row counts verified.\n"
                  << "Login sessions (refresh tokens) were copied too; start the servers with "
                     "the same STRATA_MASTER_KEY (or DIR/meta/master.key) as before.\n";
      }
      return 0;
    }
    case AdminMetaCommand::kNone:
      break;
  }
  std::cerr << "strata admin meta: no command\n";
  return 2;
}

}  // namespace strata::app
