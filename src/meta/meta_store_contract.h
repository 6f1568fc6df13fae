// The MetaStore contract suite: one set of tests that every implementation
// must pass (STYLE.md rule 9; Garage's src/db/test.rs is the model). An
// implementation's test instantiates it with a factory (the suite name must be
// unqualified, so bring it in with `using`):
//
//   using contract::MetaStoreContractTest;
//   INSTANTIATE_TEST_SUITE_P(Sqlite, MetaStoreContractTest,
//                            ::testing::Values(MetaStoreContractParam{"Sqlite", factory}),
//                            contract::MetaStoreContractParamName);
//
// (sqlite/sqlite_meta_store_test.cc is the worked example) and links
// strata_meta_contract whole ($<LINK_LIBRARY:WHOLE_ARCHIVE,...>): the tests
// register from static initializers, which a plain static link drops.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "common/result.h"
#include "meta/meta_store.h"

namespace strata::meta::contract {

// Makes a fresh, empty store. `dir` is a new empty directory that lives until
// the store is destroyed (an implementation may keep its files there, or
// ignore it, e.g. a PostgreSQL store creating a fresh schema).
using MetaStoreFactory =
    std::function<common::Result<std::unique_ptr<MetaStore>>(const std::filesystem::path& dir)>;

struct MetaStoreContractParam {
  std::string name;  // test name suffix: letters, digits and '_' only
  MetaStoreFactory factory;
};

// gtest printing: the name, not the bytes.
void PrintTo(const MetaStoreContractParam& param, std::ostream* os);

// Names instantiated tests after MetaStoreContractParam::name.
std::string MetaStoreContractParamName(
    const ::testing::TestParamInfo<MetaStoreContractParam>& info);

class MetaStoreContractTest : public ::testing::TestWithParam<MetaStoreContractParam> {
 protected:
  void SetUp() override;
  void TearDown() override;

  MetaStore& store() { return *store_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<MetaStore> store_;
};

}  // namespace strata::meta::contract
