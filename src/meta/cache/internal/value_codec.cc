#include "meta/cache/internal/value_codec.h"

#include <limits>
#include <utility>

namespace strata::meta::cache::internal {
namespace {

using common::Code;
using common::Error;

class Writer {
 public:
  Writer() {
    out_.push_back(kFoundTag);
    out_.push_back(static_cast<char>(kFormatVersion));
  }

  void Unsigned(uint64_t value) {
    while (value >= 0x80) {
      out_.push_back(static_cast<char>((value & 0x7f) | 0x80));
      value >>= 7;
    }
    out_.push_back(static_cast<char>(value));
  }
  void Signed(int64_t value) {
    // Zigzag: small magnitudes of either sign stay short.
    Unsigned((static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63));
  }
  void Bool(bool value) { out_.push_back(value ? 1 : 0); }
  void Bytes(std::string_view value) {
    Unsigned(value.size());
    out_.append(value);
  }
  void Pairs(const MetadataPairs& pairs) {
    Unsigned(pairs.size());
    for (const auto& [name, value] : pairs) {
      Bytes(name);
      Bytes(value);
    }
  }

  std::string Finish() && { return std::move(out_); }

 private:
  std::string out_;
};

// Reads what Writer wrote. Every read checks bounds; the first failure
// sticks, so callers read all fields and check ok() once.
class Reader {
 public:
  explicit Reader(std::string_view payload) : in_(payload) {
    if (in_.size() < 2 || in_[0] != kFoundTag || static_cast<uint8_t>(in_[1]) != kFormatVersion) {
      ok_ = false;
    } else {
      in_.remove_prefix(2);
    }
  }

  uint64_t Unsigned() {
    uint64_t value = 0;
    for (int shift = 0; ok_ && shift < 64; shift += 7) {
      if (in_.empty()) break;
      const auto byte = static_cast<uint8_t>(in_.front());
      in_.remove_prefix(1);
      // The tenth byte may only carry the top bit.
      if (shift == 63 && byte > 1) break;
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    ok_ = false;
    return 0;
  }
  int64_t Signed() {
    const uint64_t raw = Unsigned();
    return static_cast<int64_t>((raw >> 1) ^ (~(raw & 1) + 1));
  }
  int Int() {
    const int64_t value = Signed();
    if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) {
      ok_ = false;
      return 0;
    }
    return static_cast<int>(value);
  }
  // A small enumeration stored as an unsigned below `count`.
  uint64_t Below(uint64_t count) {
    const uint64_t value = Unsigned();
    if (value >= count) {
      ok_ = false;
      return 0;
    }
    return value;
  }
  bool Bool() {
    if (!ok_ || in_.empty() || static_cast<uint8_t>(in_.front()) > 1) {
      ok_ = false;
      return false;
    }
    const bool value = in_.front() == 1;
    in_.remove_prefix(1);
    return value;
  }
  std::string Bytes() {
    const uint64_t size = Unsigned();
    if (!ok_ || size > in_.size()) {
      ok_ = false;
      return {};
    }
    std::string value(in_.substr(0, size));
    in_.remove_prefix(size);
    return value;
  }
  // A count of elements each at least `min_bytes` long: bounded by what is
  // left, so a hostile count cannot make us reserve gigabytes.
  size_t Count(size_t min_bytes) {
    const uint64_t count = Unsigned();
    if (!ok_ || count > in_.size() / min_bytes) {
      ok_ = false;
      return 0;
    }
    return static_cast<size_t>(count);
  }
  MetadataPairs Pairs() {
    MetadataPairs pairs(Count(2));
    for (auto& [name, value] : pairs) {
      name = Bytes();
      value = Bytes();
    }
    return pairs;
  }

  // The decoded value when every field read well and nothing is left over.
  template <class T>
  common::Result<T> Done(T value, std::string_view what) {
    if (!ok_ || !in_.empty()) {
      return Error(Code::kCorruption, "cached " + std::string(what) + " entry does not decode");
    }
    return value;
  }

