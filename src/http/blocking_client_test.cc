// BlockingClient against the real Strata HTTP server (round trips,
// keep-alive, HEAD) and against scripted raw sockets for what a good server
// never does: refuse, stall, close an idle connection, answer garbage or too
// much.
#include "http/blocking_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/server_test_util.h"

namespace strata::http::testing {
namespace {

using common::Code;
using namespace std::chrono_literals;

// A listening socket on 127.0.0.1 and one thread that runs `script` with it.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::function<void(int listen_fd)> script) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(fd_, 8), 0);
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    if (script) thread_ = std::thread([this, script] { script(fd_); });
  }
  ~ScriptedServer() {
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
  }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
};

// Reads one request head (and drops it); false on EOF.
bool ReadHead(int fd) {
  std::string data;
  char c;
  while (data.find("\r\n\r\n") == std::string::npos) {
    if (::recv(fd, &c, 1, 0) != 1) return false;
    data.push_back(c);
  }
  return true;
}

void SendAll(int fd, std::string_view data) { ::send(fd, data.data(), data.size(), MSG_NOSIGNAL); }

BlockingClientOptions Options(uint16_t port) {
  BlockingClientOptions options;
  options.host = "127.0.0.1";
  options.port = port;
  options.timeout = 10s;
  return options;
}

OutgoingRequest Get(std::string target) { return {"GET", std::move(target), {}, ""}; }

TEST(BlockingClientTest, RoundTripsOverOneKeepAliveConnection) {
  std::mutex mu;
  std::vector<std::string> peers;
  TestServer server(TestOptions(), [&](const Request& request, common::ByteSource& body,
                                       ResponseWriter& writer) {
    {
      std::lock_guard lock(mu);
      peers.push_back(request.remote_address);
    }
    Response response;
    response.status = request.path == "/missing" ? 404 : 200;
    response.headers.Add("X-Echo", request.headers.Get("x-test"));
    response.body = request.method + " " + request.target +
                    " host=" + std::string(request.headers.Get("host")) +
                    " ua=" + std::string(request.headers.Get("user-agent")) + " length=" +
                    (request.content_length ? std::to_string(*request.content_length) : "none") +
                    " body=" + ReadBody(body);
    ASSERT_TRUE(WriteResponse(writer, response).ok());
  });
  BlockingClientOptions options = Options(server.port());
  options.user_agent = "strata-test";
  BlockingClient client(options);
  std::string host = "127.0.0.1:" + std::to_string(server.port());

  OutgoingRequest put{"PUT", "/a/b%20c?x=1", {}, "{\"k\":1}"};
  put.headers.Add("X-Test", "v1");
  auto first = client.RoundTrip(put);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->headers.Get("x-echo"), "v1");
  EXPECT_EQ(first->body,
            "PUT /a/b%20c?x=1 host=" + host + " ua=strata-test length=7 body={\"k\":1}");

  // A POST without a body still says Content-Length: 0.
  auto post = client.RoundTrip({"POST", "/p", {}, ""});
  ASSERT_TRUE(post.ok()) << post.status().ToString();
  EXPECT_EQ(post->body, "POST /p host=" + host + " ua=strata-test length=0 body=");

  // Any status is a successful round trip.
  auto missing = client.RoundTrip(Get("/missing"));
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);

  // HEAD: the head only, although the server states a length.
  auto head = client.RoundTrip({"HEAD", "/h", {}, ""});
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->body, "");

  auto last = client.RoundTrip(Get("/again"));
  ASSERT_TRUE(last.ok());
  std::lock_guard lock(mu);
  ASSERT_EQ(peers.size(), 5u);
  for (const std::string& peer : peers) EXPECT_EQ(peer, peers[0]) << "a new connection was opened";
}

TEST(BlockingClientTest, RefusedConnectionNamesTheAddress) {
  uint16_t port;
  { port = ScriptedServer(nullptr).port(); }  // bound, then closed: nobody listens
  BlockingClient client(Options(port));
  auto result = client.RoundTrip(Get("/"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Code::kUnavailable);
  EXPECT_NE(result.status().message().find("connect 127.0.0.1:" + std::to_string(port)),
            std::string::npos)
      << result.status().message();
}

TEST(BlockingClientTest, ServerThatNeverAnswersTimesOut) {
  // The kernel completes the connection from the backlog; nobody reads.
  ScriptedServer server(nullptr);
  BlockingClientOptions options = Options(server.port());
  options.timeout = 200ms;
  BlockingClient client(options);
  auto result = client.RoundTrip(Get("/"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Code::kTimeout) << result.status().ToString();
}

TEST(BlockingClientTest, ReconnectsOnceWhenAnIdleConnectionWasClosed) {
  ScriptedServer server([](int listen_fd) {
    int first = ::accept(listen_fd, nullptr, nullptr);
    ASSERT_TRUE(ReadHead(first));
    SendAll(first, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none");
    ::close(first);  // keep-alive promised, then closed while idle
    int second = ::accept(listen_fd, nullptr, nullptr);
    ASSERT_TRUE(ReadHead(second));
    SendAll(second, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\ntwo");
    ::close(second);
  });
  BlockingClient client(Options(server.port()));
  auto one = client.RoundTrip(Get("/1"));
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(one->body, "one");
  std::this_thread::sleep_for(50ms);  // let the close arrive
  auto two = client.RoundTrip(Get("/2"));
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  EXPECT_EQ(two->body, "two");
}

TEST(BlockingClientTest, BadAnswersAreErrors) {
  struct Case {
    const char* name;
    std::string answer;
    Code code;
  };
  const std::vector<Case> cases = {
      {"not http", "hello there\r\n\r\n", Code::kUnavailable},
      {"closed before answering", "", Code::kUnavailable},
      {"truncated body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", Code::kUnavailable},
      {"body over the limit", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n",
       Code::kEntityTooLarge},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ScriptedServer server([&c](int listen_fd) {
      int fd = ::accept(listen_fd, nullptr, nullptr);
      ReadHead(fd);
      SendAll(fd, c.answer);
      ::shutdown(fd, SHUT_WR);
      ReadHead(fd);  // wait for the client to hang up
      ::close(fd);
    });
    BlockingClientOptions options = Options(server.port());
    options.max_body_bytes = 50;
    BlockingClient client(options);
    auto result = client.RoundTrip(Get("/"));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), c.code) << result.status().ToString();
    client.Close();
  }
}

TEST(BlockingClientTest, RejectsAnUnknownMethodBeforeConnecting) {
  BlockingClient client(Options(1));
  auto result = client.RoundTrip({"FETCH ME", "/", {}, ""});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace strata::http::testing
