// The server's request/response path over real loopback sockets: keep-alive,
// request fields, 100-continue, chunked and large bodies, large responses,
// HEAD, and what happens when a handler misbehaves.
#include "http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <set>
#include <string>
#include <thread>

#include "common/hash.h"
#include "common/hex.h"
#include "http/server_test_util.h"
#include "http/test_client.h"

namespace strata::http::testing {
namespace {

using common::Code;

// Deterministic bytes for large bodies, generated piece by piece.
void FillPattern(uint64_t offset, std::span<char> out) {
  for (size_t i = 0; i < out.size(); ++i) {
    uint64_t x = offset + i;
    out[i] = static_cast<char>((x * 2654435761u) >> 13);
  }
}

TEST(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  TestServer server(
      TestOptions(), [](const Request& request, common::ByteSource& body, ResponseWriter& writer) {
        std::string text = request.method + " " + request.path + " " + request.query + " " +
                           std::string(request.headers.Get("x-test")) + " " + ReadBody(body);
        ASSERT_TRUE(Reply(writer, 200, text).ok());
      });
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  std::set<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client.Send(RequestHead("PUT", "/b/k%20" + std::to_string(i) + "?x=1&y",
                                        "X-Test: v\r\nContent-Length: 4\r\n") +
                            "data"));
    auto response = client.ReadResponse();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "PUT /b/k%20" + std::to_string(i) + " x=1&y v data");
    EXPECT_EQ(response->headers.Get("server"), "Strata");
    EXPECT_FALSE(response->headers.Get("date").empty());
    EXPECT_EQ(response->headers.Get("x-amz-request-id").size(), 16u);
    ids.insert(std::string(response->headers.Get("x-amz-request-id")));
  }
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(server.server().OpenConnections(), 1u);
}

TEST(ServerTest, FillsRequestFields) {
  std::promise<Request> seen;
  TestServer server(TestOptions(),
                    [&](const Request& request, common::ByteSource& body, ResponseWriter& writer) {
                      ReadBody(body);
                      seen.set_value(request);
                      ASSERT_TRUE(Reply(writer, 204, "").ok());
                    });
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  ASSERT_TRUE(client.Send(
      RequestHead("POST", "/bucket?delete", "Content-Length: 3\r\nX-Amz-Meta-A: 1\r\n") + "abc"));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 204);
  Request request = seen.get_future().get();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/bucket?delete");
  EXPECT_EQ(request.path, "/bucket");
  EXPECT_EQ(request.query, "delete");
  EXPECT_EQ(request.headers.Get("x-amz-meta-a"), "1");
  EXPECT_EQ(request.headers.entries()[0].first, "host");
  EXPECT_EQ(request.content_length, 3u);
  EXPECT_FALSE(request.chunked_transfer);
  EXPECT_FALSE(request.tls);
  EXPECT_EQ(request.remote_address.rfind("127.0.0.1:", 0), 0u) << request.remote_address;
  EXPECT_EQ(request.request_id.size(), 16u);
  EXPECT_GT(request.received_at_ms, 1'600'000'000'000);
}

TEST(ServerTest, ExpectContinueIsSentOnFirstBodyRead) {
  TestServer server(TestOptions(),
                    [](const Request& request, common::ByteSource& body, ResponseWriter& writer) {
                      if (request.path == "/deny") {
                        ASSERT_TRUE(Reply(writer, 403, "denied").ok());  // never reads the body
                        return;
                      }
                      ASSERT_TRUE(Reply(writer, 200, ReadBody(body)).ok());
                    });
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  ASSERT_TRUE(
      client.Send(RequestHead("PUT", "/ok", "Content-Length: 5\r\nExpect: 100-continue\r\n")));
  auto interim = client.ReadResponse();  // the client waits for it before sending
  ASSERT_TRUE(interim.has_value());
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(client.Send("hello"));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "hello");

  // A handler that refuses without reading never invites the body; the
  // connection closes since the body may still come.
  ASSERT_TRUE(
      client.Send(RequestHead("PUT", "/deny", "Content-Length: 5\r\nExpect: 100-continue\r\n")));
  response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 403);
  EXPECT_EQ(response->headers.Get("connection"), "close");
  EXPECT_TRUE(client.WaitForClose());
}

