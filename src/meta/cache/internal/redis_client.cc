#include "meta/cache/internal/redis_client.h"

#include <algorithm>
#include <utility>

#include "common/hash.h"
#include "common/hex.h"

namespace strata::meta::cache::internal {
namespace {

using common::Code;
using common::Error;

// Redis's run_id from an INFO reply, "" when absent.
std::string RunId(std::string_view info) {
  constexpr std::string_view kField = "run_id:";
  const size_t at = info.find(kField);
  if (at == std::string_view::npos) return "";
  const size_t begin = at + kField.size();
  const size_t end = info.find_first_of("\r\n", begin);
  return std::string(info.substr(begin, end == std::string_view::npos ? end : end - begin));
}

}  // namespace

Script::Script(std::string_view text) : source(text) {
  common::Digest digest(common::Digest::Algorithm::kSha1);
  digest.Update(source);
  sha1 = common::HexEncode(digest.Finish());
}

RedisClient::RedisClient(RedisEndpoint endpoint, ClientOptions options)
    : endpoint_(std::move(endpoint)), options_(std::move(options)) {}

RedisClient::~RedisClient() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  reconnect_cv_.notify_all();
  if (reconnector_.joinable()) reconnector_.join();
}

void RedisClient::Start() {
  (void)Recover();
  reconnector_ = std::thread([this] { ReconnectLoop(); });
}

bool RedisClient::usable() const {
  std::lock_guard lock(mu_);
  return UsableLocked();
}

void RedisClient::MarkDirty() {
  {
    std::lock_guard lock(mu_);
    ++dirty_seq_;
  }
  reconnect_cv_.notify_all();
}

common::Result<std::unique_ptr<RedisConnection>> RedisClient::Open(std::string* run_id) const {
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<RedisConnection> connection,
                          RedisConnection::Connect(endpoint_, options_.timeout));
  STRATA_ASSIGN_OR_RETURN(Reply info, connection->Command({"INFO", "server"}));
  // A Redis with INFO disabled (renamed away) gives "": restarts cannot be
  // told apart then, so every reconnect bumps the epoch (Recover).
  *run_id = info.type == Reply::Type::kString ? RunId(info.text) : "";
  return connection;
}

common::Status RedisClient::Recover() {
  std::lock_guard recover_lock(recover_mu_);
  std::string run_id;
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<RedisConnection> connection, Open(&run_id));
  uint64_t seq = 0;
  bool bump = false;
  {
    std::lock_guard lock(mu_);
    if (UsableLocked()) return common::Status::Ok();
    seq = dirty_seq_;
    // Dirty (an invalidation may be missing, or this is the process's first
    // connection), or Redis is not the one it was (restarted, failed over:
    // it may hold entries older than invalidations the old one saw).
    bump = seq != clean_seq_ || run_id.empty() || run_id != run_id_;
  }
  if (bump) {
    // Everything written before `seq` was taken has committed, so after this
    // INCR no node can read an entry filled before those writes.
    STRATA_ASSIGN_OR_RETURN(Reply reply, connection->Command({"INCR", options_.epoch_key}));
    if (reply.type != Reply::Type::kInteger) {
      return Error(Code::kUnavailable, "Redis refused the epoch bump: " + reply.text);
    }
  }
  {
    std::lock_guard lock(mu_);
    clean_seq_ = std::max(clean_seq_, seq);
    run_id_ = run_id;
    up_ = true;
    if (open_ < options_.connections) {
      idle_.push_back(Pooled{std::move(connection), generation_});
      ++open_;
    }
  }
  idle_cv_.notify_all();
  return common::Status::Ok();
}

void RedisClient::ReconnectLoop() {
  std::chrono::milliseconds backoff = options_.backoff_initial;
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (UsableLocked()) {
      reconnect_cv_.wait(lock, [&] { return stop_ || !UsableLocked(); });
      backoff = options_.backoff_initial;
      continue;
    }
    lock.unlock();
    const common::Status status = Recover();
    lock.lock();
    if (status.ok()) continue;
    reconnect_cv_.wait_for(lock, backoff, [&] { return stop_; });
    backoff = std::min(backoff * 2, options_.backoff_cap);
  }
}

