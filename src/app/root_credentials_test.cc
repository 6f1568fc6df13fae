#include "app/root_credentials.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

namespace strata::app {
namespace {

namespace fs = std::filesystem;

class RootCredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("strata-root-" + common::RandomHexId(random_, 8));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  common::SecureRandom random_;
  fs::path dir_;
};

TEST_F(RootCredentialsTest, GeneratesOncePrivatelyThenReuses) {
  fs::path file = dir_ / "root.json";
  auto first = LoadRootCredential({}, file, random_);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->generated);
  EXPECT_EQ(first->credential.access_key.size(), 20u);
  EXPECT_EQ(first->credential.secret_key.size(), 40u);
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto second = LoadRootCredential({}, file, random_);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->generated);
  EXPECT_EQ(second->credential.access_key, first->credential.access_key);
  EXPECT_EQ(second->credential.secret_key, first->credential.secret_key);
}

TEST_F(RootCredentialsTest, EnvironmentWinsAndIsValidated) {
  auto env = LoadRootCredential({"admin", "password123"}, dir_ / "root.json", random_);
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(env->credential.access_key, "admin");
  EXPECT_FALSE(fs::exists(dir_ / "root.json"));
  EXPECT_FALSE(LoadRootCredential({"admin", ""}, dir_ / "root.json", random_).ok());
  EXPECT_FALSE(LoadRootCredential({"ad", "password123"}, dir_ / "root.json", random_).ok());
  EXPECT_FALSE(LoadRootCredential({"admin", "short"}, dir_ / "root.json", random_).ok());
}

TEST_F(RootCredentialsTest, CorruptFileIsAnError) {
  std::ofstream(dir_ / "root.json") << "{not json";
  EXPECT_EQ(LoadRootCredential({}, dir_ / "root.json", random_).status().code(),
            common::Code::kCorruption);
}

}  // namespace
}  // namespace strata::app
