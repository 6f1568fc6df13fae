#include "http/request.h"

namespace strata::http {

std::string_view RemoteHost(std::string_view remote_address) {
  if (remote_address.starts_with('[')) {
    const size_t close = remote_address.find(']');
    if (close != std::string_view::npos) return remote_address.substr(1, close - 1);
    return remote_address;
  }
  const size_t colon = remote_address.rfind(':');
  // More than one ':' without brackets: a bare IPv6 address, no port.
  if (colon == std::string_view::npos || remote_address.find(':') != colon) return remote_address;
  return remote_address.substr(0, colon);
}

}  // namespace strata::http
