// Where `strata bench` sends its requests: "http://host:port" or
// "https://host:port", parsed once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace strata::loadgen {

struct Endpoint {
  bool tls = false;
  std::string host;  // name or address; an IPv6 address without brackets
  uint16_t port = 0;

  // The Host header (and the signed host): "host:port", the port left out
  // when it is the scheme's default; IPv6 in brackets.
  std::string HostHeader() const;
};

// Accepts http:// and https:// URLs with an optional port (default 80/443)
// and an optional trailing '/'. kInvalidArgument for another scheme, a
// path, query, user info, an empty host or a bad port.
common::Result<Endpoint> ParseEndpointUrl(std::string_view url);

}  // namespace strata::loadgen
