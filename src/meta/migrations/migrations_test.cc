#include "meta/migrations/migrations.h"

#include <gtest/gtest.h>

namespace strata::meta {
namespace {

TEST(MigrationsTest, NumberedFromOneWithoutGaps) {
  ASSERT_FALSE(Migrations().empty());
  int64_t expected = 1;
  for (const Migration& migration : Migrations()) {
    EXPECT_EQ(migration.version, expected++);
    EXPECT_FALSE(migration.name.empty());
    // Every migration changes the schema (some only add columns).
    EXPECT_TRUE(migration.sql.find("CREATE") != std::string_view::npos ||
                migration.sql.find("ALTER TABLE") != std::string_view::npos)
        << migration.name;
  }
  EXPECT_EQ(LatestSchemaVersion(), Migrations().back().version);
}

}  // namespace
}  // namespace strata::meta
