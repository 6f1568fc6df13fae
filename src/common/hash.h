// Incremental digests over OpenSSL's EVP interface (SHA-NI where present).
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace strata::common {

class Digest {
 public:
  enum class Algorithm { kMd5, kSha1, kSha256 };
  explicit Digest(Algorithm algorithm);
  ~Digest();
  Digest(Digest&&) noexcept;
  Digest& operator=(Digest&&) noexcept;

  void Update(std::string_view data);
  // Raw digest bytes. The object must not be updated afterwards.
  std::string Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string Sha256(std::string_view data);                            // raw bytes
std::string Sha256Hex(std::string_view data);                         // lower-case hex
std::string Md5(std::string_view data);                               // raw bytes
std::string HmacSha256(std::string_view key, std::string_view data);  // raw bytes

// Compares in time independent of where the inputs first differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace strata::common
