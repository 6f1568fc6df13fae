#include "loadgen/endpoint.h"

#include <gtest/gtest.h>

namespace strata::loadgen {
namespace {

TEST(ParseEndpointUrl, Accepts) {
  struct Case {
    const char* url;
    bool tls;
    const char* host;
    uint16_t port;
    const char* host_header;
  };
  const Case kCases[] = {
      {"http://127.0.0.1:9000", false, "127.0.0.1", 9000, "127.0.0.1:9000"},
      {"http://127.0.0.1:9000/", false, "127.0.0.1", 9000, "127.0.0.1:9000"},
      {"http://localhost", false, "localhost", 80, "localhost"},
      {"https://s3.example.com", true, "s3.example.com", 443, "s3.example.com"},
      {"https://s3.example.com:8443", true, "s3.example.com", 8443, "s3.example.com:8443"},
      {"http://[::1]:9000", false, "::1", 9000, "[::1]:9000"},
  };
  for (const auto& c : kCases) {
    auto e = ParseEndpointUrl(c.url);
    ASSERT_TRUE(e.ok()) << c.url << ": " << e.status().ToString();
    EXPECT_EQ(e->tls, c.tls) << c.url;
    EXPECT_EQ(e->host, c.host) << c.url;
    EXPECT_EQ(e->port, c.port) << c.url;
    EXPECT_EQ(e->HostHeader(), c.host_header) << c.url;
  }
}

TEST(ParseEndpointUrl, Rejects) {
  const char* kBad[] = {"",
                        "127.0.0.1:9000",
                        "ftp://host",
                        "http://",
                        "http://:9000",
                        "http://host:",
                        "http://host:0",
                        "http://host:65536",
                        "http://host:9x",
                        "http://host:9000/bucket",
                        "http://user@host",
                        "http://[::1"};
  for (const char* url : kBad) EXPECT_FALSE(ParseEndpointUrl(url).ok()) << url;
}

}  // namespace
}  // namespace strata::loadgen
