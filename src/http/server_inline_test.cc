// Handler::TryHandleInline over real loopback sockets: which requests are
// offered to it, how its one whole response goes out, and what happens when
// it declines, throws, or writes what the I/O thread cannot send.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>

#include "http/server.h"
#include "http/server_test_util.h"
#include "http/test_client.h"

namespace strata::http::testing {
namespace {

using common::Code;

// Answers inline "inline <method> <path>" unless the path starts with
// /worker; Handle answers "worker <path> <body>". Counts both.
struct Counters {
  std::atomic<int> inline_offered{0};
  std::atomic<int> inline_answered{0};
  std::atomic<int> handled{0};
};

TestServer CountingServer(Counters& counters) {
  return TestServer(
      TestOptions(),
      [&counters](const Request& request, common::ByteSource& body, ResponseWriter& writer) {
        ++counters.handled;
        ASSERT_TRUE(Reply(writer, 200, "worker " + request.path + " " + ReadBody(body)).ok());
      },
      [&counters](const Request& request, ResponseWriter& writer) {
        ++counters.inline_offered;
        if (request.path.starts_with("/worker")) return false;
        ++counters.inline_answered;
        EXPECT_TRUE(Reply(writer, 200, "inline " + request.method + " " + request.path).ok());
        return true;
      });
}

TEST(ServerInlineTest, RequestsWithoutBodyAreAnsweredInlineOnOneConnection) {
  Counters counters;
  TestServer server = CountingServer(counters);
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  for (int i = 0; i < 3; ++i) {
    const std::string path = "/k" + std::to_string(i);
    ASSERT_TRUE(client.Send(RequestHead("GET", path)));
    auto response = client.ReadResponse();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "inline GET " + path);
    EXPECT_EQ(response->headers.Get("x-amz-request-id").size(), 16u);
    EXPECT_NE(response->headers.Get("connection"), "close");
  }
  // HEAD: the length of the body a GET would get, and no body.
  ASSERT_TRUE(client.Send(RequestHead("HEAD", "/h")));
  auto head = client.ReadResponse(/*head_only=*/true);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->headers.Get("content-length"),
            std::to_string(std::string("inline HEAD /h").size()));
  // A request whose body is empty is offered too; the 100 it asked for is
  // still sent.
  ASSERT_TRUE(
      client.Send(RequestHead("PUT", "/empty", "Content-Length: 0\r\nExpect: 100-continue\r\n")));
  auto interim = client.ReadResponse();
  ASSERT_TRUE(interim.has_value());
  EXPECT_EQ(interim->status, 100);
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body, "inline PUT /empty");
  EXPECT_EQ(counters.handled.load(), 0);
  EXPECT_EQ(counters.inline_answered.load(), 5);
  EXPECT_EQ(server.server().OpenConnections(), 1u);
}

TEST(ServerInlineTest, DeclinedRequestsAndRequestsWithBodyGoToTheWorkers) {
  Counters counters;
  TestServer server = CountingServer(counters);
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  ASSERT_TRUE(client.Send(RequestHead("GET", "/worker/a")));
  auto declined = client.ReadResponse();
  ASSERT_TRUE(declined.has_value());
  EXPECT_EQ(declined->body, "worker /worker/a ");
  EXPECT_EQ(counters.inline_offered.load(), 1);
  // Never offered: the handler would have to read the body.
  ASSERT_TRUE(client.Send(RequestHead("PUT", "/k", "Content-Length: 4\r\n") + "data"));
  auto with_body = client.ReadResponse();
  ASSERT_TRUE(with_body.has_value());
  EXPECT_EQ(with_body->body, "worker /k data");
  ASSERT_TRUE(client.Send(RequestHead("PUT", "/k", "Transfer-Encoding: chunked\r\n") +
                          "3\r\nabc\r\n0\r\n\r\n"));
  auto chunked = client.ReadResponse();
  ASSERT_TRUE(chunked.has_value());
  EXPECT_EQ(chunked->body, "worker /k abc");
  EXPECT_EQ(counters.inline_offered.load(), 1);
  EXPECT_EQ(counters.handled.load(), 3);
}

