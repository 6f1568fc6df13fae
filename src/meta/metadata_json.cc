#include "meta/metadata_json.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "common/status.h"

namespace strata::meta {

using common::Code;
using common::Error;
using nlohmann::json;

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;  // continuation byte, overlong lead (C0, C1) or F5..FF
    }
    if (n - i <= static_cast<size_t>(extra)) return false;
    for (int k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000)) return false;  // overlong
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

common::Result<std::string> EncodeMetadata(const MetadataPairs& pairs) {
  json array = json::array();
  for (const auto& [name, value] : pairs) {
    // nlohmann's dump() throws on invalid UTF-8; check first so it never can.
    if (!IsValidUtf8(name) || !IsValidUtf8(value)) {
      return Error(Code::kInvalidArgument, "metadata name or value is not valid UTF-8");
    }
    array.push_back(json::array({name, value}));
  }
  // After the check above, `replace` is never used; it only makes dump()
  // non-throwing by construction.
  return array.dump(-1, ' ', false, json::error_handler_t::replace);
}

common::Result<MetadataPairs> DecodeMetadata(std::string_view text) {
  const json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) {
    return Error(Code::kCorruption, "stored metadata is not a JSON array");
  }
  MetadataPairs pairs;
  pairs.reserve(parsed.size());
  for (const json& pair : parsed) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
      return Error(Code::kCorruption, "stored metadata entry is not a [name, value] pair");
    }
    pairs.emplace_back(pair[0].get_ref<const std::string&>(),
                       pair[1].get_ref<const std::string&>());
  }
  return pairs;
}

}  // namespace strata::meta
