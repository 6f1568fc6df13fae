#include "auth/session/master_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/hex.h"

namespace strata::auth {
namespace {

namespace fs = std::filesystem;
using common::Code;

// 00 01 02 ... 1f.
SecretKey CountingKey() {
  SecretKey key;
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(i);
  return key;
}

std::string AsBytes(const SecretKey& key) {
  return std::string(reinterpret_cast<const char*>(key.data()), key.size());
}

std::string DeriveHex(const MasterKey& key, std::string_view purpose) {
  return common::HexEncode(AsBytes(key.Derive(purpose)));
}

class MasterKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("strata-master-key-" + common::RandomHexId(random_, 8));
    fs::create_directories(dir_);
    file_ = dir_ / "master.key";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  void WriteFile(const std::string& bytes) {
    std::ofstream out(file_, std::ios::binary | std::ios::trunc);
    out << bytes;
  }

  common::SecureRandom random_;
  fs::path dir_;
  fs::path file_;
};

TEST(MasterKeyDeriveTest, KnownAnswer) {
  // Computed independently, with no salt and the purpose as info:
  //   openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt hexkey:000102...1f
  //     -kdfopt info:strata/jwt/v1 HKDF
  // and by hand from RFC 5869 (PRK = HMAC(32 zero bytes, IKM); OKM =
  // HMAC(PRK, info || 0x01)) with Python's hmac module.
  MasterKey key(CountingKey());
  EXPECT_EQ(DeriveHex(key, "strata/jwt/v1"),
            "597dc13874f9a7b6cf5ee5ffffcf1a84c8db3042af2bac63733dba5b85238fad");
  EXPECT_EQ(DeriveHex(key, "strata/secret-box/v1"),
            "8907d85efa1ca2a3e72007534aaaaf5ac83476c68dc09931f829861acd94e4cc");
}

TEST(MasterKeyDeriveTest, OneKeyPerPurposeAndDeterministic) {
  MasterKey key(CountingKey());
  std::string jwt = DeriveHex(key, "strata/jwt/v1");
  std::string box = DeriveHex(key, "strata/secret-box/v1");
  EXPECT_NE(jwt, box);
  EXPECT_NE(jwt, DeriveHex(key, "strata/jwt/v2"));
  EXPECT_NE(jwt, DeriveHex(key, ""));
  EXPECT_NE(jwt, common::HexEncode(AsBytes(CountingKey())));  // never the master key itself
  EXPECT_EQ(jwt, DeriveHex(MasterKey(CountingKey()), "strata/jwt/v1"));
  SecretKey other = CountingKey();
  other[0] ^= 1;
  EXPECT_NE(jwt, DeriveHex(MasterKey(other), "strata/jwt/v1"));
}

TEST_F(MasterKeyTest, HexEnvValue) {
  std::string hex = common::HexEncode(AsBytes(CountingKey()));
  for (const std::string& env : {hex, "  " + hex + "\n", std::string(hex).replace(0, 2, "00")}) {
    auto loaded = LoadMasterKey(env, file_, random_);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    EXPECT_FALSE(loaded->generated);
    EXPECT_EQ(DeriveHex(loaded->key, "p"), DeriveHex(MasterKey(CountingKey()), "p"));
  }
  // Upper-case digits are the same key.
  std::string upper = hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto loaded = LoadMasterKey(upper, file_, random_);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(DeriveHex(loaded->key, "p"), DeriveHex(MasterKey(CountingKey()), "p"));
  // The environment wins: no key file is read or created.
  EXPECT_FALSE(fs::exists(file_));
}

TEST_F(MasterKeyTest, Base64EnvValue) {
  std::string b64 = common::Base64Encode(AsBytes(CountingKey()));
  ASSERT_EQ(b64.size(), 44u);
  auto loaded = LoadMasterKey(b64, file_, random_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_FALSE(loaded->generated);
  EXPECT_EQ(DeriveHex(loaded->key, "p"), DeriveHex(MasterKey(CountingKey()), "p"));
  EXPECT_FALSE(fs::exists(file_));
}

TEST_F(MasterKeyTest, BadEnvValues) {
  std::string hex = common::HexEncode(AsBytes(CountingKey()));
  const std::string kBad[] = {
      "x",
      hex.substr(0, 62),                                           // 31 bytes
      hex + "00",                                                  // 33 bytes
      std::string(hex).replace(10, 1, "g"),                        // not hex
      common::Base64Encode(AsBytes(CountingKey()).substr(1)),      // base64 of 31 bytes
      common::Base64Encode(AsBytes(CountingKey()) + "!"),          // base64 of 33 bytes
      common::Base64Encode(AsBytes(CountingKey())).substr(0, 43),  // padding missing
      "correct horse battery staple",
  };
  for (const std::string& env : kBad) {
    auto loaded = LoadMasterKey(env, file_, random_);
    ASSERT_FALSE(loaded.ok()) << env;
    EXPECT_EQ(loaded.status().code(), Code::kInvalidArgument) << env;
    if (env.size() > 8) {
      EXPECT_EQ(loaded.status().message().find(env), std::string::npos) << "message echoes it";
    }
  }
  EXPECT_FALSE(fs::exists(file_));
}

TEST_F(MasterKeyTest, FileCreatedOnceThenReused) {
  auto first = LoadMasterKey("", file_, random_);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->generated);
  struct stat st {};
  ASSERT_EQ(::stat(file_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_size, 32);
  // Nothing left behind but the key file (the temporary file was renamed).
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);

  auto second = LoadMasterKey("", file_, random_);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_FALSE(second->generated);
  EXPECT_EQ(DeriveHex(second->key, "strata/jwt/v1"), DeriveHex(first->key, "strata/jwt/v1"));

  // Another generated key is another key.
  fs::path other_file = dir_ / "other.key";
  auto other = LoadMasterKey("", other_file, random_);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->generated);
  EXPECT_NE(DeriveHex(other->key, "p"), DeriveHex(first->key, "p"));
}

