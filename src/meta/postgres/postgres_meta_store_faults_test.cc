// The PostgreSQL store under conflicts and outages: serialization failures
// retried, lost connections replaced, a server that stops and comes back, a
// COMMIT whose answer never arrives.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "meta/internal/contract_util.h"
#include "meta/postgres/internal/test_util.h"
#include "meta/postgres/postgres_meta_store.h"
#include "meta/postgres/testing/postgres_server.h"

namespace strata::meta::postgres {
namespace {

using common::Code;
using contract::kNowMs;
using contract::MakeBucket;
using contract::MakeObject;
using PostgresFaultTest = internal::PostgresStoreTest;

WriteCondition IfNoneMatchAny() { return {.kind = WriteCondition::Kind::kIfNoneMatchAny}; }

// A raw libpq session on the test's schema, to hold transactions and locks
// the store must work around.
class RawSession {
 public:
  explicit RawSession(const std::string& uri) : conn_(PQconnectdb(uri.c_str())) {
    EXPECT_EQ(PQstatus(conn_), CONNECTION_OK) << PQerrorMessage(conn_);
  }
  ~RawSession() { PQfinish(conn_); }
  // Runs `sql`; returns the first value of its last result ("" for none).
  std::string Run(const std::string& sql) {
    PGresult* result = PQexec(conn_, sql.c_str());
    const ExecStatusType status = PQresultStatus(result);
    EXPECT_TRUE(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
        << sql << ": " << PQresultErrorMessage(result);
    std::string value;
    if (status == PGRES_TUPLES_OK && PQntuples(result) > 0) value = PQgetvalue(result, 0, 0);
    PQclear(result);
    return value;
  }

 private:
  PGconn* conn_;
};

// Waits (up to 10 s) until `sql` returns "t".
bool WaitFor(RawSession& session, const std::string& sql) {
  for (int i = 0; i < 1000; ++i) {
    if (session.Run(sql) == "t") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// Several nodes (stores with their own pools) race conditional creates of
// one key: serializable transactions and retries leave exactly one winner,
// and every loser sees PreconditionFailed, never an error.
TEST_F(PostgresFaultTest, ConditionalPutsAcrossNodesHaveOneWinner) {
  constexpr int kNodes = 3;
  constexpr int kThreadsPerNode = 4;
  std::vector<std::unique_ptr<PostgresMetaStore>> nodes;
  for (int i = 0; i < kNodes; ++i) {
    nodes.push_back(OpenOrDie({.connections = kThreadsPerNode}));
    ASSERT_NE(nodes.back(), nullptr);
  }
  STRATA_ASSERT_OK(nodes[0]->CreateBucket(MakeBucket("b")));
  for (int round = 0; round < 3; ++round) {
    const std::string key = "race-" + std::to_string(round);
    std::atomic<int> winners = 0;
    std::atomic<int> winner = -1;
    std::atomic<int> other_errors = 0;
    std::atomic<bool> go = false;
    std::vector<std::thread> threads;
    for (int i = 0; i < kNodes * kThreadsPerNode; ++i) {
      threads.emplace_back([&, i] {
        while (!go) std::this_thread::yield();
        auto put = nodes[i % kNodes]->PutObject(MakeObject("b", key, "etag-" + std::to_string(i)),
                                                IfNoneMatchAny(), {}, kNowMs);
        if (put.ok()) {
          ++winners;
          winner = i;
        } else if (put.status().code() != Code::kPreconditionFailed) {
          ADD_FAILURE() << put.status().ToString();
          ++other_errors;
        }
      });
    }
    go = true;
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(winners, 1);
    EXPECT_EQ(other_errors, 0);
    STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord stored, nodes[1]->GetObject("b", key));
    EXPECT_EQ(stored.etag, "etag-" + std::to_string(winner.load()));
  }
}

// A forced serialization failure: another session inserts the key and holds
// its transaction open while the store's conditional PUT, having seen no
// object, waits on the key; the other session commits, the store's
// transaction fails serialization and is retried, and the retry sees the
// object.
TEST_F(PostgresFaultTest, SerializationFailureIsRetried) {
  auto store = OpenOrDie({.connections = 1});
  ASSERT_NE(store, nullptr);
  STRATA_ASSERT_OK(store->CreateBucket(MakeBucket("b")));
  RawSession other(uri_);
  RawSession observer(uri_);
  other.Run("BEGIN ISOLATION LEVEL SERIALIZABLE");
  other.Run(
      "INSERT INTO objects (bucket, key, size, etag, content_type, user_metadata,"
      " system_metadata, last_modified_ms, storage_class) VALUES ('b', 'k', 0, 'theirs', '',"
      " '[]', '[]', 0, 'STANDARD')");
  common::Result<MetaStore::PutResult> put = common::Error(Code::kInternal, "not run");
  std::thread writer(
      [&] { put = store->PutObject(MakeObject("b", "k", "mine"), IfNoneMatchAny(), {}, kNowMs); });
  // The store's transaction waits for the other one's row lock.
  EXPECT_TRUE(WaitFor(observer,
                      "SELECT count(*) > 0 FROM pg_stat_activity WHERE application_name = 'strata'"
                      " AND wait_event_type = 'Lock'"));
  other.Run("COMMIT");
  writer.join();
  STRATA_EXPECT_CODE(put, Code::kPreconditionFailed);
  EXPECT_GE(store->retry_counts().conflict_retries, 1u);
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord stored, store->GetObject("b", "k"));
  EXPECT_EQ(stored.etag, "theirs");
}

// The server ends the store's sessions (as a restart or failover would): the
// next calls reconnect and succeed, reads and writes alike, because nothing
// had been sent that could have committed.
TEST_F(PostgresFaultTest, EndedSessionsAreReplaced) {
  auto store = OpenOrDie({.connections = 2});
  ASSERT_NE(store, nullptr);
  STRATA_ASSERT_OK(store->CreateBucket(MakeBucket("b")));
  STRATA_ASSERT_OK(store->PutObject(MakeObject("b", "k"), {}, {}, kNowMs));
  RawSession admin(uri_);
  admin.Run(
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
      " WHERE application_name = 'strata'");
  EXPECT_TRUE(WaitFor(
      admin, "SELECT count(*) = 0 FROM pg_stat_activity WHERE application_name = 'strata'"));
  STRATA_EXPECT_OK(store->GetObject("b", "k"));
  STRATA_EXPECT_OK(store->PutObject(MakeObject("b", "k2"), {}, {}, kNowMs));
  STRATA_EXPECT_OK(store->ListObjects("b", {}));
  EXPECT_GE(store->retry_counts().reconnects, 1u);
}

// The session dies after the transaction's work and before COMMIT reaches
// the server. The store cannot tell that from a COMMIT lost after it was
// applied, so it reports kUnavailable and does not run the write again.
TEST_F(PostgresFaultTest, ConnectionLostAtCommitIsUnavailableAndNotRetried) {
  std::atomic<int> commits = 0;
  std::atomic<bool> armed = false;
  RawSession admin(uri_);
  PostgresOptions options{.connections = 1};
  options.before_commit_for_testing = [&] {
    ++commits;
    if (!armed.exchange(false)) return;
    admin.Run(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE application_name = 'strata' AND state = 'idle in transaction'");
    WaitFor(admin, "SELECT count(*) = 0 FROM pg_stat_activity WHERE application_name = 'strata'");
  };
  auto store = OpenOrDie(options);
  ASSERT_NE(store, nullptr);
  STRATA_ASSERT_OK(store->CreateBucket(MakeBucket("b")));
  commits = 0;
  armed = true;
  auto put = store->PutObject(MakeObject("b", "k"), {}, {}, kNowMs);
  STRATA_EXPECT_CODE(put, Code::kUnavailable);
  EXPECT_NE(put.status().message().find("may or may not"), std::string::npos)
      << put.status().ToString();
  EXPECT_EQ(commits, 1) << "the write must not be run again";
  // Here the server never saw COMMIT, so nothing was applied; the store
  // itself works on.
  STRATA_EXPECT_CODE(store->GetObject("b", "k"), Code::kNoSuchKey);
  STRATA_EXPECT_OK(store->PutObject(MakeObject("b", "k"), {}, {}, kNowMs));
}

// The whole server stops mid-use: every call fails with kUnavailable (a 503
// for clients), quickly and without crashing; once it is back the same store
// works again without being reopened.
TEST(PostgresOutageTest, ServerDownIsUnavailableThenRecovers) {
  STRATA_ASSERT_OK_AND_ASSIGN(std::unique_ptr<testing::PostgresServer> server,
                              testing::PostgresServer::Start());
  STRATA_ASSERT_OK_AND_ASSIGN(std::string database, server->CreateDatabase());
  STRATA_ASSERT_OK_AND_ASSIGN(std::unique_ptr<PostgresMetaStore> store,
                              PostgresMetaStore::Open(server->Uri(database), {.connections = 2}));
  STRATA_ASSERT_OK(store->CreateBucket(MakeBucket("b")));
  STRATA_ASSERT_OK(store->PutObject(MakeObject("b", "k"), {}, {}, kNowMs));

  STRATA_ASSERT_OK(server->Stop());
  const auto down_at = std::chrono::steady_clock::now();
  STRATA_EXPECT_CODE(store->GetObject("b", "k"), Code::kUnavailable);
  STRATA_EXPECT_CODE(store->PutObject(MakeObject("b", "k2"), {}, {}, kNowMs), Code::kUnavailable);
  STRATA_EXPECT_CODE(store->ListObjects("b", {}), Code::kUnavailable);
  STRATA_EXPECT_CODE(store->FindChunk(contract::Chunk(1).hash, kNowMs), Code::kUnavailable);
  STRATA_EXPECT_CODE(PostgresMetaStore::Open(server->Uri(database)), Code::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - down_at, std::chrono::seconds(20));

  STRATA_ASSERT_OK(server->Restart());
  STRATA_ASSERT_OK_AND_ASSIGN(ObjectRecord object, store->GetObject("b", "k"));
  EXPECT_TRUE(contract::SameRecord(MakeObject("b", "k"), object));
  STRATA_EXPECT_OK(store->PutObject(MakeObject("b", "k2"), {}, {}, kNowMs));
  STRATA_ASSERT_OK_AND_ASSIGN(ListPage page, store->ListObjects("b", {}));
  EXPECT_EQ(page.objects.size(), 2u);
}

}  // namespace
}  // namespace strata::meta::postgres
