// Shared pieces of the server tests: a Handler made of a lambda, and a server
// on 127.0.0.1 with an ephemeral port.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "common/byte_stream.h"
#include "http/handler.h"
#include "http/server.h"

namespace strata::http::testing {

class FunctionHandler : public Handler {
 public:
  using Function = std::function<void(const Request&, common::ByteSource&, ResponseWriter&)>;
  // Handler::TryHandleInline; none declines every request.
  using InlineFunction = std::function<bool(const Request&, ResponseWriter&)>;
  explicit FunctionHandler(Function function, InlineFunction inline_function = nullptr)
      : function_(std::move(function)), inline_function_(std::move(inline_function)) {}
  void Handle(const Request& request, common::ByteSource& body, ResponseWriter& response) override {
    function_(request, body, response);
  }
  bool TryHandleInline(const Request& request, ResponseWriter& response) override {
    return inline_function_ ? inline_function_(request, response) : false;
  }

 private:
  Function function_;
  InlineFunction inline_function_;
};

// Test options: loopback, ephemeral port, few threads (the test machine is
// small and shared).
inline ServerOptions TestOptions() {
  ServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  options.io_threads = 2;
  options.worker_threads = 4;
  return options;
}

// Starts a server for one test and stops it at the end.
class TestServer {
 public:
  TestServer(ServerOptions options, FunctionHandler::Function function,
             FunctionHandler::InlineFunction inline_function = nullptr)
      : handler_(std::move(function), std::move(inline_function)),
        server_(std::move(options), handler_) {
    common::Status status = server_.Start();
    EXPECT_TRUE(status.ok()) << status.ToString();
  }
  ~TestServer() { server_.Stop(std::chrono::seconds(5)); }

  Server& server() { return server_; }
  uint16_t port() const { return server_.BoundPort(); }

 private:
  FunctionHandler handler_;
  Server server_;
};

// Reads the whole body (tests only; bodies here are small).
inline std::string ReadBody(common::ByteSource& body) {
  auto all = common::ReadAll(body, 64 << 20);
  return all.ok() ? *all : "ERROR: " + all.status().ToString();
}

inline common::Status Reply(ResponseWriter& writer, int status, std::string body) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  return WriteResponse(writer, response);
}

}  // namespace strata::http::testing