TEST_F(MasterKeyTest, FileHoldsRawBytesOrHex) {
  WriteFile(AsBytes(CountingKey()));
  auto raw = LoadMasterKey("", file_, random_);
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  EXPECT_FALSE(raw->generated);
  EXPECT_EQ(DeriveHex(raw->key, "p"), DeriveHex(MasterKey(CountingKey()), "p"));

  WriteFile(common::HexEncode(AsBytes(CountingKey())) + "\n");
  auto hex = LoadMasterKey("", file_, random_);
  ASSERT_TRUE(hex.ok()) << hex.status().ToString();
  EXPECT_EQ(DeriveHex(hex->key, "p"), DeriveHex(MasterKey(CountingKey()), "p"));
}

TEST_F(MasterKeyTest, WrongSizeFileRejected) {
  std::string bytes = AsBytes(CountingKey());
  const std::string kBad[] = {
      "",
      bytes.substr(0, 31),
      bytes + "\n",  // 33 bytes: raw keys are exact
      bytes + bytes,
      std::string(64, 'z'),                    // 64 bytes, not hex
      common::HexEncode(bytes).substr(0, 62),  // 31 bytes of hex
      std::string(10000, 'a'),                 // large
  };
  for (const std::string& contents : kBad) {
    WriteFile(contents);
    auto loaded = LoadMasterKey("", file_, random_);
    ASSERT_FALSE(loaded.ok()) << contents.size();
    EXPECT_EQ(loaded.status().code(), Code::kInvalidArgument) << contents.size();
  }
  // A rejected file is left alone, never replaced by a new key.
  std::ifstream in(file_, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), std::string(10000, 'a'));
}

TEST_F(MasterKeyTest, UnreadableOrUncreatableFileIsInternal) {
  auto missing_dir = LoadMasterKey("", dir_ / "no-such-dir" / "master.key", random_);
  ASSERT_FALSE(missing_dir.ok());
  EXPECT_EQ(missing_dir.status().code(), Code::kInternal);

  // A directory where the file should be cannot be read.
  fs::create_directories(file_);
  auto is_dir = LoadMasterKey("", file_, random_);
  ASSERT_FALSE(is_dir.ok());
  EXPECT_EQ(is_dir.status().code(), Code::kInternal);
}

}  // namespace
}  // namespace strata::auth
