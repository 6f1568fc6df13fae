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
    EXPECT_NE(migration.sql.find("CREATE"), std::string_view::npos);
  }
  EXPECT_EQ(LatestSchemaVersion(), Migrations().back().version);
}

}  // namespace
}  // namespace strata::meta