common::Result<RedisClient::Pooled> RedisClient::Acquire(std::chrono::milliseconds wait,
                                                         bool* fresh) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  std::unique_lock lock(mu_);
  while (true) {
    if (!UsableLocked()) return Error(Code::kUnavailable, "the Redis cache is not connected");
    if (!idle_.empty()) {
      Pooled pooled = std::move(idle_.back());
      idle_.pop_back();
      *fresh = false;
      return pooled;
    }
    if (open_ < options_.connections) {
      ++open_;
      const uint64_t generation = generation_;
      const std::string expected_run_id = run_id_;
      lock.unlock();
      std::string run_id;
      auto opened = Open(&run_id);
      lock.lock();
      if (!opened.ok()) {
        --open_;
        lock.unlock();
        errors_.fetch_add(1, std::memory_order_relaxed);
        MarkDown(generation);
        return opened.status();
      }
      if (run_id != expected_run_id) {
        // Redis restarted under us: nothing may be read until the epoch is
        // bumped (see Recover). (With INFO disabled both are "": restarts go
        // unnoticed here, but every reconnect bumps.)
        --open_;
        ++dirty_seq_;
        lock.unlock();
        reconnect_cv_.notify_all();
        idle_cv_.notify_all();
        return Error(Code::kUnavailable, "Redis restarted; the cache is being reset");
      }
      if (generation != generation_) {
        --open_;
        return Error(Code::kUnavailable, "the Redis cache is not connected");
      }
      *fresh = true;
      return Pooled{std::move(opened).value(), generation};
    }
    if (idle_cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= options_.connections) {
      return Error(Code::kUnavailable, "every Redis connection is busy");
    }
  }
}

void RedisClient::Release(Pooled pooled) {
  std::unique_lock lock(mu_);
  if (pooled.connection->broken() || pooled.generation != generation_ || !up_) {
    --open_;
    lock.unlock();
    pooled.connection.reset();
  } else {
    idle_.push_back(std::move(pooled));
    lock.unlock();
  }
  idle_cv_.notify_one();
}

void RedisClient::MarkDown(uint64_t generation) {
  std::vector<Pooled> dropped;
  {
    std::lock_guard lock(mu_);
    // A failure on a connection from before the last outage says nothing
    // about the connections made since.
    if (generation != generation_) return;
    up_ = false;
    ++generation_;
    open_ -= static_cast<int>(idle_.size());
    dropped.swap(idle_);
  }
  reconnect_cv_.notify_all();
  idle_cv_.notify_all();
}

common::Result<Reply> RedisClient::Eval(const Script& script, const std::vector<std::string>& keys,
                                        const std::vector<std::string_view>& args,
                                        std::chrono::milliseconds acquire_wait) {
  const std::string key_count = std::to_string(keys.size());
  std::vector<std::string_view> argv;
  argv.reserve(3 + keys.size() + args.size());
  argv.push_back("EVALSHA");
  argv.push_back(script.sha1);
  argv.push_back(key_count);
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());

  bool fresh = false;
  STRATA_ASSIGN_OR_RETURN(Pooled pooled, Acquire(acquire_wait, &fresh));
  common::Result<Reply> reply = pooled.connection->Command(argv);
  if (!reply.ok() && !fresh && reply.status().code() == Code::kUnavailable) {
    // The pooled connection was closed while idle (Redis's `timeout`
    // setting, a restart): retry once on a new one. Every script is safe to
    // run twice (cache_protocol.h).
    Release(std::move(pooled));
    STRATA_ASSIGN_OR_RETURN(pooled, Acquire(acquire_wait, &fresh));
    reply = pooled.connection->Command(argv);
  }
  if (reply.ok() && reply->type == Reply::Type::kError && reply->text.starts_with("NOSCRIPT")) {
    // Redis lost its script cache (restart, SCRIPT FLUSH): EVAL loads it.
    argv[0] = "EVAL";
    argv[1] = script.source;
    reply = pooled.connection->Command(argv);
  }
  const bool broken = pooled.connection->broken();
  const uint64_t generation = pooled.generation;
  Release(std::move(pooled));
  if (!reply.ok()) {
    errors_.fetch_add(1, std::memory_order_relaxed);
    if (broken) MarkDown(generation);
    return reply.status();
  }
  if (reply->type == Reply::Type::kError) {
    errors_.fetch_add(1, std::memory_order_relaxed);
    return Error(Code::kInternal, "Redis: " + reply->text);
  }
  return reply;
}

}  // namespace strata::meta::cache::internal
