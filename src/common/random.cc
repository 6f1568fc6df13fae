#include "common/random.h"

#include <openssl/rand.h>
#include <pthread.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "common/hex.h"

namespace strata::common {
namespace {

// Bumped in a forked child, so that it never hands out bytes its parent's
// buffers also hold.
std::atomic<uint64_t> fork_generation{0};

void DrawFromOpenSsl(char* out, size_t n) {
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out), static_cast<int>(n)) != 1) {
    std::abort();  // No entropy means no safe credentials; nothing sensible to return.
  }
}

// Small draws (ids: a version id, an audit record id, a chunk's file name,
// several per PUT) come from a per-thread buffer of OpenSSL's output: each
// RAND_bytes call takes OpenSSL's DRBG lock and checks for a fork with a
// getpid system call, together about 3 % of a small PUT's CPU
// (bench/README.md). The bytes are the same CSPRNG output, drawn in bulk.
class BufferedDraws {
 public:
  static constexpr size_t kBufferBytes = 512;
  static constexpr size_t kLargestBufferedDraw = 64;

  void Draw(char* out, size_t n) {
    const uint64_t generation = fork_generation.load(std::memory_order_relaxed);
    if (generation != generation_ || kBufferBytes - used_ < n) {
      DrawFromOpenSsl(buffer_, kBufferBytes);
      used_ = 0;
      generation_ = generation;
    }
    std::memcpy(out, buffer_ + used_, n);
    // Handed-out bytes are not kept around.
    std::memset(buffer_ + used_, 0, n);
    used_ += n;
  }

 private:
  char buffer_[kBufferBytes];
  size_t used_ = kBufferBytes;  // empty: the first draw fills it
  uint64_t generation_ = 0;
};

void CountFork() { fork_generation.fetch_add(1, std::memory_order_relaxed); }

}  // namespace

std::string SecureRandom::Bytes(size_t n) {
  static const bool registered = pthread_atfork(nullptr, nullptr, CountFork) == 0;
  std::string out(n, '\0');
  if (n == 0) return out;
  if (!registered || n > BufferedDraws::kLargestBufferedDraw) {
    DrawFromOpenSsl(out.data(), n);
    return out;
  }
  thread_local BufferedDraws draws;
  draws.Draw(out.data(), n);
  return out;
}

std::string RandomHexId(Random& random, size_t bytes) { return HexEncode(random.Bytes(bytes)); }

std::string RandomAlnum(Random& random, size_t length) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  while (out.size() < length) {
    for (unsigned char b : random.Bytes(length)) {
      // 248 = 62 * 4: reject the tail so every character is equally likely.
      if (b < 248 && out.size() < length) out.push_back(kAlphabet[b % 62]);
    }
  }
  return out;
}

}  // namespace strata::common
