#include "common/hash.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstdlib>

#include "common/hex.h"

namespace strata::common {
namespace {

// OpenSSL 3 looks an algorithm up in its provider store on every
// EVP_DigestInit_ex given EVP_sha256() and friends, and HMAC() also fetches
// the MAC and the digest again by name: a lock and a property query per
// call, more than hashing a SigV4 string to sign costs (two HMACs and a
// SHA-256 per request). Fetched once here and kept for the process.
const EVP_MD* Fetched(Digest::Algorithm algorithm) {
  static const EVP_MD* const md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
  static const EVP_MD* const sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  static const EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  const EVP_MD* md = algorithm == Digest::Algorithm::kMd5    ? md5
                     : algorithm == Digest::Algorithm::kSha1 ? sha1
                                                             : sha256;
  if (md == nullptr) std::abort();  // the default provider always has these
  return md;
}

// An HMAC-SHA256 context per thread, its digest set once; each call only
// re-keys it (EVP_MAC_init with no parameters keeps the digest).
class HmacContext {
 public:
  HmacContext() {
    mac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    ctx_ = mac_ != nullptr ? EVP_MAC_CTX_new(mac_) : nullptr;
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_construct_end()};
    if (ctx_ == nullptr || EVP_MAC_CTX_set_params(ctx_, params) != 1) std::abort();
  }
  ~HmacContext() {
    EVP_MAC_CTX_free(ctx_);
    EVP_MAC_free(mac_);
  }
  HmacContext(const HmacContext&) = delete;
  HmacContext& operator=(const HmacContext&) = delete;

  std::string Sign(std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    size_t n = 0;
    // An empty key is valid HMAC; OpenSSL wants a non-null pointer for it.
    static const unsigned char kNoKey = 0;
    const auto* key_bytes =
        key.empty() ? &kNoKey : reinterpret_cast<const unsigned char*>(key.data());
    if (EVP_MAC_init(ctx_, key_bytes, key.size(), nullptr) != 1 ||
        EVP_MAC_update(ctx_, reinterpret_cast<const unsigned char*>(data.data()), data.size()) !=
            1 ||
        EVP_MAC_final(ctx_, out, &n, sizeof(out)) != 1) {
      std::abort();  // cannot fail for HMAC-SHA256 with valid arguments
    }
    return std::string(reinterpret_cast<char*>(out), n);
  }

 private:
  EVP_MAC* mac_ = nullptr;
  EVP_MAC_CTX* ctx_ = nullptr;
};

}  // namespace

struct Digest::Impl {
  EVP_MD_CTX* ctx = nullptr;
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Digest::Digest(Algorithm algorithm) : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(impl_->ctx, Fetched(algorithm), nullptr);
}
Digest::~Digest() = default;
Digest::Digest(Digest&&) noexcept = default;
Digest& Digest::operator=(Digest&&) noexcept = default;

void Digest::Update(std::string_view data) {
  EVP_DigestUpdate(impl_->ctx, data.data(), data.size());
}

std::string Digest::Finish() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(impl_->ctx, out, &n);
  return std::string(reinterpret_cast<char*>(out), n);
}

std::string Sha256(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, Fetched(Digest::Algorithm::kSha256), nullptr);
  return std::string(reinterpret_cast<char*>(out), n);
}

std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }

std::string Md5(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, Fetched(Digest::Algorithm::kMd5), nullptr);
  return std::string(reinterpret_cast<char*>(out), n);
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  thread_local HmacContext context;
  return context.Sign(key, data);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace strata::common
