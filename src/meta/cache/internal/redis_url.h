// Where the cache's Redis is: the parsed form of a redis:// URL. Private to
// meta/cache.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace strata::meta::cache::internal {

struct RedisEndpoint {
  std::string host;      // a name or an address; IPv6 without the brackets
  int port = 6379;       // 1 .. 65535
  std::string user;      // ACL user (Redis 6+); "" for the default user
  std::string password;  // "" for none: no AUTH is sent
  int db = 0;            // SELECTed when not 0

  bool operator==(const RedisEndpoint&) const = default;
};

// Parses redis://[[user]:password@]host[:port][/db]; a lone word before '@'
// (redis://secret@host) is the password. The host may be an IPv6 address in
// brackets; user and password are percent-decoded. kInvalidArgument
// for another scheme, an empty host, a port outside 1..65535, a db that is not
// a non-negative integer, a query or fragment, or a bad percent escape. Pure.
common::Result<RedisEndpoint> ParseRedisUrl(std::string_view url);

}  // namespace strata::meta::cache::internal
