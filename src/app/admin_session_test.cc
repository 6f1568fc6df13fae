#include "app/admin_session.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>

#include "common/random.h"

namespace strata::app {
namespace {

namespace fs = std::filesystem;
using common::Code;

class AdminSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("strata-session-" + common::RandomHexId(random_, 8));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static AdminSession Sample() {
    return {"http://127.0.0.1:9000", "alice", "eyJ.access", "refresh-1", 1764550900};
  }
  static void WriteText(const fs::path& path, const std::string& text) {
    std::ofstream(path) << text;
  }
  static mode_t Mode(const fs::path& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  }
  std::set<std::string> Entries(const fs::path& dir) {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) {
      names.insert(entry.path().filename().string());
    }
    return names;
  }

  common::SecureRandom random_;
  fs::path dir_;
};

TEST_F(AdminSessionTest, RoundTrip) {
  fs::path file = dir_ / "session.json";
  ASSERT_TRUE(SaveSession(file, Sample()).ok());
  auto loaded = LoadSession(file);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_TRUE(loaded->has_value());
  const AdminSession& s = **loaded;
  EXPECT_EQ(s.endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(s.user, "alice");
  EXPECT_EQ(s.access_token, "eyJ.access");
  EXPECT_EQ(s.refresh_token, "refresh-1");
  EXPECT_EQ(s.access_expires_at, 1764550900);
}

TEST_F(AdminSessionTest, MissingFileIsNoSession) {
  auto loaded = LoadSession(dir_ / "none.json");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_FALSE(loaded->has_value());
}

TEST_F(AdminSessionTest, FileIsPrivateWhateverTheUmask) {
  fs::path file = dir_ / "a" / "b" / "session.json";
  mode_t old = ::umask(0);
  common::Status status = SaveSession(file, Sample());
  ::umask(old);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(Mode(file), 0600u);
  EXPECT_EQ(Mode(dir_ / "a" / "b"), 0700u);  // the session's own directory
}

TEST_F(AdminSessionTest, ReplacingALooseFileMakesItPrivate) {
  fs::path file = dir_ / "session.json";
  WriteText(file, "{}");
  ASSERT_EQ(::chmod(file.c_str(), 0644), 0);
  ASSERT_TRUE(SaveSession(file, Sample()).ok());
  EXPECT_EQ(Mode(file), 0600u);
}

TEST_F(AdminSessionTest, WriteIsAtomicRename) {
  fs::path file = dir_ / "session.json";
  ASSERT_TRUE(SaveSession(file, Sample()).ok());
  // A reader holding the old file keeps reading the old, whole session: the
  // new one arrives under a new inode, never by rewriting in place.
  int old_fd = ::open(file.c_str(), O_RDONLY);
  ASSERT_GE(old_fd, 0);
  struct stat before {};
  ASSERT_EQ(::fstat(old_fd, &before), 0);

  AdminSession rotated = Sample();
  rotated.refresh_token = "refresh-2";
  ASSERT_TRUE(SaveSession(file, rotated).ok());

  struct stat after {};
  ASSERT_EQ(::stat(file.c_str(), &after), 0);
  EXPECT_NE(before.st_ino, after.st_ino);
  std::string old_text(4096, '\0');
  ssize_t n = ::pread(old_fd, old_text.data(), old_text.size(), 0);
  ::close(old_fd);
  ASSERT_GT(n, 0);
  old_text.resize(static_cast<size_t>(n));
  EXPECT_NE(old_text.find("refresh-1"), std::string::npos);

  auto loaded = LoadSession(file);
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((*loaded)->refresh_token, "refresh-2");
  EXPECT_EQ(Entries(dir_), std::set<std::string>{"session.json"}) << "a temporary file stayed";
}

TEST_F(AdminSessionTest, FailedRenameLeavesNoTemporary) {
  // The target name is taken by a non-empty directory: rename fails late,
  // after the temporary file was written.
  fs::path target = dir_ / "session.json";
  fs::create_directories(target / "inside");
  common::Status status = SaveSession(target, Sample());
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), Code::kUnavailable);
  EXPECT_EQ(status.message().find("refresh-1"), std::string::npos) << "a secret in a message";
  EXPECT_EQ(Entries(dir_), std::set<std::string>{"session.json"});
  EXPECT_TRUE(fs::is_directory(target / "inside"));
}

TEST_F(AdminSessionTest, CorruptFilesAreClearErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"empty", ""},
      {"not json", "endpoint=http://x"},
      {"truncated", R"({"endpoint": "http://x", "user": "a")"},
      {"array", R"(["http://x"])"},
      {"no refresh token",
       R"({"endpoint": "http://x", "user": "a", "access_token": "t", "access_expires_at": 1})"},
      {"empty access token",
       R"({"endpoint": "http://x", "user": "a", "access_token": "", "refresh_token": "r",
           "access_expires_at": 1})"},
      {"number as user",
       R"({"endpoint": "http://x", "user": 7, "access_token": "t", "refresh_token": "r",
           "access_expires_at": 1})"},
      {"expiry as text",
       R"({"endpoint": "http://x", "user": "a", "access_token": "t", "refresh_token": "r",
           "access_expires_at": "soon"})"},
      {"expiry as fraction",
       R"({"endpoint": "http://x", "user": "a", "access_token": "t", "refresh_token": "r",
           "access_expires_at": 1.5})"},
  };
  fs::path file = dir_ / "session.json";
  for (const auto& [name, text] : cases) {
    SCOPED_TRACE(name);
    WriteText(file, text);
    auto loaded = LoadSession(file);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.status().code(), Code::kCorruption);
    EXPECT_NE(loaded.status().message().find(file.string()), std::string::npos);
    EXPECT_NE(loaded.status().message().find("strata admin login"), std::string::npos);
  }
}

TEST_F(AdminSessionTest, UnknownFieldsAreIgnored) {
  fs::path file = dir_ / "session.json";
  WriteText(file, R"({"endpoint": "http://x", "user": "a", "access_token": "t",
                      "refresh_token": "r", "access_expires_at": 5, "later": true})");
  auto loaded = LoadSession(file);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->access_expires_at, 5);
}

TEST_F(AdminSessionTest, DeleteIsIdempotent) {
  fs::path file = dir_ / "session.json";
  ASSERT_TRUE(SaveSession(file, Sample()).ok());
  EXPECT_TRUE(DeleteSession(file).ok());
  EXPECT_FALSE(fs::exists(file));
  EXPECT_TRUE(DeleteSession(file).ok());
}

TEST(DefaultSessionPathTest, ConfigThenHome) {
  EXPECT_EQ(*DefaultSessionPath("/etc/s.json", "/home/a"), fs::path("/etc/s.json"));
  EXPECT_EQ(*DefaultSessionPath("", "/home/a"), fs::path("/home/a/.config/strata/session.json"));
  EXPECT_EQ(*DefaultSessionPath(nullptr, "/home/a"),
            fs::path("/home/a/.config/strata/session.json"));
  auto none = DefaultSessionPath(nullptr, "");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace strata::app
