#include "meta/internal/migration_history.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "meta/internal/contract_util.h"

namespace strata::meta::internal {
namespace {

using common::Code;

constexpr Migration kKnown[] = {
    {1, "first", "CREATE TABLE a (x INTEGER)"},
    {2, "second", "CREATE TABLE b (x INTEGER)"},
    {3, "third", "CREATE TABLE c (x INTEGER)"},
};

TEST(MigrationHistoryTest, AcceptsAPrefixOfTheKnownHistory) {
  struct Case {
    std::vector<RecordedMigration> recorded;
    std::set<int64_t> versions;
  };
  const Case cases[] = {
      {{}, {}},
      {{{1, "first"}}, {1}},
      {{{1, "first"}, {2, "second"}, {3, "third"}}, {1, 2, 3}},
      // A gap is not this check's business: the migrator applies what is
      // missing.
      {{{2, "second"}}, {2}},
  };
  for (const Case& c : cases) {
    STRATA_ASSERT_OK_AND_ASSIGN(std::set<int64_t> versions,
                                CheckMigrationHistory(c.recorded, kKnown));
    EXPECT_EQ(versions, c.versions);
  }
}

TEST(MigrationHistoryTest, RefusesNewerAndDivergedHistories) {
  struct Case {
    const char* name;
    std::vector<RecordedMigration> recorded;
    Code code;
    const char* message;
  };
  const Case cases[] = {
      {"a newer version",
       {{1, "first"}, {4, "fourth"}},
       Code::kInvalidArgument,
       "schema version 4 (fourth) is newer than this Strata build supports (3)"},
      {"a renamed version",
       {{1, "first"}, {2, "other"}},
       Code::kCorruption,
       "records migration 2 'other', which this build does not have"},
      {"an unknown version", {{0, "zero"}}, Code::kCorruption, "migration 0 'zero'"},
      // The first row that breaks a rule decides.
      {"renamed, then newer", {{1, "other"}, {9, "ninth"}}, Code::kCorruption, "migration 1"},
  };
  for (const Case& c : cases) {
    auto result = CheckMigrationHistory(c.recorded, kKnown);
    ASSERT_FALSE(result.ok()) << c.name;
    EXPECT_EQ(result.status().code(), c.code) << c.name;
    EXPECT_NE(result.status().message().find(c.message), std::string::npos)
        << c.name << ": " << result.status().ToString();
  }
  STRATA_EXPECT_CODE(CheckMigrationHistory({{1, "first"}}, {}), Code::kInvalidArgument);
}

TEST(MigrationHistoryTest, ChecksAgainstThisBuild) {
  std::vector<RecordedMigration> recorded;
  for (const Migration& migration : Migrations()) {
    recorded.push_back({migration.version, std::string(migration.name)});
  }
  STRATA_ASSERT_OK_AND_ASSIGN(std::set<int64_t> versions, CheckMigrationHistory(recorded));
  EXPECT_EQ(versions.size(), Migrations().size());
  recorded.push_back({LatestSchemaVersion() + 1, "from_the_future"});
  STRATA_EXPECT_CODE(CheckMigrationHistory(recorded), Code::kInvalidArgument);
}

TEST(MigrationHistoryTest, FailureNamesTheMigration) {
  const common::Status status =
      MigrationFailed(kKnown[1], common::Error(Code::kInternal, "near \"TABEL\": syntax error"));
  EXPECT_EQ(status.code(), Code::kInternal);
  EXPECT_EQ(status.message(), "migration 2 second: near \"TABEL\": syntax error");
}

}  // namespace
}  // namespace strata::meta::internal