// An empty body still gets its "100 Continue", before the final response,
// whether or not the handler reads it; the connection stays usable. AWS does
// the same, and botocore 1.29 misparses the next response on the connection
// when a final response comes without the 100.
TEST(ServerTest, ExpectContinueIsAnsweredForEmptyBodies) {
  TestServer server(TestOptions(),
                    [](const Request& request, common::ByteSource& body, ResponseWriter& writer) {
                      std::string read = request.path == "/reads" ? ReadBody(body) : "";
                      ASSERT_TRUE(Reply(writer, 200, "ok" + read).ok());
                    });
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  for (const char* path : {"/reads", "/ignores", "/reads"}) {
    ASSERT_TRUE(
        client.Send(RequestHead("PUT", path, "Content-Length: 0\r\nExpect: 100-continue\r\n")));
    auto interim = client.ReadResponse();
    ASSERT_TRUE(interim.has_value()) << path;
    EXPECT_EQ(interim->status, 100) << path;
    auto response = client.ReadResponse();
    ASSERT_TRUE(response.has_value()) << path;
    EXPECT_EQ(response->status, 200) << path;
    EXPECT_EQ(response->body, "ok") << path;
    EXPECT_NE(response->headers.Get("connection"), "close") << path;
  }
}

TEST(ServerTest, ChunkedBodyIsDechunked) {
  std::atomic<bool> chunked{false};
  TestServer server(TestOptions(),
                    [&](const Request& request, common::ByteSource& body, ResponseWriter& writer) {
                      chunked = request.chunked_transfer && !request.content_length.has_value();
                      ASSERT_TRUE(Reply(writer, 200, ReadBody(body)).ok());
                    });
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  ASSERT_TRUE(client.Send(RequestHead("PUT", "/c", "Transfer-Encoding: chunked\r\n") +
                          "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n"));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body, "hello world");
  EXPECT_TRUE(chunked);
  // Keep-alive continues after a chunked body.
  ASSERT_TRUE(client.Send(RequestHead("GET", "/again")));
  response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
}

TEST(ServerTest, StreamsLargeRequestBody) {
  constexpr uint64_t kSize = 64ull << 20;
  TestServer server(TestOptions(), [](const Request&, common::ByteSource& body,
                                      ResponseWriter& writer) {
    common::Digest digest(common::Digest::Algorithm::kSha256);
    std::vector<char> buffer(256 * 1024);
    uint64_t total = 0;
    for (;;) {
      auto n = body.Read(buffer);
      ASSERT_TRUE(n.ok()) << n.status().ToString();
      if (*n == 0) break;
      digest.Update(std::string_view(buffer.data(), *n));
      total += *n;
    }
    ASSERT_TRUE(
        Reply(writer, 200, std::to_string(total) + " " + common::HexEncode(digest.Finish())).ok());
  });
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  ASSERT_TRUE(
      client.Send(RequestHead("PUT", "/big", "Content-Length: " + std::to_string(kSize) + "\r\n")));
  common::Digest digest(common::Digest::Algorithm::kSha256);
  std::vector<char> piece(1 << 20);
  for (uint64_t offset = 0; offset < kSize; offset += piece.size()) {
    FillPattern(offset, piece);
    digest.Update(std::string_view(piece.data(), piece.size()));
    ASSERT_TRUE(client.Send(std::string_view(piece.data(), piece.size())));
  }
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body, std::to_string(kSize) + " " + common::HexEncode(digest.Finish()));
}

TEST(ServerTest, StreamsLargeResponse) {
  constexpr uint64_t kSize = 64ull << 20;
  TestServer server(TestOptions(), [](const Request&, common::ByteSource&, ResponseWriter& writer) {
    ASSERT_TRUE(writer.WriteHead(200, Headers(), kSize).ok());
    std::vector<char> piece(1 << 20);
    for (uint64_t offset = 0; offset < kSize; offset += piece.size()) {
      FillPattern(offset, piece);
      ASSERT_TRUE(writer.WriteBody(piece).ok());
    }
  });
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  ASSERT_TRUE(client.Send(RequestHead("GET", "/big")));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  ASSERT_EQ(response->body.size(), kSize);
  std::vector<char> piece(1 << 20);
  for (uint64_t offset = 0; offset < kSize; offset += piece.size()) {
    FillPattern(offset, piece);
    ASSERT_EQ(response->body.compare(offset, piece.size(), piece.data(), piece.size()), 0)
        << "at " << offset;
  }
}

TEST(ServerTest, HeadSendsContentLengthWithoutBody) {
  TestServer server(TestOptions(),
                    [](const Request& request, common::ByteSource&, ResponseWriter& writer) {
                      if (request.method == "HEAD") {
                        ASSERT_TRUE(writer.WriteHead(200, Headers(), 12345).ok());
                      } else {
                        ASSERT_TRUE(Reply(writer, 200, "after").ok());
                      }
                    });
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  ASSERT_TRUE(client.Send(RequestHead("HEAD", "/k")));
  auto response = client.ReadResponse(/*head_only=*/true);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->headers.Get("content-length"), "12345");
  // No body bytes came: the next response follows the head directly.
  ASSERT_TRUE(client.Send(RequestHead("GET", "/k")));
  response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body, "after");
}

