#include "obs/timed_meta_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>

#include "meta/meta_store_contract.h"
#include "meta/sqlite/sqlite_meta_store.h"

namespace strata::obs {
namespace {

using meta::contract::MetaStoreContractTest;
using ::testing::HasSubstr;

// A TimedMetaStore that owns what it decorates, for the contract suite's
// factory. The holder is a base listed first, so it is built before (and
// destroyed after) the decorator that refers to it.
struct Owned {
  std::unique_ptr<meta::sqlite::SqliteMetaStore> inner;
  Metrics metrics;
};
class OwningTimedStore : private Owned, public TimedMetaStore {
 public:
  explicit OwningTimedStore(std::unique_ptr<meta::sqlite::SqliteMetaStore> store)
      : Owned{std::move(store), {}}, TimedMetaStore(*Owned::inner, *Owned::inner, Owned::metrics) {}
};

common::Result<std::unique_ptr<meta::MetaStore>> MakeTimedSqlite(const std::filesystem::path& dir) {
  auto store = meta::sqlite::SqliteMetaStore::Open((dir / "meta.db").string());
  if (!store.ok()) return store.status();
  return std::unique_ptr<meta::MetaStore>(
      std::make_unique<OwningTimedStore>(std::move(store).value()));
}

// The decorator changes no behaviour: it passes the whole MetaStore contract.
INSTANTIATE_TEST_SUITE_P(TimedSqlite, MetaStoreContractTest,
                         ::testing::Values(meta::contract::MetaStoreContractParam{"TimedSqlite",
                                                                                  MakeTimedSqlite}),
                         meta::contract::MetaStoreContractParamName);

class TimedMetaStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("timed-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto store = meta::sqlite::SqliteMetaStore::Open((dir_ / "meta.db").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    inner_ = std::move(store).value();
    timed_ = std::make_unique<TimedMetaStore>(*inner_, *inner_, metrics_);
  }
  void TearDown() override {
    timed_.reset();
    inner_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  Metrics metrics_;
  std::unique_ptr<meta::sqlite::SqliteMetaStore> inner_;
  std::unique_ptr<TimedMetaStore> timed_;
};

TEST_F(TimedMetaStoreTest, RecordsEachCallUnderItsMethodName) {
  ASSERT_TRUE(timed_->CreateBucket({.name = "b", .owner = "u"}).ok());
  ASSERT_TRUE(timed_->GetBucket("b").ok());
  ASSERT_TRUE(timed_->GetBucket("b").ok());
  ASSERT_TRUE(timed_->GetStorageStats().ok());
  const std::string text = metrics_.Scrape();
  EXPECT_THAT(text, HasSubstr("# TYPE strata_meta_operation_duration_seconds histogram"));
  EXPECT_THAT(
      text,
      HasSubstr(R"(strata_meta_operation_duration_seconds_count{operation="CreateBucket"} 1)"));
  EXPECT_THAT(
      text, HasSubstr(R"(strata_meta_operation_duration_seconds_count{operation="GetBucket"} 2)"));
  EXPECT_THAT(
      text,
      HasSubstr(R"(strata_meta_operation_duration_seconds_count{operation="GetStorageStats"} 1)"));
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(strata_meta_operation_duration_seconds_bucket{operation="GetBucket",le="+Inf"} 2)"));
}

TEST_F(TimedMetaStoreTest, FailuresAreForwardedAndTimed) {
  auto missing = timed_->GetObject("no-such-bucket", "k");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), common::Code::kNoSuchBucket);
  EXPECT_THAT(
      metrics_.Scrape(),
      HasSubstr(R"(strata_meta_operation_duration_seconds_count{operation="GetObject"} 1)"));
}

}  // namespace
}  // namespace strata::obs
