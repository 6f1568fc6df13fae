// A deliberately small blocking HTTP/1.1 client for the server tests: raw
// POSIX sockets (optionally OpenSSL on top), so tests can send malformed,
// partial or slow requests and see exactly what comes back.
#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/headers.h"

namespace strata::http::testing {

struct ClientResponse {
  int status = 0;
  Headers headers;
  std::string body;
};

class TestClient {
 public:
  TestClient() = default;
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  // Connects to 127.0.0.1:port; with tls, runs a TLS handshake (no
  // certificate verification). False on failure.
  bool Connect(uint16_t port, bool tls = false);
  // Sends all of data. False if the connection failed.
  bool Send(std::string_view data);
  // Reads one response. A HEAD response (head_only) or a 1xx/204/304 has no
  // body; otherwise the body is Content-Length bytes. nullopt on EOF, error or
  // timeout before a complete response.
  std::optional<ClientResponse> ReadResponse(bool head_only = false);
  // Reads up to n body bytes that follow a head the caller parsed itself.
  std::string ReadBytes(size_t n);
  // True when the server closes the connection (EOF or reset) within timeout,
  // dropping any bytes that arrive before.
  bool WaitForClose(std::chrono::seconds timeout = std::chrono::seconds(30));
  void Close();
  void set_timeout(std::chrono::seconds timeout) { timeout_ = timeout; }

 private:
  // Appends what arrives to buffer_; 0 on EOF, -1 on error or timeout.
  long Fill();
  bool FillUntil(size_t size);

  int fd_ = -1;
  SSL_CTX* ssl_ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string buffer_;
  std::chrono::seconds timeout_{30};
};

// "METHOD target HTTP/1.1\r\nHost: test\r\n" + extra + "\r\n".
std::string RequestHead(std::string_view method, std::string_view target,
                        std::string_view extra_headers = "");

}  // namespace strata::http::testing
