#include "auth/session/secret_box.h"

#include <openssl/evp.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <memory>

#include "common/base64.h"

namespace strata::auth {
namespace {

using common::Code;
using common::Error;

constexpr std::string_view kPrefix = "v1.";
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// EVP_CipherUpdate takes an int length: feed `in` in pieces that fit. With
// out == nullptr the input is associated data.
bool Update(EVP_CIPHER_CTX* ctx, std::string_view in, unsigned char* out) {
  constexpr size_t kPiece = size_t{1} << 30;
  while (!in.empty()) {
    int n = static_cast<int>(std::min(in.size(), kPiece));
    int written = 0;
    if (EVP_CipherUpdate(ctx, out, &written, Bytes(in), n) != 1) return false;
    if (out != nullptr) out += written;
    in.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Sets up AES-256-GCM in the given direction (1 = seal, 0 = open) with the
// key, the nonce and the associated data.
CipherCtx Start(const SecretKey& key, std::string_view nonce, std::string_view associated_data,
                int encrypt) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx ||
      EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr, encrypt) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()),
                          nullptr) != 1 ||
      EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, key.data(), Bytes(nonce), encrypt) != 1 ||
      !Update(ctx.get(), associated_data, nullptr)) {
    return nullptr;
  }
  return ctx;
}

}  // namespace

std::string SecretBox::Seal(std::string_view plaintext, std::string_view associated_data,
                            common::Random& random) const {
  std::string nonce = random.Bytes(kNonceBytes);
  std::string box = nonce;
  box.resize(kNonceBytes + plaintext.size() + kTagBytes);
  auto* cipher = reinterpret_cast<unsigned char*>(box.data()) + kNonceBytes;
  auto* tag = cipher + plaintext.size();
  CipherCtx ctx = Start(key_, nonce, associated_data, 1);
  int final_bytes = 0;
  // With a valid key and nonce size, AES-GCM fails only when OpenSSL cannot
  // allocate a context. Seal has no error path (and returning the plaintext
  // or an empty string would be worse): stop, as SecureRandom does.
  if (nonce.size() != kNonceBytes || !ctx || !Update(ctx.get(), plaintext, cipher) ||
      EVP_CipherFinal_ex(ctx.get(), tag, &final_bytes) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes), tag) != 1) {
    std::abort();
  }
  return std::string(kPrefix) + common::Base64UrlEncode(box);
}

common::Result<std::string> SecretBox::Open(std::string_view sealed,
                                            std::string_view associated_data) const {
  // One message for every failure: which check failed tells an attacker
  // nothing useful, and the caller can do nothing different anyway.
  auto corrupt = [] { return Error(Code::kCorruption, "sealed secret does not open"); };
  if (sealed.substr(0, kPrefix.size()) != kPrefix) return corrupt();
  std::optional<std::string> box = common::Base64UrlDecode(sealed.substr(kPrefix.size()));
  if (!box || box->size() < kNonceBytes + kTagBytes) return corrupt();
  std::string_view all(*box);
  std::string_view nonce = all.substr(0, kNonceBytes);
  std::string_view cipher = all.substr(kNonceBytes, all.size() - kNonceBytes - kTagBytes);
  std::string tag(all.substr(all.size() - kTagBytes));

  std::string plaintext(cipher.size(), '\0');
  CipherCtx ctx = Start(key_, nonce, associated_data, 0);
  int final_bytes = 0;
  if (!ctx || !Update(ctx.get(), cipher, reinterpret_cast<unsigned char*>(plaintext.data())) ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                          tag.data()) != 1 ||
      // Final checks the tag: a wrong key, other associated data or any
      // altered byte fails here, and the decrypted bytes are discarded.
      EVP_CipherFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plaintext.data()),
                         &final_bytes) != 1) {
    return corrupt();
  }
  return plaintext;
}

}  // namespace strata::auth
