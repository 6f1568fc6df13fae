#include "common/random.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

namespace strata::common {
namespace {

TEST(SecureRandomTest, DrawsAreTheRequestedSizeAndNeverRepeat) {
  SecureRandom random;
  std::set<std::string> seen;
  // Sizes on both sides of the per-thread buffer's largest draw, and draws
  // that straddle a refill.
  for (size_t n : {0, 1, 10, 16, 63, 64, 65, 100, 600}) {
    EXPECT_EQ(random.Bytes(n).size(), n);
  }
  for (int i = 0; i < 5000; ++i) {
    EXPECT_TRUE(seen.insert(random.Bytes(16)).second) << "draw " << i << " repeated";
  }
}

TEST(SecureRandomTest, ThreadsDrawDifferentBytes) {
  SecureRandom random;
  constexpr int kThreads = 4;
  constexpr int kDraws = 2000;
  std::vector<std::vector<std::string>> drawn(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kDraws; ++i) drawn[t].push_back(random.Bytes(10));
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<std::string> all;
  for (const auto& draws : drawn) all.insert(draws.begin(), draws.end());
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kDraws));
}

TEST(SecureRandomTest, AForkedChildDoesNotRepeatItsParentsBytes) {
  SecureRandom random;
  (void)random.Bytes(16);  // the parent's buffer now holds unused bytes
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::string bytes = random.Bytes(16);
    ssize_t written = write(pipe_fds[1], bytes.data(), bytes.size());
    _exit(written == 16 ? 0 : 1);
  }
  close(pipe_fds[1]);
  std::string from_child(16, '\0');
  ssize_t got = read(pipe_fds[0], from_child.data(), from_child.size());
  close(pipe_fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_EQ(got, 16);
  EXPECT_NE(random.Bytes(16), from_child);
}

}  // namespace
}  // namespace strata::common
