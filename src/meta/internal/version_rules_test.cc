#include "meta/internal/version_rules.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "meta/internal/contract_util.h"

namespace strata::meta::internal {
namespace {

using common::Code;

TEST(VersionRulesTest, VersioningTextRoundTrips) {
  for (Versioning v : {Versioning::kUnversioned, Versioning::kEnabled, Versioning::kSuspended}) {
    common::Result<Versioning> parsed = ParseVersioning("b", VersioningText(v));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, v);
  }
  EXPECT_EQ(VersioningText(Versioning::kEnabled), "Enabled");
  EXPECT_EQ(VersioningText(Versioning::kSuspended), "Suspended");
  for (std::string_view bad : {"enabled", "Disabled", " Enabled"}) {
    STRATA_EXPECT_CODE(ParseVersioning("b", bad), Code::kCorruption);
  }
  STRATA_EXPECT_CODE(CheckVersioningChange(Versioning::kUnversioned), Code::kInvalidArgument);
  STRATA_EXPECT_OK(CheckVersioningChange(Versioning::kEnabled));
  STRATA_EXPECT_OK(CheckVersioningChange(Versioning::kSuspended));
}

TEST(VersionRulesTest, PlansForPuts) {
  struct Case {
    Versioning versioning;
    std::optional<std::string> current;  // the current row's version id
    std::string id;                      // the new version's
    bool archive, replace, remove_null;
  };
  const std::optional<std::string> none;
  const Case cases[] = {
      {Versioning::kUnversioned, none, "", false, false, false},
      {Versioning::kUnversioned, "", "", false, true, false},
      {Versioning::kEnabled, none, "v2", false, false, false},
      {Versioning::kEnabled, "", "v2", true, false, false},
      {Versioning::kEnabled, "v1", "v2", true, false, false},
      {Versioning::kSuspended, none, "", false, false, true},
      {Versioning::kSuspended, "", "", false, true, false},
      {Versioning::kSuspended, "v1", "", true, false, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(VersioningText(c.versioning)) + " over " + c.current.value_or("none"));
    common::Result<VersionPlan> plan = PlanPut(c.versioning, "v2", c.current);
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    EXPECT_EQ(plan->version_id, c.id);
    EXPECT_TRUE(plan->new_version);
    EXPECT_EQ(plan->archive_current, c.archive);
    EXPECT_EQ(plan->replace_current, c.replace);
    EXPECT_EQ(plan->remove_null_version, c.remove_null);
  }
}

TEST(VersionRulesTest, PlansForDeletes) {
  common::Result<VersionPlan> plan = PlanDeleteLatest(Versioning::kUnversioned, "", "");
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(plan->new_version);
  EXPECT_TRUE(plan->replace_current);
  plan = PlanDeleteLatest(Versioning::kUnversioned, "", std::nullopt);
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(plan->new_version);
  EXPECT_FALSE(plan->replace_current);

  plan = PlanDeleteLatest(Versioning::kEnabled, "m1", "v1");
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->new_version);
  EXPECT_EQ(plan->version_id, "m1");
  EXPECT_TRUE(plan->archive_current);

  plan = PlanDeleteLatest(Versioning::kSuspended, "m1", "");
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->version_id, "");
  EXPECT_TRUE(plan->replace_current);
  EXPECT_FALSE(plan->remove_null_version);
}

TEST(VersionRulesTest, IdsAreCheckedOnlyWhenUsed) {
  for (std::string_view bad : {"", "null", "a/b"}) {
    STRATA_EXPECT_CODE(PlanPut(Versioning::kEnabled, bad, std::nullopt), Code::kInvalidArgument);
    STRATA_EXPECT_CODE(PlanDeleteLatest(Versioning::kEnabled, bad, std::nullopt),
                       Code::kInvalidArgument);
    // Unversioned and suspended writes make the null version, whatever was asked.
    STRATA_EXPECT_OK(PlanPut(Versioning::kUnversioned, bad, std::nullopt));
    STRATA_EXPECT_OK(PlanPut(Versioning::kSuspended, bad, std::nullopt));
    STRATA_EXPECT_OK(PlanDeleteLatest(Versioning::kSuspended, bad, std::nullopt));
  }
}

TEST(VersionRulesTest, DeleteMarkers) {
  const ObjectRecord marker = MakeDeleteMarker("b", "k", "m1", 42);
  EXPECT_TRUE(marker.delete_marker);
  EXPECT_EQ(marker.version_id, "m1");
  EXPECT_EQ(marker.size, 0u);
  EXPECT_EQ(marker.etag, "");
  EXPECT_EQ(marker.storage_class, "STANDARD");
  EXPECT_EQ(marker.last_modified_ms, 42);
  EXPECT_TRUE(marker.manifest.empty());
}

TEST(VersionRulesTest, Promotion) {
  EXPECT_TRUE(PromoteNewest(false, false));
  EXPECT_FALSE(PromoteNewest(false, true));
  EXPECT_FALSE(PromoteNewest(false, std::nullopt));
  EXPECT_FALSE(PromoteNewest(true, false));
}

TEST(VersionRulesTest, MarkersNameTheNullVersion) {
  EXPECT_EQ(VersionMarker(""), "null");
  EXPECT_EQ(VersionMarker("v1"), "v1");
  EXPECT_EQ(VersionIdFromMarker("null"), "");
  EXPECT_EQ(VersionIdFromMarker("v1"), "v1");
  STRATA_EXPECT_CODE(NoSuchVersion("k", ""), Code::kNoSuchVersion);
  STRATA_EXPECT_CODE(VersionIsDeleteMarker("k", "m"), Code::kMethodNotAllowed);
  STRATA_EXPECT_CODE(VersionIdInUse("k", "v"), Code::kInvalidArgument);
}

}  // namespace
}  // namespace strata::meta::internal