 private:
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace

std::string EncodeBucket(const Bucket& bucket) {
  Writer w;
  w.Bytes(bucket.name);
  w.Bytes(bucket.region);
  w.Bytes(bucket.owner);
  w.Signed(bucket.created_ms);
  w.Bytes(bucket.policy);
  w.Bytes(bucket.cors);
  w.Pairs(bucket.tagging);
  w.Unsigned(static_cast<uint64_t>(bucket.versioning));
  return std::move(w).Finish();
}

common::Result<Bucket> DecodeBucket(std::string_view payload) {
  Reader r(payload);
  Bucket bucket;
  bucket.name = r.Bytes();
  bucket.region = r.Bytes();
  bucket.owner = r.Bytes();
  bucket.created_ms = r.Signed();
  bucket.policy = r.Bytes();
  bucket.cors = r.Bytes();
  bucket.tagging = r.Pairs();
  bucket.versioning = static_cast<Versioning>(r.Below(3));
  return r.Done(std::move(bucket), "bucket");
}

std::string EncodeObject(const ObjectRecord& object) {
  Writer w;
  w.Bytes(object.bucket);
  w.Bytes(object.key);
  w.Unsigned(object.size);
  w.Bytes(object.etag);
  w.Bytes(object.content_type);
  w.Pairs(object.user_metadata);
  w.Pairs(object.system_metadata);
  w.Signed(object.last_modified_ms);
  w.Bytes(object.storage_class);
  w.Bytes(object.checksum.algorithm);
  w.Bytes(object.checksum.value);
  w.Bytes(object.checksum.type);
  w.Unsigned(object.part_sizes.size());
  for (uint64_t size : object.part_sizes) w.Unsigned(size);
  w.Unsigned(object.manifest.size());
  for (const ManifestEntry& entry : object.manifest) {
    w.Bytes(entry.chunk.hash);
    w.Bytes(entry.chunk.location);
    w.Signed(entry.chunk.data_shards);
    w.Signed(entry.chunk.parity_shards);
    w.Unsigned(entry.chunk.size);
    w.Unsigned(entry.offset);
    w.Unsigned(entry.length);
  }
  w.Bytes(object.inline_data);
  w.Pairs(object.tags);
  w.Bytes(object.version_id);
  return std::move(w).Finish();
}

common::Result<ObjectRecord> DecodeObject(std::string_view payload) {
  Reader r(payload);
  ObjectRecord object;
  object.bucket = r.Bytes();
  object.key = r.Bytes();
  object.size = r.Unsigned();
  object.etag = r.Bytes();
  object.content_type = r.Bytes();
  object.user_metadata = r.Pairs();
  object.system_metadata = r.Pairs();
  object.last_modified_ms = r.Signed();
  object.storage_class = r.Bytes();
  object.checksum.algorithm = r.Bytes();
  object.checksum.value = r.Bytes();
  object.checksum.type = r.Bytes();
  object.part_sizes.resize(r.Count(1));
  for (uint64_t& size : object.part_sizes) size = r.Unsigned();
  object.manifest.resize(r.Count(7));
  for (ManifestEntry& entry : object.manifest) {
    entry.chunk.hash = r.Bytes();
    entry.chunk.location = r.Bytes();
    entry.chunk.data_shards = r.Int();
    entry.chunk.parity_shards = r.Int();
    entry.chunk.size = r.Unsigned();
    entry.offset = r.Unsigned();
    entry.length = r.Unsigned();
  }
  object.inline_data = r.Bytes();
  object.tags = r.Pairs();
  object.version_id = r.Bytes();
  return r.Done(std::move(object), "object");
}

std::string EncodeUser(const User& user) {
  Writer w;
  w.Bytes(user.id);
  w.Bytes(user.name);
  w.Bytes(user.password_hash);
  w.Bool(user.disabled);
  w.Signed(user.created_ms);
  return std::move(w).Finish();
}

common::Result<User> DecodeUser(std::string_view payload) {
  Reader r(payload);
  User user;
  user.id = r.Bytes();
  user.name = r.Bytes();
  user.password_hash = r.Bytes();
  user.disabled = r.Bool();
  user.created_ms = r.Signed();
  return r.Done(std::move(user), "user");
}

std::string EncodeAccessKey(const AccessKey& key) {
  Writer w;
  w.Bytes(key.access_key);
  w.Bytes(key.user_id);
  w.Bytes(key.sealed_secret);
  w.Bool(key.disabled);
  w.Signed(key.created_ms);
  w.Bytes(key.description);
  return std::move(w).Finish();
}

common::Result<AccessKey> DecodeAccessKey(std::string_view payload) {
  Reader r(payload);
  AccessKey key;
  key.access_key = r.Bytes();
  key.user_id = r.Bytes();
  key.sealed_secret = r.Bytes();
  key.disabled = r.Bool();
  key.created_ms = r.Signed();
  key.description = r.Bytes();
  return r.Done(std::move(key), "access key");
}

std::string EncodePolicy(const StoredPolicy& policy) {
  Writer w;
  w.Bytes(policy.name);
  w.Bytes(policy.document);
  w.Signed(policy.created_ms);
  w.Signed(policy.updated_ms);
  return std::move(w).Finish();
}

common::Result<StoredPolicy> DecodePolicy(std::string_view payload) {
  Reader r(payload);
  StoredPolicy policy;
  policy.name = r.Bytes();
  policy.document = r.Bytes();
  policy.created_ms = r.Signed();
  policy.updated_ms = r.Signed();
  return r.Done(std::move(policy), "policy");
}

std::string EncodeNames(const std::vector<std::string>& names) {
  Writer w;
  w.Unsigned(names.size());
  for (const std::string& name : names) w.Bytes(name);
  return std::move(w).Finish();
}

common::Result<std::vector<std::string>> DecodeNames(std::string_view payload) {
  Reader r(payload);
  std::vector<std::string> names(r.Count(1));
  for (std::string& name : names) name = r.Bytes();
  return r.Done(std::move(names), "policy names");
}

std::string EncodeNotFound(std::string_view message) {
  std::string out(1, kNotFoundTag);
  out.append(message);
  return out;
}

bool IsNotFound(std::string_view payload, std::string* message) {
  if (payload.empty() || payload.front() != kNotFoundTag) return false;
  message->assign(payload.substr(1));
  return true;
}

}  // namespace strata::meta::cache::internal
