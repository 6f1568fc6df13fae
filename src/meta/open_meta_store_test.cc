#include "meta/open_meta_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "meta/internal/contract_util.h"
#include "meta/postgres/testing/postgres_server.h"

namespace strata::meta {
namespace {

using common::Code;

TEST(OpenMetaStoreTest, OpensSqliteByPath) {
  std::string dir = (std::filesystem::temp_directory_path() / "strata-open-XXXXXX").string();
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  const std::string path = dir + "/meta.db";
  {
    STRATA_ASSERT_OK_AND_ASSIGN(OpenedMetaStore opened, OpenMetaStore("sqlite:" + path, nullptr));
    ASSERT_NE(opened.store, nullptr);
    EXPECT_EQ(opened.description, "sqlite:" + path);
    STRATA_EXPECT_OK(opened.store->CreateBucket(contract::MakeBucket("b")));
    ASSERT_NE(opened.identity, nullptr);
    EXPECT_EQ(dynamic_cast<MetaStore*>(opened.identity), opened.store.get());
    ASSERT_NE(opened.audit, nullptr);
    EXPECT_EQ(dynamic_cast<MetaStore*>(opened.audit), opened.store.get());
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

TEST(OpenMetaStoreTest, OpensPostgresByUri) {
  postgres::testing::PostgresServer* server = postgres::testing::SharedServer();
  ASSERT_NE(server, nullptr);
  STRATA_ASSERT_OK_AND_ASSIGN(std::string database, server->CreateDatabase());
  // Both schemes; the URI's own parameters reach libpq.
  for (std::string uri : {server->Uri(database), "postgres://postgres:unused-password@127.0.0.1:" +
                                                     std::to_string(server->port()) + "/" +
                                                     database + "?connect_timeout=3"}) {
    STRATA_ASSERT_OK_AND_ASSIGN(OpenedMetaStore opened, OpenMetaStore(uri, nullptr));
    ASSERT_NE(opened.store, nullptr);
    ASSERT_NE(opened.identity, nullptr);
    EXPECT_EQ(dynamic_cast<MetaStore*>(opened.identity), opened.store.get());
    ASSERT_NE(opened.audit, nullptr);
    EXPECT_EQ(dynamic_cast<MetaStore*>(opened.audit), opened.store.get());
    EXPECT_EQ(opened.description,
              "postgres://postgres@127.0.0.1:" + std::to_string(server->port()) + "/" + database);
    EXPECT_EQ(opened.description.find("password"), std::string::npos);
    STRATA_EXPECT_OK(opened.store->ListBuckets());
  }
}

TEST(OpenMetaStoreTest, RejectsUnknownSchemesWithoutEchoingThem) {
  for (const char* url : {"", "sqlite:", "mysql://root:hunter2@db/x", "/var/lib/meta.db",
                          "postgres:/x", "SQLITE:/x"}) {
    auto opened = OpenMetaStore(url, nullptr);
    ASSERT_FALSE(opened.ok()) << url;
    EXPECT_EQ(opened.status().code(), Code::kInvalidArgument) << url;
    EXPECT_EQ(opened.status().message().find("hunter2"), std::string::npos);
  }
}

}  // namespace
}  // namespace strata::meta
