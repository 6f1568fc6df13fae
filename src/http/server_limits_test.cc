// The server's edges: head limits, the concurrency gate, timeouts, graceful
// stop, TLS next to plain HTTP, and start-up failures.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <latch>
#include <string>
#include <thread>

#include "http/server.h"
#include "http/server_test_util.h"
#include "http/test_client.h"

namespace strata::http::testing {
namespace {

using common::Code;

// Sends request and expects the Reject response for code, then a close.
void ExpectRejected(uint16_t port, const std::string& request, int status, Code code) {
  TestClient client;
  ASSERT_TRUE(client.Connect(port));
  ASSERT_TRUE(client.Send(request));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, status);
  EXPECT_NE(response->body.find(common::CodeName(code)), std::string::npos) << response->body;
  EXPECT_EQ(response->headers.Get("x-amz-request-id").size(), 16u);
  EXPECT_TRUE(client.WaitForClose());
}

TEST(ServerLimitsTest, HeadLimitsAreRejectedAndConnectionClosed) {
  ServerOptions options = TestOptions();
  options.max_header_bytes = 8 * 1024;
  options.max_header_count = 10;
  options.max_url_bytes = 100;
  std::atomic<int> handled{0};
  TestServer server(options, [&](const Request&, common::ByteSource&, ResponseWriter& writer) {
    ++handled;
    ASSERT_TRUE(Reply(writer, 200, "").ok());
  });
  std::string big_header = "X-Big: " + std::string(16 * 1024, 'a') + "\r\n";
  ExpectRejected(server.port(), RequestHead("GET", "/", big_header), 400,
                 Code::kRequestHeaderSectionTooLarge);
  std::string many;
  for (int i = 0; i < 20; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  ExpectRejected(server.port(), RequestHead("GET", "/", many), 400,
                 Code::kRequestHeaderSectionTooLarge);
  ExpectRejected(server.port(), RequestHead("GET", "/" + std::string(200, 'u')), 400,
                 Code::kRequestHeaderSectionTooLarge);
  // A rejected request with a body on the way still gets its answer.
  ExpectRejected(server.port(),
                 RequestHead("PUT", "/" + std::string(200, 'u'), "Content-Length: 500000\r\n") +
                     std::string(500000, 'b'),
                 400, Code::kRequestHeaderSectionTooLarge);
  ExpectRejected(server.port(), "NOT HTTP AT ALL\r\n\r\n", 400, Code::kInvalidRequest);
  EXPECT_EQ(handled.load(), 0);

  // Just under the limits is fine.
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  ASSERT_TRUE(client.Send(RequestHead("GET", "/" + std::string(90, 'u'))));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
}

TEST(ServerLimitsTest, ConcurrencyGateAnswers503) {
  ServerOptions options = TestOptions();
  options.max_inflight = 1;
  std::latch entered(1);
  std::latch release(1);
  TestServer server(options,
                    [&](const Request& request, common::ByteSource&, ResponseWriter& writer) {
                      if (request.path == "/block") {
                        entered.count_down();
                        release.wait();
                      }
                      ASSERT_TRUE(Reply(writer, 200, "done").ok());
                    });
  TestClient blocked;
  ASSERT_TRUE(blocked.Connect(server.port()));
  ASSERT_TRUE(blocked.Send(RequestHead("GET", "/block")));
  entered.wait();
  EXPECT_EQ(server.server().InflightRequests(), 1u);

  TestClient other;
  ASSERT_TRUE(other.Connect(server.port()));
  ASSERT_TRUE(other.Send(RequestHead("GET", "/x")));
  auto response = other.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->headers.Get("x-amz-request-id").size(), 16u);
  // No body was pending, so the connection stays usable.
  ASSERT_TRUE(other.Send(RequestHead("GET", "/x")));
  response = other.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 503);
  // With an unconsumed body of unknown size, the connection closes.
  ASSERT_TRUE(
      other.Send(RequestHead("PUT", "/x", "Transfer-Encoding: chunked\r\n") + "3\r\nabc\r\n"));
  response = other.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 503);
  EXPECT_TRUE(other.WaitForClose());

  release.count_down();
  response = blocked.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
}

