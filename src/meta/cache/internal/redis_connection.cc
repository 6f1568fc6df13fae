#include "meta/cache/internal/redis_connection.h"

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace strata::meta::cache::internal {
namespace {

using common::Code;
using common::Error;

timeval ToTimeval(std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  return tv;
}

Reply Convert(const redisReply* reply) {
  Reply out;
  switch (reply->type) {
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::kString;
      out.text.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::kStatus;
      out.text.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::kError;
      out.text.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::kInteger;
      out.integer = reply->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::kArray;
      out.array.reserve(reply->elements);
      for (size_t i = 0; i < reply->elements; ++i) out.array.push_back(Convert(reply->element[i]));
      break;
    default:  // REDIS_REPLY_NIL
      out.type = Reply::Type::kNil;
      break;
  }
  return out;
}

// Blocks SIGPIPE in this thread for its lifetime; a SIGPIPE raised meanwhile
// (a write to a connection Redis closed) is discarded rather than delivered.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlock() {
    // Only a failed write raises SIGPIPE, so only then can one be pending.
    if (failed_) {
      sigset_t pending;
      sigemptyset(&pending);
      if (sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1) {
        const timespec zero{};
        while (sigtimedwait(&pipe_, nullptr, &zero) < 0 && errno == EINTR) {
        }
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  void Failed() { failed_ = true; }

 private:
  sigset_t pipe_;
  sigset_t old_;
  bool failed_ = false;
};

// The Status for a context that failed; `saved_errno` is errno right after
// the failing call.
common::Status ContextError(const redisContext* context, int saved_errno) {
  const std::string what = context->errstr[0] != '\0' ? context->errstr : "unknown error";
  if (context->err == REDIS_ERR_IO && (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK ||
                                       saved_errno == ETIMEDOUT || saved_errno == EINPROGRESS)) {
    return Error(Code::kTimeout, "Redis did not answer in time: " + what);
  }
  if (context->err == REDIS_ERR_PROTOCOL) return Error(Code::kInternal, "Redis protocol: " + what);
  return Error(Code::kUnavailable, "Redis: " + what);
}

}  // namespace

common::Result<std::unique_ptr<RedisConnection>> RedisConnection::Connect(
    const RedisEndpoint& endpoint, std::chrono::milliseconds timeout) {
  const timeval tv = ToTimeval(timeout);
  redisContext* context = nullptr;
  {
    SigpipeBlock block;
    context = redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, tv);
  }
  if (context == nullptr) return Error(Code::kUnavailable, "Redis: cannot allocate a context");
  const int saved_errno = errno;
  if (context->err != 0) {
    common::Status status = ContextError(context, saved_errno);
    redisFree(context);
    return status;
  }
  std::unique_ptr<RedisConnection> connection(new RedisConnection(context));
  if (redisSetTimeout(context, tv) != REDIS_OK) {
    return Error(Code::kUnavailable, "Redis: cannot set the socket timeout");
  }
  // Dead peers behind a silent network are found by the command timeout;
  // keepalive also reaps connections idle in the pool.
  (void)redisEnableKeepAlive(context);

  auto expect_ok = [&](const std::vector<std::string_view>& argv) -> common::Status {
    STRATA_ASSIGN_OR_RETURN(Reply reply, connection->Command(argv));
    if (reply.type == Reply::Type::kError) {
      return Error(Code::kUnavailable,
                   std::string("Redis refused ") + std::string(argv[0]) + ": " + reply.text);
    }
    return common::Status::Ok();
  };
  if (!endpoint.password.empty()) {
    if (endpoint.user.empty()) {
      STRATA_RETURN_IF_ERROR(expect_ok({"AUTH", endpoint.password}));
    } else {
      STRATA_RETURN_IF_ERROR(expect_ok({"AUTH", endpoint.user, endpoint.password}));
    }
  }
  if (endpoint.db != 0) {
    const std::string db = std::to_string(endpoint.db);
    STRATA_RETURN_IF_ERROR(expect_ok({"SELECT", db}));
  }
  return connection;
}

RedisConnection::~RedisConnection() { redisFree(context_); }

common::Result<Reply> RedisConnection::Command(const std::vector<std::string_view>& argv) {
  if (broken_) return Error(Code::kUnavailable, "Redis: connection already broken");
  std::vector<const char*> args;
  std::vector<size_t> lengths;
  args.reserve(argv.size());
  lengths.reserve(argv.size());
  for (std::string_view arg : argv) {
    args.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  SigpipeBlock block;
  void* raw =
      redisCommandArgv(context_, static_cast<int>(args.size()), args.data(), lengths.data());
  const int saved_errno = errno;
  if (raw == nullptr) {
    block.Failed();
    broken_ = true;
    return ContextError(context_, saved_errno);
  }
  auto* reply = static_cast<redisReply*>(raw);
  Reply out = Convert(reply);
  freeReplyObject(reply);
  return out;
}

}  // namespace strata::meta::cache::internal
