#include "app/server_config.h"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

namespace strata::app {
namespace {

TEST(ServerConfigTest, ParsesAddresses) {
  auto a = ParseAddress(":9000");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "0.0.0.0");
  EXPECT_EQ(a->port, 9000);
  auto b = ParseAddress("127.0.0.1:0");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "127.0.0.1");
  EXPECT_EQ(b->port, 0);
  auto c = ParseAddress("[::1]:8080");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->host, "::1");
  for (const char* bad : {"9000", "host:", "host:port", "host:70000", "host:12x"}) {
    EXPECT_FALSE(ParseAddress(bad).ok()) << bad;
  }
}

TEST(ServerConfigTest, ParsesErasureLayouts) {
  auto default_layout = ParseErasure("4+2");
  ASSERT_TRUE(default_layout.ok());
  EXPECT_EQ(default_layout->data_shards, 4);
  EXPECT_EQ(default_layout->parity_shards, 2);
  EXPECT_EQ(ParseErasure("none")->data_shards, 1);
  EXPECT_EQ(ParseErasure("none")->parity_shards, 0);
  EXPECT_EQ(ParseErasure("8+0")->parity_shards, 0);
  for (const char* bad : {"", "4", "4+", "+2", "0+2", "4+-1", "200+100", "4+2x", "four+two"}) {
    EXPECT_FALSE(ParseErasure(bad).ok()) << bad;
  }
}

TEST(ServerConfigTest, DefaultDrivesAreSixUnderDir) {
  ServerConfig config;
  config.dir = "/srv/strata";
  auto drives = DrivePaths(config);
  ASSERT_EQ(drives.size(), 6u);
  EXPECT_EQ(drives[0], "/srv/strata/drive1");
  EXPECT_EQ(drives[5], "/srv/strata/drive6");
  config.drives = {"/a", "/b"};
  EXPECT_EQ(DrivePaths(config).size(), 2u);
}

TEST(ServerConfigTest, LogFormatIsJsonByDefaultAndTextOnRequest) {
  {
    CLI::App app;
    ServerConfig config;
    AddServerFlags(app, config);
    const char* argv[] = {"strata", "/srv/data"};
    ASSERT_NO_THROW(app.parse(2, argv));
    EXPECT_EQ(config.log_format, "json");
  }
  {
    CLI::App app;
    ServerConfig config;
    AddServerFlags(app, config);
    const char* argv[] = {"strata", "--log-format", "text", "/srv/data"};
    ASSERT_NO_THROW(app.parse(4, argv));
    EXPECT_EQ(config.log_format, "text");
  }
  {
    CLI::App app;
    ServerConfig config;
    AddServerFlags(app, config);
    const char* argv[] = {"strata", "--log-format", "xml", "/srv/data"};
    EXPECT_THROW(app.parse(4, argv), CLI::ValidationError);
  }
}

// A list flag takes one (comma-separated) value, so the data folder after it
// stays the data folder.
TEST(ServerConfigTest, ListFlagsDoNotSwallowTheDir) {
  CLI::App app;
  ServerConfig config;
  AddServerFlags(app, config);
  const char* argv[] = {"strata",   "--domain", "localhost,example.com",
                        "--drives", "/d1,/d2",  "/srv/data"};
  ASSERT_NO_THROW(app.parse(6, argv));
  EXPECT_EQ(config.dir, "/srv/data");
  EXPECT_EQ(config.domains, (std::vector<std::string>{"localhost", "example.com"}));
  EXPECT_EQ(config.drives, (std::vector<std::string>{"/d1", "/d2"}));
}

TEST(ServerConfigTest, MetaDefaultsToTheSqliteFileUnderDir) {
  ServerConfig config;
  config.dir = "/srv/strata";
  EXPECT_EQ(MetaUrl(config), "sqlite:/srv/strata/meta/strata.db");
  config.meta = "postgres://strata@db/strata";
  EXPECT_EQ(MetaUrl(config), "postgres://strata@db/strata");
}