TEST(ServerLimitsTest, SlowHeadIsClosedAfterHeaderTimeout) {
  ServerOptions options = TestOptions();
  options.header_timeout = std::chrono::seconds(1);
  TestServer server(options, [](const Request&, common::ByteSource&, ResponseWriter& writer) {
    ASSERT_TRUE(Reply(writer, 200, "").ok());
  });
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\nHo"));
  EXPECT_TRUE(client.WaitForClose(std::chrono::seconds(60)));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(900));

  // A connection that sends nothing at all is closed too.
  TestClient silent;
  ASSERT_TRUE(silent.Connect(server.port()));
  EXPECT_TRUE(silent.WaitForClose(std::chrono::seconds(60)));
}

TEST(ServerLimitsTest, IdleKeepAliveConnectionIsClosed) {
  ServerOptions options = TestOptions();
  options.idle_timeout = std::chrono::seconds(1);
  TestServer server(options, [](const Request&, common::ByteSource&, ResponseWriter& writer) {
    ASSERT_TRUE(Reply(writer, 200, "").ok());
  });
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  ASSERT_TRUE(client.Send(RequestHead("GET", "/")));
  ASSERT_TRUE(client.ReadResponse().has_value());
  EXPECT_TRUE(client.WaitForClose(std::chrono::seconds(60)));
}

TEST(ServerLimitsTest, StopWaitsForInflightRequestAndClosesIdleConnections) {
  std::latch entered(1);
  std::latch release(1);
  FunctionHandler handler([&](const Request& request, common::ByteSource&, ResponseWriter& writer) {
    if (request.path == "/slow") {
      entered.count_down();
      release.wait();
    }
    ASSERT_TRUE(Reply(writer, 200, "finished").ok());
  });
  Server server(TestOptions(), handler);
  ASSERT_TRUE(server.Start().ok());

  TestClient idle;
  ASSERT_TRUE(idle.Connect(server.BoundPort()));
  ASSERT_TRUE(idle.Send(RequestHead("GET", "/")));
  ASSERT_TRUE(idle.ReadResponse().has_value());

  TestClient busy;
  ASSERT_TRUE(busy.Connect(server.BoundPort()));
  ASSERT_TRUE(busy.Send(RequestHead("GET", "/slow")));
  entered.wait();

  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    server.Stop(std::chrono::seconds(60));
    stopped = true;
  });
  EXPECT_TRUE(idle.WaitForClose());  // idle keep-alive connections go first
  EXPECT_FALSE(stopped.load());      // the handler still holds Stop
  release.count_down();
  auto response = busy.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body, "finished");
  EXPECT_EQ(response->headers.Get("connection"), "close");
  stopper.join();
  EXPECT_TRUE(stopped.load());
  EXPECT_EQ(server.OpenConnections(), 0u);
  EXPECT_EQ(server.InflightRequests(), 0u);
  server.Stop(std::chrono::seconds(1));  // idempotent

  TestClient late;
  EXPECT_FALSE(late.Connect(server.BoundPort()) && late.Send(RequestHead("GET", "/")) &&
               late.ReadResponse().has_value());
}

TEST(ServerLimitsTest, StopDeadlineAbortsBodyReads) {
  std::promise<common::Status> read_status;
  std::latch entered(1);
  FunctionHandler handler([&](const Request&, common::ByteSource& body, ResponseWriter& writer) {
    entered.count_down();
    auto all = common::ReadAll(body, 1 << 30);  // the client never sends it
    read_status.set_value(all.ok() ? common::Status::Ok() : all.status());
    (void)Reply(writer, 400, "");
  });
  Server server(TestOptions(), handler);
  ASSERT_TRUE(server.Start().ok());
  TestClient client;
  ASSERT_TRUE(client.Connect(server.BoundPort()));
  // Past the size the server reads before the handler runs: the handler
  // itself waits in the read.
  ASSERT_TRUE(client.Send(RequestHead("PUT", "/", "Content-Length: 1000000\r\n")));
  entered.wait();
  server.Stop(std::chrono::milliseconds(200));
  EXPECT_FALSE(read_status.get_future().get().ok());
}

