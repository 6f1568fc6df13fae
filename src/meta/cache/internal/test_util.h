// Helpers for CachedMetaStore's own tests: a fixture whose "nodes" are each a
// SQLite store on one shared database file with a cache over it, all on one
// Redis (the binary's shared server unless a test brings its own) under a key
// prefix of the test's own. Test-only.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/status.h"
#include "meta/cache/cached_meta_store.h"
#include "meta/cache/testing/redis_server.h"
#include "meta/internal/contract_util.h"
#include "meta/sqlite/sqlite_meta_store.h"

namespace strata::meta::cache::internal {

// Polls `condition` every 5 ms until it holds or `timeout` passes.
inline bool WaitUntil(const std::function<bool()>& condition,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// A key prefix no other test in this process (or another process on the same
// server) uses.
inline std::string UniquePrefix() {
  static int next = 0;
  return "t" + std::to_string(getpid()) + "-" + std::to_string(++next) + ":";
}

struct Node {
  std::unique_ptr<sqlite::SqliteMetaStore> store;  // the node's own connection to the file
  std::unique_ptr<CachedMetaStore> cache;
};

class CacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::error_code ec;
    std::string pattern =
        (std::filesystem::temp_directory_path(ec) / "strata-cache-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    prefix_ = UniquePrefix();
  }
  void TearDown() override {
    nodes_.clear();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Generous timeouts: sanitizer builds on a shared machine must not fall
  // back to the store by accident in tests that count hits.
  CacheOptions Options() const {
    CacheOptions options;
    options.timeout_ms = 1000;
    options.key_prefix = prefix_;
    return options;
  }

  // The shared server's URL ("" with a test failure when it cannot start).
  std::string SharedUrl() {
    testing::RedisServer* server = testing::SharedRedisServer();
    return server == nullptr ? "" : server->Url();
  }

  // A new node on this test's database. Null (with a failure) on error.
  Node* AddNode(const std::string& url, const CacheOptions& options) {
    // Nodes share the file here, as nodes share a database: each sees the
    // others' bucket writes at once only without the store's own cache.
    auto store =
        sqlite::SqliteMetaStore::Open((dir_ / "meta.db").string(), {.bucket_cache_ttl_ms = 0});
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return nullptr;
    auto node = std::make_unique<Node>();
    node->store = std::move(store).value();
    auto cache = OpenCachedMetaStore(*node->store, *node->store, url, options);
    EXPECT_TRUE(cache.ok()) << cache.status().ToString();
    if (!cache.ok()) return nullptr;
    node->cache = std::move(cache).value();
    nodes_.push_back(std::move(node));
    return nodes_.back().get();
  }
  Node* AddNode() { return AddNode(SharedUrl(), Options()); }

  std::filesystem::path dir_;
  std::string prefix_;
  std::vector<std::unique_ptr<Node>> nodes_;
};

// --- Answers rendered as text, so a test compares one string (errors as
// "error <CodeName>") ---

inline std::string Pairs(const MetadataPairs& pairs) {
  std::string all;
  for (const auto& [name, value] : pairs) all += name + "=" + value + ";";
  return all;
}

template <class T, class Render>
inline std::string Answer(const common::Result<T>& result, Render render) {
  if (!result.ok()) return "error " + std::string(common::CodeName(result.status().code()));
  return render(*result);
}
inline std::string Answer(const common::Result<ObjectRecord>& r) {
  return Answer(r, [](const ObjectRecord& o) {
    return o.bucket + "/" + o.key + " etag=" + o.etag + " size=" + std::to_string(o.size) +
           " body=" + o.inline_data + " parts=" + std::to_string(o.part_sizes.size()) +
           " tags=" + Pairs(o.tags);
  });
}
inline std::string Answer(const common::Result<Bucket>& r) {
  return Answer(r, [](const Bucket& b) {
    return b.name + " owner=" + b.owner + " policy=" + b.policy + " cors=" + b.cors +
           " tagging=" + Pairs(b.tagging);
  });
}
inline std::string Answer(const common::Result<User>& r) {
  return Answer(r, [](const User& u) {
    return u.id + " " + u.name + " disabled=" + std::to_string(u.disabled) + " " + u.password_hash;
  });
}
inline std::string Answer(const common::Result<AccessKey>& r) {
  return Answer(r, [](const AccessKey& k) {
    return k.access_key + " user=" + k.user_id + " disabled=" + std::to_string(k.disabled);
  });
}
inline std::string Answer(const common::Result<StoredPolicy>& r) {
  return Answer(r, [](const StoredPolicy& p) { return p.name + " " + p.document; });
}
inline std::string Answer(const common::Result<std::vector<std::string>>& r) {
  return Answer(r, [](const std::vector<std::string>& names) {
    std::string all = "[";
    for (const std::string& name : names) all += name + ";";
    return all + "]";
  });
}

inline User MakeUser(std::string_view id) {
  return User{.id = std::string(id),
              .name = "name-" + std::string(id),
              .password_hash = "$argon2id$" + std::string(id),
              .created_ms = contract::kNowMs};
}
inline AccessKey MakeKey(std::string_view access_key, std::string_view user_id) {
  return AccessKey{.access_key = std::string(access_key),
                   .user_id = std::string(user_id),
                   .sealed_secret = "sealed",
                   .created_ms = contract::kNowMs};
}
inline PolicyAttachment ToUser(std::string_view policy, std::string_view user_id) {
  return {.policy = std::string(policy),
          .kind = PrincipalKind::kUser,
          .principal = std::string(user_id)};
}
inline PolicyAttachment ToGroup(std::string_view policy, std::string_view group) {
  return {.policy = std::string(policy),
          .kind = PrincipalKind::kGroup,
          .principal = std::string(group)};
}

// The identity side of a store (every MetaStore here is one).
inline IdentityStore& Ids(MetaStore& store) { return dynamic_cast<IdentityStore&>(store); }

}  // namespace strata::meta::cache::internal