TEST(ServerConfigTest, MetaAndCacheFromFlagsOrEnvironment) {
  {
    CLI::App app;
    ServerConfig config;
    AddServerFlags(app, config);
    const char* argv[] = {
        "strata",   "--meta", "postgres://u@h/db", "--cache", "redis://127.0.0.1:6379/3",
        "/srv/data"};
    ASSERT_NO_THROW(app.parse(6, argv));
    EXPECT_EQ(config.meta, "postgres://u@h/db");
    EXPECT_EQ(config.cache, "redis://127.0.0.1:6379/3");
    EXPECT_EQ(config.dir, "/srv/data");
  }
  {
    setenv("STRATA_META", "sqlite:/tmp/elsewhere.db", 1);
    setenv("STRATA_CACHE", "redis://cache:6379", 1);
    CLI::App app;
    ServerConfig config;
    AddServerFlags(app, config);
    const char* argv[] = {"strata"};
    ASSERT_NO_THROW(app.parse(1, argv));
    unsetenv("STRATA_META");
    unsetenv("STRATA_CACHE");
    EXPECT_EQ(config.meta, "sqlite:/tmp/elsewhere.db");
    EXPECT_EQ(config.cache, "redis://cache:6379");
  }
  {
    CLI::App app;
    ServerConfig config;
    AddServerFlags(app, config);
    const char* argv[] = {"strata"};
    ASSERT_NO_THROW(app.parse(1, argv));
    EXPECT_EQ(config.meta, "");
    EXPECT_EQ(config.cache, "");
  }
}

TEST(ServerConfigTest, AuditFlagsFromFlagsOrEnvironment) {
  {
    CLI::App app;
    ServerConfig config;
    AddServerFlags(app, config);
    const char* argv[] = {"strata"};
    ASSERT_NO_THROW(app.parse(1, argv));
    EXPECT_EQ(config.audit_file, "");
    EXPECT_EQ(config.audit_retention_days, 90);
  }
  {
    CLI::App app;
    ServerConfig config;
    AddServerFlags(app, config);
    const char* argv[] = {
        "strata", "--audit-file", "/var/log/strata/audit.jsonl", "--audit-retention",
        "0",      "/srv/data"};
    ASSERT_NO_THROW(app.parse(6, argv));
    EXPECT_EQ(config.audit_file, "/var/log/strata/audit.jsonl");
    EXPECT_EQ(config.audit_retention_days, 0);
    EXPECT_EQ(config.dir, "/srv/data");
  }
  {
    setenv("STRATA_AUDIT_FILE", "/tmp/audit.jsonl", 1);
    setenv("STRATA_AUDIT_RETENTION_DAYS", "30", 1);
    CLI::App app;
    ServerConfig config;
    AddServerFlags(app, config);
    const char* argv[] = {"strata"};
    ASSERT_NO_THROW(app.parse(1, argv));
    unsetenv("STRATA_AUDIT_FILE");
    unsetenv("STRATA_AUDIT_RETENTION_DAYS");
    EXPECT_EQ(config.audit_file, "/tmp/audit.jsonl");
    EXPECT_EQ(config.audit_retention_days, 30);
  }
  for (const char* bad : {"-1", "seven", "99999999"}) {
    CLI::App app;
    ServerConfig config;
    AddServerFlags(app, config);
    const char* argv[] = {"strata", "--audit-retention", bad};
    EXPECT_THROW(app.parse(3, argv), CLI::ParseError) << bad;
  }
}

TEST(ServerConfigTest, WithoutPasswordKeepsEverythingButThePassword) {
  const struct {
    const char* url;
    const char* want;
  } cases[] = {
      {"redis://127.0.0.1:6379/2", "redis://127.0.0.1:6379/2"},
      {"redis://:secret@127.0.0.1:6379/2", "redis://127.0.0.1:6379/2"},
      {"redis://user:secret@cache", "redis://user@cache"},
      {"redis://user@cache:6379", "redis://user@cache:6379"},
      {"redis://:p@ss@cache:6379/0", "redis://cache:6379/0"},
      {"redis://cache/0?x=a@b", "redis://cache/0?x=a@b"},
      {"sqlite:/var/lib/strata/meta.db", "sqlite:/var/lib/strata/meta.db"},
      {"", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(WithoutPassword(c.url), c.want) << c.url;
}

}  // namespace
}  // namespace strata::app
