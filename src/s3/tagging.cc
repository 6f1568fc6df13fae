#include "s3/tagging.h"

#include <cstdint>
#include <optional>
#include <set>

#include "http/headers.h"
#include "http/url.h"

namespace strata::s3 {
namespace {

using common::Code;
using common::Error;

// The next code point of UTF-8 `text` at `*pos` (advanced past it), or
// nullopt for bytes that are not strict UTF-8 (overlong forms, surrogates,
// beyond U+10FFFF, truncated).
std::optional<uint32_t> NextCodePoint(std::string_view text, size_t* pos) {
  const auto c = static_cast<unsigned char>(text[*pos]);
  int extra;
  uint32_t cp;
  if (c < 0x80) {
    ++*pos;
    return c;
  } else if (c >= 0xc2 && c <= 0xdf) {
    extra = 1;
    cp = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    extra = 2;
    cp = c & 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    extra = 3;
    cp = c & 0x07;
  } else {
    return std::nullopt;
  }
  if (text.size() - *pos <= static_cast<size_t>(extra)) return std::nullopt;
  for (int k = 1; k <= extra; ++k) {
    const auto cc = static_cast<unsigned char>(text[*pos + k]);
    if ((cc & 0xc0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (cc & 0x3f);
  }
  if ((extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000)) return std::nullopt;
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return std::nullopt;
  *pos += extra + 1;
  return cp;
}

bool AllowedCodePoint(uint32_t cp) {
  if (cp < 0x80) {
    const char c = static_cast<char>(cp);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view(" +-=._:/@").find(c) != std::string_view::npos;
  }
  if (cp < 0xa0) return false;                     // C1 controls
  if (cp >= 0x200b && cp <= 0x200f) return false;  // zero-width and direction marks
  if (cp >= 0x202a && cp <= 0x202e) return false;  // bidirectional embedding
  if (cp >= 0x2060 && cp <= 0x206f) return false;  // invisible operators
  if (cp == 0xfeff) return false;                  // byte order mark
  if (cp >= 0xfff0 && cp <= 0xffff) return false;  // specials, noncharacters
  return true;
}

// The text's length in UTF-16 code units when every character is allowed;
// nullopt otherwise.
std::optional<size_t> TagTextLength(std::string_view text) {
  size_t length = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    std::optional<uint32_t> cp = NextCodePoint(text, &pos);
    if (!cp || !AllowedCodePoint(*cp)) return std::nullopt;
    length += *cp > 0xffff ? 2 : 1;
  }
  return length;
}

common::Status InvalidKey() {
  return Error(Code::kInvalidTag, "The TagKey you have provided is invalid");
}

common::Status InvalidValue() {
  return Error(Code::kInvalidTag, "The TagValue you have provided is invalid");
}

common::Status BadHeader() {
  return Error(Code::kInvalidArgument,
               "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query "
               "parameters without tag name duplicates.");
}

}  // namespace

common::Status ValidateTagSet(const TagSet& tags, TagTarget target) {
  if (target == TagTarget::kObject && tags.size() > kMaxObjectTags) {
    return Error(Code::kBadRequest, "Object tags cannot be greater than 10");
  }
  if (target == TagTarget::kBucket && tags.size() > kMaxBucketTags) {
    return Error(Code::kBadRequest, "Bucket tag count cannot be greater than 50");
  }
  std::set<std::string_view> keys;
  for (const auto& [key, value] : tags) {
    std::optional<size_t> key_length = TagTextLength(key);
    if (!key_length || *key_length == 0 || *key_length > kMaxTagKeyLength) return InvalidKey();
    std::optional<size_t> value_length = TagTextLength(value);
    if (!value_length || *value_length > kMaxTagValueLength) return InvalidValue();
    if (key.size() >= 4 && http::EqualsIgnoreCase(std::string_view(key).substr(0, 4), "aws:")) {
      return Error(Code::kInvalidTag, "Your TagKey cannot be prefixed with aws:");
    }
    if (!keys.insert(key).second) {
      return Error(Code::kInvalidTag, "Cannot provide multiple Tags with the same key");
    }
  }
  return common::Status::Ok();
}

common::Result<TagSet> ParseTaggingHeader(std::string_view header) {
  TagSet tags;
  std::set<std::string> keys;
  size_t pos = 0;
  while (pos <= header.size()) {
    size_t amp = header.find('&', pos);
    if (amp == std::string_view::npos) amp = header.size();
    std::string_view part = header.substr(pos, amp - pos);
    pos = amp + 1;
    if (part.empty()) continue;
    const size_t eq = part.find('=');
    std::string_view raw_key = part.substr(0, eq);
    std::string_view raw_value = eq == std::string_view::npos ? "" : part.substr(eq + 1);
    // A second '=' is not URL-encoded tagging ("TagSet=[{Key=k,Value=v}]").
    if (raw_value.find('=') != std::string_view::npos) return BadHeader();
    std::optional<std::string> key = http::PercentDecode(raw_key, /*plus_as_space=*/true);
    std::optional<std::string> value = http::PercentDecode(raw_value, /*plus_as_space=*/true);
    if (!key || !value) return BadHeader();
    if (!keys.insert(*key).second) return BadHeader();
    tags.emplace_back(std::move(*key), std::move(*value));
  }
  STRATA_RETURN_IF_ERROR(ValidateTagSet(tags, TagTarget::kObject));
  return tags;
}

}  // namespace strata::s3