// A small body is read before the handler runs; a client that never sends it
// holds the request (Stop waits for it) but no handler, and at the deadline
// the handler runs once and sees the read fail.
TEST(ServerLimitsTest, StopDeadlineAbortsSmallBodyReadsBeforeTheHandler) {
  std::promise<common::Status> read_status;
  std::atomic<int> calls{0};
  FunctionHandler handler([&](const Request&, common::ByteSource& body, ResponseWriter& writer) {
    ++calls;
    auto all = common::ReadAll(body, 1 << 30);
    read_status.set_value(all.ok() ? common::Status::Ok() : all.status());
    (void)Reply(writer, 400, "");
  });
  Server server(TestOptions(), handler);
  ASSERT_TRUE(server.Start().ok());
  TestClient client;
  ASSERT_TRUE(client.Connect(server.BoundPort()));
  ASSERT_TRUE(client.Send(RequestHead("PUT", "/", "Content-Length: 100\r\n") + "partial"));
  for (int i = 0; i < 3000 && server.InflightRequests() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(server.InflightRequests(), 1u);
  EXPECT_EQ(calls.load(), 0);  // still reading the body
  server.Stop(std::chrono::milliseconds(200));
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(read_status.get_future().get().code(), common::Code::kIncompleteBody);
}

TEST(ServerLimitsTest, StartFailsClearlyWhenPortIsTaken) {
  FunctionHandler handler([](const Request&, common::ByteSource&, ResponseWriter&) {});
  Server first(TestOptions(), handler);
  ASSERT_TRUE(first.Start().ok());
  ServerOptions options = TestOptions();
  options.port = first.BoundPort();
  Server second(options, handler);
  common::Status status = second.Start();
  EXPECT_EQ(status.code(), Code::kUnavailable);
  EXPECT_NE(status.message().find("in use"), std::string::npos) << status.ToString();

  options.tls_cert_file = "/nonexistent/cert.pem";
  options.tls_key_file = "/nonexistent/key.pem";
  Server third(options, handler);
  EXPECT_EQ(third.Start().code(), Code::kInvalidArgument);
}

class ServerTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("strata-http-tls-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 "
        "-keyout " +
        (dir_ / "key.pem").string() + " -out " + (dir_ / "cert.pem").string() + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::filesystem::path dir_;
};

TEST_F(ServerTlsTest, TlsAndPlainOnTheSamePort) {
  ServerOptions options = TestOptions();
  options.tls_cert_file = (dir_ / "cert.pem").string();
  options.tls_key_file = (dir_ / "key.pem").string();
  TestServer server(
      options, [](const Request& request, common::ByteSource& body, ResponseWriter& writer) {
        ASSERT_TRUE(Reply(writer, 200, (request.tls ? "tls " : "plain ") + ReadBody(body)).ok());
      });
  for (bool tls : {true, false, true}) {
    TestClient client;
    ASSERT_TRUE(client.Connect(server.port(), tls)) << tls;
    for (int i = 0; i < 2; ++i) {  // keep-alive
      ASSERT_TRUE(client.Send(RequestHead("PUT", "/", "Content-Length: 2\r\n") + "hi"));
      auto response = client.ReadResponse();
      ASSERT_TRUE(response.has_value()) << tls;
      EXPECT_EQ(response->body, tls ? "tls hi" : "plain hi");
    }
  }
}

}  // namespace
}  // namespace strata::http::testing