TEST(ServerTest, HandlerThatWritesNothingGets500) {
  TestServer server(TestOptions(), [](const Request&, common::ByteSource&, ResponseWriter&) {});
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  ASSERT_TRUE(client.Send(RequestHead("GET", "/")));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(response->headers.Get("x-amz-request-id").size(), 16u);
}

TEST(ServerTest, HandlerExceptionGets500AndClose) {
  TestServer server(TestOptions(), [](const Request&, common::ByteSource&, ResponseWriter&) {
    throw std::runtime_error("boom");
  });
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  ASSERT_TRUE(client.Send(RequestHead("GET", "/")));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 500);
  EXPECT_TRUE(client.WaitForClose());
}

TEST(ServerTest, ShortResponseBodyClosesConnection) {
  TestServer server(TestOptions(), [](const Request&, common::ByteSource&, ResponseWriter& writer) {
    ASSERT_TRUE(writer.WriteHead(200, Headers(), 10).ok());
    ASSERT_TRUE(writer.WriteBody(std::string_view("12345")).ok());
    EXPECT_EQ(writer.WriteBody(std::string_view("1234567")).code(), Code::kInternal);
  });
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  ASSERT_TRUE(client.Send(RequestHead("GET", "/")));
  EXPECT_FALSE(client.ReadResponse().has_value());  // 5 of 10 bytes, then EOF
}

// A small body written whole in one piece is sent after the handler returns
// (no blocking write); writing past it is still refused, the promised bytes
// still arrive, and the connection closes after them.
TEST(ServerTest, BodyPastAWholeSmallBodyIsRefused) {
  TestServer server(TestOptions(), [](const Request&, common::ByteSource&, ResponseWriter& writer) {
    ASSERT_TRUE(writer.WriteHead(200, Headers(), 5).ok());
    ASSERT_TRUE(writer.WriteBody(std::string_view("12345")).ok());
    EXPECT_EQ(writer.WriteBody(std::string_view("6")).code(), Code::kInternal);
  });
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  ASSERT_TRUE(client.Send(RequestHead("GET", "/")));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body, "12345");
  EXPECT_TRUE(client.WaitForClose());
}

// Whole bodies on both sides of the deferral limit, one after another on one
// keep-alive connection: each arrives intact and in order.
TEST(ServerTest, WholeBodiesAroundTheDeferralLimitKeepTheConnection) {
  const std::vector<size_t> sizes = {1, 4096, (64 << 10) - 1, 64 << 10, (64 << 10) + 1, 1 << 20};
  TestServer server(TestOptions(),
                    [](const Request& request, common::ByteSource&, ResponseWriter& writer) {
                      const size_t size = std::stoul(request.path.substr(1));
                      std::vector<char> body(size);
                      FillPattern(size, body);
                      ASSERT_TRUE(writer.WriteHead(200, Headers(), size).ok());
                      ASSERT_TRUE(writer.WriteBody(body).ok());
                    });
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  for (size_t size : sizes) {
    ASSERT_TRUE(client.Send(RequestHead("GET", "/" + std::to_string(size))));
    auto response = client.ReadResponse();
    ASSERT_TRUE(response.has_value()) << size;
    std::vector<char> expected(size);
    FillPattern(size, expected);
    EXPECT_EQ(response->body, std::string(expected.begin(), expected.end())) << size;
  }
}

// Both for a body the handler reads from the socket and for a small one the
// server reads before the handler runs.
TEST(ServerTest, ClientDisconnectMidBodyFailsTheRead) {
  for (int length : {1000000, 1000}) {
    std::promise<common::Status> read_status;
    TestServer server(TestOptions(),
                      [&](const Request&, common::ByteSource& body, ResponseWriter& writer) {
                        auto all = common::ReadAll(body, 1 << 30);
                        read_status.set_value(all.ok() ? common::Status::Ok() : all.status());
                        (void)Reply(writer, 400, "incomplete");
                      });
    TestClient client;
    ASSERT_TRUE(client.Connect(server.port()));
    ASSERT_TRUE(
        client.Send(RequestHead("PUT", "/k", "Content-Length: " + std::to_string(length) + "\r\n") +
                    std::string(10, 'x')));
    client.Close();
    common::Status status = read_status.get_future().get();
    EXPECT_EQ(status.code(), Code::kIncompleteBody) << length << ": " << status.ToString();
  }
}