// The largest whole body goes out; anything the I/O thread would have to
// wait on the socket for fails, and the client sees the head and a closed
// connection instead of a hang.
TEST(ServerInlineTest, OnlyAWholeBodyUpToTheLimitCanBeWritten) {
  std::atomic<int> refused{0};
  TestServer server(
      TestOptions(), [](const Request&, common::ByteSource&, ResponseWriter&) { FAIL(); },
      [&refused](const Request& request, ResponseWriter& writer) {
        const size_t limit = Handler::kInlineBodyLimit;
        if (request.path == "/limit") {
          EXPECT_TRUE(writer.WriteHead(200, Headers(), limit).ok());
          EXPECT_TRUE(writer.WriteBody(std::string(limit, 'x')).ok());
        } else if (request.path == "/too-large") {
          EXPECT_TRUE(writer.WriteHead(200, Headers(), limit + 1).ok());
          if (writer.WriteBody(std::string(limit + 1, 'x')).code() == Code::kInternal) ++refused;
        } else if (request.path == "/in-pieces") {
          EXPECT_TRUE(writer.WriteHead(200, Headers(), 10).ok());
          if (writer.WriteBody(std::string_view("12345")).code() == Code::kInternal) ++refused;
        }
        return true;
      });
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  ASSERT_TRUE(client.Send(RequestHead("GET", "/limit")));
  auto whole = client.ReadResponse();
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(whole->body, std::string(Handler::kInlineBodyLimit, 'x'));
  for (const char* path : {"/too-large", "/in-pieces"}) {
    TestClient other;
    ASSERT_TRUE(other.Connect(server.port()));
    ASSERT_TRUE(other.Send(RequestHead("GET", path)));
    EXPECT_FALSE(other.ReadResponse().has_value()) << path;  // head, no body, EOF
    EXPECT_TRUE(other.WaitForClose()) << path;
  }
  EXPECT_EQ(refused.load(), 2);
  // The first connection was not disturbed.
  ASSERT_TRUE(client.Send(RequestHead("GET", "/limit")));
  EXPECT_TRUE(client.ReadResponse().has_value());
}

TEST(ServerInlineTest, ThrowingOrHalfAnsweringInlineHandlers) {
  std::atomic<int> handled{0};
  TestServer server(
      TestOptions(),
      [&handled](const Request&, common::ByteSource&, ResponseWriter& writer) {
        ++handled;
        ASSERT_TRUE(Reply(writer, 200, "worker").ok());
      },
      [](const Request& request, ResponseWriter& writer) {
        if (request.path == "/throw") throw std::runtime_error("boom");
        // Wrote an answer yet declined: the answer stands, Handle never runs.
        EXPECT_TRUE(Reply(writer, 201, "written").ok());
        return false;
      });
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  ASSERT_TRUE(client.Send(RequestHead("GET", "/wrote")));
  auto wrote = client.ReadResponse();
  ASSERT_TRUE(wrote.has_value());
  EXPECT_EQ(wrote->status, 201);
  EXPECT_EQ(wrote->body, "written");
  ASSERT_TRUE(client.Send(RequestHead("GET", "/throw")));
  auto thrown = client.ReadResponse();
  ASSERT_TRUE(thrown.has_value());
  EXPECT_EQ(thrown->status, 500);
  EXPECT_TRUE(client.WaitForClose());
  EXPECT_EQ(handled.load(), 0);
  EXPECT_EQ(server.server().InflightRequests(), 0u);
}

// Many clients at once, half answered inline, half on the workers: every
// answer arrives, and the concurrency gate is released by both paths.
TEST(ServerInlineTest, InlineAndWorkerAnswersInterleave) {
  Counters counters;
  TestServer server = CountingServer(counters);
  constexpr int kClients = 8;
  constexpr int kRequests = 50;
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      TestClient client;
      if (!client.Connect(server.port())) return;
      for (int i = 0; i < kRequests; ++i) {
        const std::string path = ((i + c) % 2 == 0 ? "/worker/" : "/") + std::to_string(i);
        if (!client.Send(RequestHead("GET", path))) return;
        auto response = client.ReadResponse();
        if (!response) return;
        const std::string expected =
            path.starts_with("/worker") ? "worker " + path + " " : "inline GET " + path;
        if (response->body == expected) ++good;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), kClients * kRequests);
  EXPECT_EQ(counters.handled.load() + counters.inline_answered.load(), kClients * kRequests);
  EXPECT_EQ(counters.inline_offered.load(), kClients * kRequests);
  EXPECT_EQ(server.server().InflightRequests(), 0u);
}

}  // namespace
}  // namespace strata::http::testing
