#include "http/test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace strata::http::testing {

TestClient::~TestClient() { Close(); }

void TestClient::Close() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (ssl_ctx_ != nullptr) SSL_CTX_free(ssl_ctx_);
  if (fd_ >= 0) ::close(fd_);
  ssl_ = nullptr;
  ssl_ctx_ = nullptr;
  fd_ = -1;
  buffer_.clear();
}

bool TestClient::Connect(uint16_t port, bool tls) {
  Close();
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) return false;
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (!tls) return true;
  ssl_ctx_ = SSL_CTX_new(TLS_client_method());
  ssl_ = SSL_new(ssl_ctx_);
  SSL_set_fd(ssl_, fd_);
  return SSL_connect(ssl_) == 1;
}

bool TestClient::Send(std::string_view data) {
  while (!data.empty()) {
    long n = ssl_ != nullptr ? SSL_write(ssl_, data.data(), static_cast<int>(data.size()))
                             : ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      if (ssl_ == nullptr && n < 0 && errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

long TestClient::Fill() {
  if (ssl_ == nullptr || SSL_pending(ssl_) == 0) {
    pollfd p{fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(timeout_.count() * 1000));
    if (ready <= 0) return -1;
  }
  char chunk[64 * 1024];
  long n =
      ssl_ != nullptr ? SSL_read(ssl_, chunk, sizeof(chunk)) : ::recv(fd_, chunk, sizeof(chunk), 0);
  if (n < 0 && ssl_ == nullptr && errno == ECONNRESET) return 0;
  if (n < 0 && ssl_ != nullptr) return 0;  // TLS: an abrupt close reads as an error
  if (n > 0) buffer_.append(chunk, static_cast<size_t>(n));
  return n;
}

bool TestClient::FillUntil(size_t size) {
  while (buffer_.size() < size) {
    if (Fill() <= 0) return false;
  }
  return true;
}

std::optional<ClientResponse> TestClient::ReadResponse(bool head_only) {
  size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (Fill() <= 0) return std::nullopt;
  }
  std::string_view head(buffer_.data(), end + 2);
  ClientResponse response;
  size_t line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  if (status_line.size() < 12) return std::nullopt;
  std::from_chars(status_line.data() + 9, status_line.data() + 12, response.status);
  for (size_t pos = line_end + 2; pos < head.size();) {
    size_t next = head.find("\r\n", pos);
    std::string_view line = head.substr(pos, next - pos);
    size_t colon = line.find(':');
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    response.headers.Add(line.substr(0, colon), value);
    pos = next + 2;
  }
  buffer_.erase(0, end + 4);
  bool no_body =
      head_only || response.status < 200 || response.status == 204 || response.status == 304;
  if (!no_body) {
    size_t length = 0;
    std::string_view text = response.headers.Get("content-length");
    std::from_chars(text.data(), text.data() + text.size(), length);
    if (!FillUntil(length)) return std::nullopt;
    response.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
  }
  return response;
}

std::string TestClient::ReadBytes(size_t n) {
  FillUntil(n);
  std::string out = buffer_.substr(0, n);
  buffer_.erase(0, out.size());
  return out;
}

bool TestClient::WaitForClose(std::chrono::seconds timeout) {
  auto saved = timeout_;
  timeout_ = timeout;
  long n;
  while ((n = Fill()) > 0) buffer_.clear();
  timeout_ = saved;
  return n == 0;
}

std::string RequestHead(std::string_view method, std::string_view target,
                        std::string_view extra_headers) {
  std::string head;
  head.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: test\r\n");
  head.append(extra_headers).append("\r\n");
  return head;
}

}  // namespace strata::http::testing