// Small Content-Length bodies are read before the handler runs; the handler
// still reads them through its ByteSource, in any piece size.
TEST(ServerTest, SmallBodyReadBeforeTheHandlerArrivesWhole) {
  TestServer server(
      TestOptions(), [](const Request&, common::ByteSource& body, ResponseWriter& writer) {
        std::string all;
        char piece[7];
        while (true) {
          auto n = body.Read(piece);
          ASSERT_TRUE(n.ok()) << n.status().ToString();
          if (*n == 0) break;
          all.append(piece, *n);
        }
        ASSERT_TRUE(Reply(writer, 200,
                          std::to_string(all.size()) + " " + common::HexEncode(common::Sha256(all)))
                        .ok());
      });
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  for (size_t size : {size_t{1}, size_t{4096}, size_t{64 << 10}, size_t{(64 << 10) + 1}}) {
    std::vector<char> body(size);
    FillPattern(size * 3, body);
    const std::string text(body.begin(), body.end());
    ASSERT_TRUE(client.Send(
        RequestHead("PUT", "/k", "Content-Length: " + std::to_string(size) + "\r\n") + text));
    auto response = client.ReadResponse();
    ASSERT_TRUE(response.has_value()) << size;
    EXPECT_EQ(response->body, std::to_string(size) + " " + common::HexEncode(common::Sha256(text)))
        << size;
  }
}

TEST(ServerTest, UnreadSmallBodyIsDrainedAndConnectionKept) {
  TestServer server(TestOptions(), [](const Request&, common::ByteSource&, ResponseWriter& writer) {
    ASSERT_TRUE(Reply(writer, 403, "no").ok());
  });
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(client.Send(RequestHead("PUT", "/k", "Content-Length: 100000\r\n") +
                            std::string(100000, 'x')));
    auto response = client.ReadResponse();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 403);
    EXPECT_EQ(response->headers.Get("connection"), "");
  }
}

TEST(ServerTest, UnreadLargeBodyClosesConnection) {
  TestServer server(TestOptions(), [](const Request&, common::ByteSource&, ResponseWriter& writer) {
    ASSERT_TRUE(Reply(writer, 403, "no").ok());
  });
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  ASSERT_TRUE(client.Send(RequestHead("PUT", "/k", "Content-Length: 100000000\r\n") +
                          std::string(100000, 'x')));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 403);
  EXPECT_EQ(response->headers.Get("connection"), "close");
  EXPECT_TRUE(client.WaitForClose());
}

TEST(ServerTest, ClientConnectionCloseIsHonoured) {
  TestServer server(TestOptions(), [](const Request&, common::ByteSource&, ResponseWriter& writer) {
    ASSERT_TRUE(Reply(writer, 200, "bye").ok());
  });
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  ASSERT_TRUE(client.Send(RequestHead("GET", "/", "Connection: close\r\n")));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body, "bye");
  EXPECT_TRUE(client.WaitForClose());
}

TEST(ServerTest, PipelinedRequestsAreServedInOrder) {
  TestServer server(TestOptions(),
                    [](const Request& request, common::ByteSource& body, ResponseWriter& writer) {
                      ASSERT_TRUE(Reply(writer, 200, request.path + ReadBody(body)).ok());
                    });
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  ASSERT_TRUE(client.Send(
      RequestHead("PUT", "/a", "Content-Length: 1\r\n") + "1" + RequestHead("GET", "/b") +
      RequestHead("PUT", "/c", "Transfer-Encoding: chunked\r\n") + "1\r\n3\r\n0\r\n\r\n"));
  for (std::string expected : {"/a1", "/b", "/c3"}) {
    auto response = client.ReadResponse();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->body, expected);
  }
}

TEST(ServerTest, CloseAfterResponseAndHttp10) {
  TestServer server(TestOptions(),
                    [](const Request& request, common::ByteSource&, ResponseWriter& writer) {
                      if (request.path == "/close") writer.CloseAfterResponse();
                      ASSERT_TRUE(Reply(writer, 200, "x").ok());
                    });
  TestClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  ASSERT_TRUE(client.Send(RequestHead("GET", "/close")));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->headers.Get("connection"), "close");
  EXPECT_TRUE(client.WaitForClose());

  // HTTP/1.0 without keep-alive: one response, then close.
  ASSERT_TRUE(client.Connect(server.port()));
  ASSERT_TRUE(client.Send("GET /old HTTP/1.0\r\n\r\n"));
  response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body, "x");
  EXPECT_TRUE(client.WaitForClose());
}

}  // namespace
}  // namespace strata::http::testing
