#include "loadgen/endpoint.h"

#include <charconv>

namespace strata::loadgen {

std::string Endpoint::HostHeader() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != (tls ? 443 : 80)) h += ":" + std::to_string(port);
  return h;
}

common::Result<Endpoint> ParseEndpointUrl(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return common::Error(common::Code::kInvalidArgument,
                         "invalid endpoint \"" + std::string(url) + "\": " + std::string(why));
  };
  Endpoint e;
  std::string_view rest = url;
  if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else if (rest.starts_with("https://")) {
    e.tls = true;
    rest.remove_prefix(8);
  } else {
    return bad("expected http://host:port or https://host:port");
  }
  if (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.find_first_of("/?#@") != std::string_view::npos) {
    return bad("no path, query or user info allowed");
  }
  std::string_view port_text;
  if (rest.starts_with('[')) {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad("unclosed '['");
    e.host = std::string(rest.substr(1, close - 1));
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(':')) return bad("junk after ']'");
      port_text = after.substr(1);
      if (port_text.empty()) return bad("empty port");
    }
  } else {
    size_t colon = rest.rfind(':');
    if (colon != std::string_view::npos) {
      port_text = rest.substr(colon + 1);
      if (port_text.empty()) return bad("empty port");
      rest = rest.substr(0, colon);
    }
    e.host = std::string(rest);
  }
  if (e.host.empty()) return bad("empty host");
  e.port = e.tls ? 443 : 80;
  if (!port_text.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535) {
      return bad("bad port");
    }
    e.port = static_cast<uint16_t>(value);
  }
  return e;
}

}  // namespace strata::loadgen
