#include "auth/session/master_key.h"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <stdio.h>  // renameat2, RENAME_NOREPLACE
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "common/hex.h"

namespace strata::auth {
namespace {

using common::Code;
using common::Error;

constexpr size_t kKeyBytes = sizeof(SecretKey);
// A key file is 32 bytes or 64 hex digits and a newline; read a little more
// than that to notice a wrong file without reading all of it.
constexpr size_t kMaxFileBytes = 4096;

SecretKey ToKey(std::string_view bytes) {
  SecretKey key{};
  std::memcpy(key.data(), bytes.data(), kKeyBytes);
  return key;
}

std::string_view TrimSpace(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(kSpace) - begin + 1);
}

std::optional<SecretKey> FromHex(std::string_view text) {
  if (text.size() != 2 * kKeyBytes) return std::nullopt;
  std::optional<std::string> bytes = common::HexDecode(text);
  if (!bytes) return std::nullopt;
  return ToKey(*bytes);
}

common::Status IoError(std::string_view what, const std::filesystem::path& path, int err) {
  return Error(Code::kInternal, "master key file: " + std::string(what) + " " + path.string() +
                                    ": " + std::strerror(err));
}

// Removes a temporary file on every early return; Cancel() once renamed.
class TempFileGuard {
 public:
  explicit TempFileGuard(std::filesystem::path path) : path_(std::move(path)) {}
  ~TempFileGuard() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TempFileGuard(const TempFileGuard&) = delete;
  TempFileGuard& operator=(const TempFileGuard&) = delete;
  void Cancel() { path_.clear(); }

 private:
  std::filesystem::path path_;
};

// The file's key, or std::nullopt (with *status OK) when it does not exist.
common::Result<std::optional<SecretKey>> ReadKeyFile(const std::filesystem::path& file) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<SecretKey>();
    return IoError("open", file, errno);
  }
  std::string text;
  char buf[1024];
  while (text.size() <= kMaxFileBytes) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return IoError("read", file, err);
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  // Raw bytes first: a raw key may itself end in bytes that look like space.
  if (text.size() == kKeyBytes) return std::optional<SecretKey>(ToKey(text));
  // 64 hex digits, allowing the newline an editor or `echo` adds.
  if (std::optional<SecretKey> key = FromHex(TrimSpace(text))) return key;
  return Error(Code::kInvalidArgument,
               "master key file " + file.string() + " must hold 32 bytes or 64 hex digits");
}

// Creates `file` holding `key`, mode 0600, durably: write a temporary file
// beside it, fsync, rename into place without replacing, fsync the directory.
// Returns false (and OK) when another process created the file first.
common::Result<bool> CreateKeyFile(const std::filesystem::path& file, const SecretKey& key,
                                   common::Random& random) {
  std::filesystem::path dir = file.parent_path();
  if (dir.empty()) dir = ".";
  std::filesystem::path temp =
      dir / ("." + file.filename().string() + ".tmp-" + common::RandomHexId(random, 8));
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("create", temp, errno);
  TempFileGuard guard(temp);
  // The umask may only narrow 0600; set it exactly so the owner can read the
  // key back whatever the umask was.
  if (::fchmod(fd, 0600) != 0) {
    int err = errno;
    ::close(fd);
    return IoError("chmod", temp, err);
  }
  const char* p = reinterpret_cast<const char*>(key.data());
  size_t left = key.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return IoError("write", temp, err);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  // The key must be on disk before its name is: a crash after the rename must
  // not leave an empty key file that the next start would reject.
  if (::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    return IoError("fsync", temp, err);
  }
  if (::close(fd) != 0) return IoError("close", temp, errno);

  // Never replace a key file another process created meanwhile: secrets may
  // already be sealed under its key. Filesystems without RENAME_NOREPLACE get
  // a hard link, which fails the same way when the name exists.
  bool created = true;
  if (::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, file.c_str(), RENAME_NOREPLACE) == 0) {
    guard.Cancel();
  } else if (errno == EEXIST) {
    created = false;
  } else if (errno == EINVAL || errno == ENOSYS) {
    if (::link(temp.c_str(), file.c_str()) != 0) {
      if (errno != EEXIST) return IoError("link", file, errno);
      created = false;
    }
  } else {
    return IoError("rename", file, errno);
  }
  if (!created) return false;
  // The directory entry itself must survive a crash, too.
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return IoError("open dir", dir, errno);
  int rc = ::fsync(dir_fd);
  int err = errno;
  ::close(dir_fd);
  if (rc != 0) return IoError("fsync dir", dir, err);
  return true;
}

}  // namespace

SecretKey MasterKey::Derive(std::string_view purpose) const {
  SecretKey out{};
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_HKDF, nullptr);
  EVP_KDF_CTX* ctx = kdf ? EVP_KDF_CTX_new(kdf) : nullptr;
  char digest[] = "SHA256";
  OSSL_PARAM params[4];
  size_t n = 0;
  params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
  params[n++] = OSSL_PARAM_construct_octet_string(
      OSSL_KDF_PARAM_KEY, const_cast<uint8_t*>(bytes_.data()), bytes_.size());
  // No salt: HKDF then uses HashLen zero bytes (RFC 5869 section 2.2). The
  // master key is already uniformly random, so a salt would add nothing.
  if (!purpose.empty()) {
    params[n++] = OSSL_PARAM_construct_octet_string(
        OSSL_KDF_PARAM_INFO, const_cast<char*>(purpose.data()), purpose.size());
  }
  params[n] = OSSL_PARAM_construct_end();
  int rc = ctx ? EVP_KDF_derive(ctx, out.data(), out.size(), params) : 0;
  EVP_KDF_CTX_free(ctx);
  EVP_KDF_free(kdf);
  // HKDF-SHA256 fails only without OpenSSL's default provider. Derive has no
  // error path, and an all-zero key must never be used: stop.
  if (rc != 1) std::abort();
  return out;
}

common::Result<LoadedMasterKey> LoadMasterKey(std::string_view env_value,
                                              const std::filesystem::path& file,
                                              common::Random& random) {
  if (!env_value.empty()) {
    // Messages never echo the value: it is the key, or close to it.
    std::string_view text = TrimSpace(env_value);
    if (std::optional<SecretKey> key = FromHex(text)) return LoadedMasterKey{MasterKey(*key)};
    std::optional<std::string> bytes = common::Base64Decode(text);
    if (bytes && bytes->size() == kKeyBytes) return LoadedMasterKey{MasterKey(ToKey(*bytes))};
    return Error(Code::kInvalidArgument,
                 "STRATA_MASTER_KEY must be 64 hex digits or the base64 of 32 bytes");
  }
  STRATA_ASSIGN_OR_RETURN(std::optional<SecretKey> existing, ReadKeyFile(file));
  if (existing) return LoadedMasterKey{MasterKey(*existing)};

  std::string fresh = random.Bytes(kKeyBytes);
  if (fresh.size() != kKeyBytes) return Error(Code::kInternal, "random source gave a short key");
  SecretKey key = ToKey(fresh);
  STRATA_ASSIGN_OR_RETURN(bool created, CreateKeyFile(file, key, random));
  if (created) return LoadedMasterKey{MasterKey(key), /*generated=*/true};
  // Another process won the race to create the file: use its key.
  STRATA_ASSIGN_OR_RETURN(existing, ReadKeyFile(file));
  if (!existing) return Error(Code::kInternal, "master key file vanished: " + file.string());
  return LoadedMasterKey{MasterKey(*existing)};
}

}  // namespace strata::auth
