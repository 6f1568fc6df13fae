// The deployment half of the MetaStore contract suite: every backend is also
// a DeploymentStore (meta/deployment_store.h). The first claim wins, once and
// for all, also when several claim at the same moment.
#include <string>
#include <thread>
#include <vector>

#include "meta/deployment_store.h"
#include "meta/internal/contract_util.h"
#include "meta/meta_store_contract.h"

namespace strata::meta::contract {
namespace {

using common::Code;

// Null for the decorators the suite also runs on (CachedMetaStore,
// obs::TimedMetaStore): the server asks the backend under them, once, at
// start.
DeploymentStore* Deployment(MetaStore& store) { return dynamic_cast<DeploymentStore*>(&store); }
constexpr const char* kNotADeploymentStore = "not a DeploymentStore (a decorator)";

TEST_P(MetaStoreContractTest, DeploymentIdIsUnsetUntilClaimed) {
  DeploymentStore* deployment = Deployment(store());
  if (deployment == nullptr) GTEST_SKIP() << kNotADeploymentStore;
  STRATA_ASSERT_OK_AND_ASSIGN(std::optional<std::string> none, deployment->GetDeploymentId());
  EXPECT_FALSE(none.has_value());
  STRATA_ASSERT_OK_AND_ASSIGN(std::string claimed,
                              deployment->ClaimDeploymentId("0123456789abcdef", 1000));
  EXPECT_EQ(claimed, "0123456789abcdef");
  STRATA_ASSERT_OK_AND_ASSIGN(std::optional<std::string> got, deployment->GetDeploymentId());
  EXPECT_EQ(got, std::optional<std::string>("0123456789abcdef"));
}

TEST_P(MetaStoreContractTest, DeploymentFirstClaimWinsForGood) {
  DeploymentStore* deployment = Deployment(store());
  if (deployment == nullptr) GTEST_SKIP() << kNotADeploymentStore;
  STRATA_ASSERT_OK_AND_ASSIGN(std::string first, deployment->ClaimDeploymentId("first", 1));
  STRATA_ASSERT_OK_AND_ASSIGN(std::string second, deployment->ClaimDeploymentId("second", 2));
  EXPECT_EQ(first, "first");
  EXPECT_EQ(second, "first");
  EXPECT_EQ(*deployment->GetDeploymentId(), std::optional<std::string>("first"));
}

TEST_P(MetaStoreContractTest, DeploymentEmptyCandidateIsRefused) {
  DeploymentStore* deployment = Deployment(store());
  if (deployment == nullptr) GTEST_SKIP() << kNotADeploymentStore;
  auto claimed = deployment->ClaimDeploymentId("", 1);
  ASSERT_FALSE(claimed.ok());
  EXPECT_EQ(claimed.status().code(), Code::kInvalidArgument);
  EXPECT_FALSE(deployment->GetDeploymentId()->has_value());
}

TEST_P(MetaStoreContractTest, DeploymentConcurrentClaimsAgreeOnOneId) {
  DeploymentStore* deployment = Deployment(store());
  if (deployment == nullptr) GTEST_SKIP() << kNotADeploymentStore;
  constexpr int kThreads = 6;
  std::vector<std::string> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto claimed = deployment->ClaimDeploymentId("candidate-" + std::to_string(i), i);
      results[i] = claimed.ok() ? *claimed : "error: " + claimed.status().ToString();
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& r : results) EXPECT_EQ(r, results[0]);
  EXPECT_EQ(results[0].rfind("candidate-", 0), 0u) << results[0];
  EXPECT_EQ(*deployment->GetDeploymentId(), std::optional<std::string>(results[0]));
}

}  // namespace
}  // namespace strata::meta::contract
