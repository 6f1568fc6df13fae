#include "meta/cache/internal/redis_url.h"

#include <charconv>

namespace strata::meta::cache::internal {
namespace {

using common::Code;
using common::Error;

common::Status Invalid(std::string_view url, std::string_view why) {
  return Error(Code::kInvalidArgument,
               "bad Redis URL '" + std::string(url) + "': " + std::string(why));
}

// Parses all of `text` as a decimal integer in [low, high].
bool ParseInt(std::string_view text, int low, int high, int* out) {
  if (text.empty()) return false;
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return false;
  if (value < low || value > high) return false;
  *out = value;
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool PercentDecode(std::string_view text, std::string* out) {
  out->clear();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out->push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return false;
    const int high = HexValue(text[i + 1]);
    const int low = HexValue(text[i + 2]);
    if (high < 0 || low < 0) return false;
    out->push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return true;
}

}  // namespace

common::Result<RedisEndpoint> ParseRedisUrl(std::string_view url) {
  constexpr std::string_view kScheme = "redis://";
  if (!url.starts_with(kScheme)) return Invalid(url, "the scheme must be redis://");
  std::string_view rest = url.substr(kScheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return Invalid(url, "query and fragment are not supported");
  }
  RedisEndpoint endpoint;

  // The path: "" or "/" or "/<db>".
  if (const size_t slash = rest.find('/'); slash != std::string_view::npos) {
    const std::string_view db = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    if (!db.empty() && !ParseInt(db, 0, 1 << 30, &endpoint.db)) {
      return Invalid(url, "the database must be a non-negative integer");
    }
  }
  // User information: the last '@' ends it (a password may hold '@' escaped
  // or not).
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const size_t colon = userinfo.find(':');
    const std::string_view user = userinfo.substr(0, colon);
    const std::string_view password =
        colon == std::string_view::npos ? std::string_view() : userinfo.substr(colon + 1);
    if (!PercentDecode(user, &endpoint.user) || !PercentDecode(password, &endpoint.password)) {
      return Invalid(url, "bad percent escape in the user information");
    }
    // redis://secret@host: a lone word is the password (the default user).
    if (colon == std::string_view::npos) std::swap(endpoint.user, endpoint.password);
  }
  // Host and port.
  std::string_view port;
  if (rest.starts_with('[')) {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return Invalid(url, "unclosed '[' in the host");
    endpoint.host = std::string(rest.substr(1, close - 1));
    const std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(':')) return Invalid(url, "junk after the IPv6 address");
      port = after.substr(1);
      if (port.empty()) return Invalid(url, "empty port");
    }
  } else {
    const size_t colon = rest.find(':');
    endpoint.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = rest.substr(colon + 1);
      if (port.empty()) return Invalid(url, "empty port");
    }
  }
  if (endpoint.host.empty()) return Invalid(url, "empty host");
  if (!port.empty() && !ParseInt(port, 1, 65535, &endpoint.port)) {
    return Invalid(url, "the port must be 1..65535");
  }
  return endpoint;
}

}  // namespace strata::meta::cache::internal
