// AdminClient over a fake transport: the session rules (bearer, refresh once
// on expiry or 401, rotation saved, "session expired" when refused), error
// answers as Status values, and what goes on the wire.
#include "app/admin_client.h"

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <nlohmann/json.hpp>

#include "common/random.h"

namespace strata::app {
namespace {

namespace fs = std::filesystem;
using common::Code;
using Json = nlohmann::json;

constexpr int64_t kNowS = 1'764'550'000;
constexpr char kEndpoint[] = "http://127.0.0.1:9000";

http::IncomingResponse Answer(int status, std::string body = "") {
  http::IncomingResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

std::string SessionBody(const std::string& access, const std::string& refresh) {
  return Json{{"access_token", access},
              {"token_type", "Bearer"},
              {"expires_in", 900},
              {"refresh_token", refresh},
              {"user", "alice"}}
      .dump();
}

// Answers each request with the next scripted answer and records requests.
class FakeTransport : public http::ClientTransport {
 public:
  using Script =
      std::function<common::Result<http::IncomingResponse>(const http::OutgoingRequest&)>;
  void Then(Script script) { scripts_.push_back(std::move(script)); }
  void Then(http::IncomingResponse response) {
    scripts_.push_back([response](const http::OutgoingRequest&) { return response; });
  }
  common::Result<http::IncomingResponse> RoundTrip(const http::OutgoingRequest& request) override {
    sent.push_back(request);
    if (scripts_.empty()) return Answer(599, "unexpected request " + request.target);
    Script next = std::move(scripts_.front());
    scripts_.pop_front();
    return next(request);
  }
  bool done() const { return scripts_.empty(); }

  std::vector<http::OutgoingRequest> sent;

 private:
  std::deque<Script> scripts_;
};

class AdminClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("strata-admin-client-" + common::RandomHexId(random_, 8));
    fs::create_directories(dir_);
    file_ = dir_ / "session.json";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A session whose access token is valid for `valid_for_s` more seconds.
  AdminSession Saved(int64_t valid_for_s) {
    AdminSession session{kEndpoint, "alice", "access-1", "refresh-1", kNowS + valid_for_s};
    EXPECT_TRUE(SaveSession(file_, session).ok());
    return session;
  }
  AdminClient Client(std::optional<AdminSession> session) {
    return AdminClient(kEndpoint, transport_, clock_, file_, std::move(session));
  }
  AdminSession OnDisk() {
    auto loaded = LoadSession(file_);
    EXPECT_TRUE(loaded.ok() && loaded->has_value());
    return loaded.ok() && loaded->has_value() ? **loaded : AdminSession{};
  }

  common::SecureRandom random_;
  fs::path dir_;
  fs::path file_;
  FakeTransport transport_;
  common::FixedClock clock_{kNowS * 1000};
};

TEST_F(AdminClientTest, SendsTheBearerTokenAndReturnsTheAnswer) {
  transport_.Then(Answer(200, R"({"users": [{"name": "bob"}]})"));
  AdminClient client = Client(Saved(600));
  auto answer = client.ListUsers();
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->json["users"][0]["name"], "bob");
  ASSERT_EQ(transport_.sent.size(), 1u);
  EXPECT_EQ(transport_.sent[0].method, "GET");
  EXPECT_EQ(transport_.sent[0].target, "/_strata/admin/v1/users");
  EXPECT_EQ(transport_.sent[0].headers.Get("authorization"), "Bearer access-1");
}

TEST_F(AdminClientTest, ExpiredTokenIsRefreshedFirstAndTheNewPairSaved) {
  transport_.Then(Answer(200, SessionBody("access-2", "refresh-2")));
  transport_.Then(Answer(200, R"({"name": "alice"})"));
  AdminClient client = Client(Saved(0));
  auto answer = client.Whoami();
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  ASSERT_EQ(transport_.sent.size(), 2u);
  EXPECT_EQ(transport_.sent[0].target, "/_strata/admin/v1/refresh");
  EXPECT_EQ(transport_.sent[0].headers.Get("authorization"), "");
  EXPECT_EQ(Json::parse(transport_.sent[0].body), (Json{{"refresh_token", "refresh-1"}}));
  EXPECT_EQ(transport_.sent[1].headers.Get("authorization"), "Bearer access-2");
  AdminSession saved = OnDisk();
  EXPECT_EQ(saved.access_token, "access-2");
  EXPECT_EQ(saved.refresh_token, "refresh-2");
  EXPECT_EQ(saved.access_expires_at, kNowS + 900);
  EXPECT_EQ(saved.endpoint, kEndpoint);
}

TEST_F(AdminClientTest, RefusedTokenIsRefreshedOnceThenTheCallRepeated) {
  transport_.Then(Answer(401, R"({"error": "InvalidToken", "message": "bad token"})"));
  transport_.Then(Answer(200, SessionBody("access-2", "refresh-2")));
  transport_.Then(Answer(204));
  AdminClient client = Client(Saved(600));
  auto answer = client.DeleteUser("bob");
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->status, 204);
  EXPECT_TRUE(answer->json.is_null());
  ASSERT_EQ(transport_.sent.size(), 3u);
  EXPECT_EQ(transport_.sent[2].method, "DELETE");
  EXPECT_EQ(transport_.sent[2].target, "/_strata/admin/v1/users/bob");
  EXPECT_EQ(transport_.sent[2].headers.Get("authorization"), "Bearer access-2");
  EXPECT_EQ(OnDisk().refresh_token, "refresh-2");
}

TEST_F(AdminClientTest, A401AfterTheRefreshIsTheAnswer) {
  transport_.Then(Answer(401, R"({"error": "InvalidToken", "message": "bad token"})"));
  transport_.Then(Answer(200, SessionBody("access-2", "refresh-2")));
  transport_.Then(Answer(401, R"({"error": "InvalidToken", "message": "still bad"})"));
  AdminClient client = Client(Saved(600));
  auto answer = client.ListGroups();
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), Code::kInvalidToken);
  EXPECT_EQ(answer.status().message(), "InvalidToken: still bad");
  EXPECT_TRUE(transport_.done());
}

TEST_F(AdminClientTest, RefusedRefreshMeansLogInAgain) {
  for (int refusal : {400, 401, 403}) {
    SCOPED_TRACE(refusal);
    transport_.Then(Answer(refusal, R"({"error": "InvalidToken", "message": "spent"})"));
    AdminClient client = Client(Saved(-5));
    auto answer = client.ListUsers();
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.status().code(), Code::kInvalidToken);
    EXPECT_EQ(answer.status().message(), "session expired; run strata admin login");
  }
}

TEST_F(AdminClientTest, RefreshByAnotherCommandIsAdoptedNotRepeated) {
  AdminClient client = Client(Saved(0));  // this command read the old pair
  AdminSession newer{kEndpoint, "alice", "access-9", "refresh-9", kNowS + 900};
  ASSERT_TRUE(SaveSession(file_, newer).ok());  // another command refreshed meanwhile
  transport_.Then(Answer(200, "{}"));
  ASSERT_TRUE(client.Whoami().ok());
  ASSERT_EQ(transport_.sent.size(), 1u) << "spent the old refresh token again";
  EXPECT_EQ(transport_.sent[0].headers.Get("authorization"), "Bearer access-9");
}

TEST_F(AdminClientTest, NoSessionMeansLogIn) {
  AdminClient client = Client(std::nullopt);
  auto answer = client.Storage();
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), Code::kInvalidToken);
  EXPECT_NE(answer.status().message().find("run strata admin login"), std::string::npos);
  EXPECT_TRUE(transport_.sent.empty());
}

TEST_F(AdminClientTest, ErrorAnswersBecomeStatuses) {
  struct Case {
    http::IncomingResponse answer;
    Code code;
    std::string message;  // "" = only check that it mentions the endpoint
  };
  const std::vector<Case> cases = {
      {Answer(404, R"({"error": "NoSuchEntity", "message": "no user bob"})"), Code::kNoSuchEntity,
       "NoSuchEntity: no user bob"},
      {Answer(409, R"({"error": "DeleteConflict", "message": "attached"})"), Code::kDeleteConflict,
       "DeleteConflict: attached"},
      {Answer(400, R"({"error": "MalformedPolicy", "message": "Statement[1]"})"),
       Code::kMalformedPolicy, "MalformedPolicy: Statement[1]"},
      {Answer(403, R"({"error": "AccessDenied", "message": "no"})"), Code::kAccessDenied,
       "AccessDenied: no"},
      {Answer(429, R"({"error": "TooManyRequests", "message": "retry in 60 s"})"),
       Code::kTooManyRequests, "TooManyRequests: retry in 60 s"},
      {Answer(418, R"({"error": "Teapot", "message": "short and stout"})"), Code::kInvalidArgument,
       "Teapot: short and stout"},
      {Answer(500, R"({"error": "InternalError"})"), Code::kInternal, "InternalError"},
      {Answer(404, "<Error><Code>NoSuchBucket</Code></Error>"), Code::kNoSuchEntity, ""},
      {Answer(502, ""), Code::kInternal, ""},
      {Answer(200, "not json"), Code::kInternal, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.answer.body);
    transport_.Then(c.answer);
    AdminClient client = Client(Saved(600));
    auto answer = client.GetUser("bob");
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.status().code(), c.code);
    if (c.message.empty()) {
      EXPECT_NE(answer.status().message().find(kEndpoint), std::string::npos)
          << answer.status().message();
    } else {
      EXPECT_EQ(answer.status().message(), c.message);
    }
  }
}

TEST_F(AdminClientTest, UnreachableServerIsNamed) {
  transport_.Then([](const http::OutgoingRequest&) -> common::Result<http::IncomingResponse> {
    return common::Error(Code::kUnavailable, "connect 127.0.0.1:9000: Connection refused");
  });
  AdminClient client = Client(Saved(600));
  auto answer = client.ListUsers();
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), Code::kUnavailable);
  EXPECT_NE(answer.status().message().find("cannot reach http://127.0.0.1:9000"), std::string::npos)
      << answer.status().message();
  EXPECT_NE(answer.status().message().find("Connection refused"), std::string::npos);
}

TEST_F(AdminClientTest, LoginSavesTheSessionAndKeepsThePasswordOutOfMessages) {
  transport_.Then(Answer(403, R"({"error": "AccessDenied", "message": "wrong user or password"})"));
  transport_.Then(Answer(200, SessionBody("access-1", "refresh-1")));
  AdminClient client = Client(std::nullopt);
  auto refused = client.Login("alice", "hunter2-secret");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(), "AccessDenied: wrong user or password");
  EXPECT_FALSE(fs::exists(file_));

  auto session = client.Login("alice", "hunter2-secret");
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  EXPECT_EQ(Json::parse(transport_.sent[1].body),
            (Json{{"user", "alice"}, {"password", "hunter2-secret"}}));
  EXPECT_EQ(transport_.sent[1].target, "/_strata/admin/v1/login");
  EXPECT_EQ(transport_.sent[1].headers.Get("content-type"), "application/json");
  EXPECT_EQ(session->access_expires_at, kNowS + 900);
  EXPECT_EQ(OnDisk().access_token, "access-1");
}

TEST_F(AdminClientTest, MalformedSessionAnswerIsAnError) {
  transport_.Then(Answer(200, R"({"access_token": "a", "expires_in": 900})"));
  AdminClient client = Client(std::nullopt);
  auto session = client.Login("alice", "password1");
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.status().code(), Code::kInternal);
  EXPECT_FALSE(fs::exists(file_));
}

TEST_F(AdminClientTest, LogoutRemovesTheFileEvenWhenTheServerIsAway) {
  transport_.Then(Answer(204));
  AdminClient client = Client(Saved(600));
  ASSERT_TRUE(client.Logout().ok());
  EXPECT_EQ(Json::parse(transport_.sent[0].body), (Json{{"refresh_token", "refresh-1"}}));
  EXPECT_FALSE(fs::exists(file_));

  transport_.Then([](const http::OutgoingRequest&) -> common::Result<http::IncomingResponse> {
    return common::Error(Code::kUnavailable, "connect: refused");
  });
  AdminClient away = Client(Saved(600));
  common::Status status = away.Logout();
  EXPECT_EQ(status.code(), Code::kUnavailable);
  EXPECT_NE(status.message().find("session file removed"), std::string::npos);
  EXPECT_FALSE(fs::exists(file_));

  // Already revoked on the server: nothing left to do, no error.
  transport_.Then(Answer(401, R"({"error": "InvalidToken", "message": "unknown"})"));
  AdminClient revoked = Client(Saved(600));
  EXPECT_TRUE(revoked.Logout().ok());
}

TEST_F(AdminClientTest, RequestsOnTheWire) {
  struct Case {
    std::function<common::Result<AdminAnswer>(AdminClient&)> call;
    std::string method;
    std::string target;
    std::string body;  // "" = no body
  };
  const std::vector<Case> cases = {
      {[](AdminClient& c) { return c.CreateUser("bob", "", {}); }, "POST", "users",
       R"({"name":"bob"})"},
      {[](AdminClient& c) {
         return c.CreateUser("bob", "password1", {"readonly", "x"});
       },
       "POST", "users", R"({"name":"bob","password":"password1","policies":["readonly","x"]})"},
      {[](AdminClient& c) { return c.GetUser("a+b=c,d.e@f_g-h"); }, "GET",
       "users/a%2Bb%3Dc%2Cd.e%40f_g-h", ""},
      {[](AdminClient& c) { return c.SetUserDisabled("bob", true); }, "POST", "users/bob/disable",
       ""},
      {[](AdminClient& c) { return c.SetUserDisabled("bob", false); }, "POST", "users/bob/enable",
       ""},
      {[](AdminClient& c) { return c.SetUserPassword("bob", "password2"); }, "PUT",
       "users/bob/password", R"({"password":"password2"})"},
      {[](AdminClient& c) { return c.ListKeys(""); }, "GET", "keys", ""},
      {[](AdminClient& c) { return c.ListKeys("bob"); }, "GET", "users/bob/keys", ""},
      {[](AdminClient& c) { return c.CreateKey("bob", ""); }, "POST", "users/bob/keys", "{}"},
      {[](AdminClient& c) { return c.CreateKey("bob", "ci"); }, "POST", "users/bob/keys",
       R"({"description":"ci"})"},
      {[](AdminClient& c) { return c.DeleteKey("AK1"); }, "DELETE", "keys/AK1", ""},
      {[](AdminClient& c) { return c.SetKeyDisabled("AK1", true); }, "POST", "keys/AK1/disable",
       ""},
      {[](AdminClient& c) { return c.PutPolicy("p", "{\"Version\": 1}"); }, "PUT", "policies/p",
       "{\"Version\": 1}"},
      {[](AdminClient& c) {
         return c.AttachPolicy("p", {"bob", ""});
       },
       "POST", "policies/p/attach", R"({"user":"bob"})"},
      {[](AdminClient& c) {
         return c.DetachPolicy("p", {"", "devs"});
       },
       "POST", "policies/p/detach", R"({"group":"devs"})"},
      {[](AdminClient& c) { return c.CreateGroup("devs"); }, "POST", "groups",
       R"({"name":"devs"})"},
      {[](AdminClient& c) { return c.AddGroupMember("devs", "bob"); }, "PUT",
       "groups/devs/members/bob", ""},
      {[](AdminClient& c) { return c.RemoveGroupMember("devs", "bob"); }, "DELETE",
       "groups/devs/members/bob", ""},
      {[](AdminClient& c) { return c.Heal(false); }, "GET", "heal", ""},
      {[](AdminClient& c) { return c.Heal(true); }, "POST", "heal", ""},
      {[](AdminClient& c) { return c.Gc(); }, "POST", "gc", ""},
      {[](AdminClient& c) { return c.Audit({}); }, "GET", "audit", ""},
      {[](AdminClient& c) {
         return c.Audit({.since_ms = 1764550000000,
                         .until_ms = 1764553600000,
                         .user = "al+ice@x",
                         .bucket = "photos",
                         .action = "s3:*",
                         .failures = true,
                         .limit = 50});
       },
       "GET",
       "audit?since=1764550000000&until=1764553600000&user=al%2Bice%40x&bucket=photos"
       "&action=s3%3A%2A&failures=true&limit=50",
       ""},
      {[](AdminClient& c) { return c.Audit({.action = "admin:Login", .failures = false}); }, "GET",
       "audit?action=admin%3ALogin", ""},
  };
  AdminClient client = Client(Saved(600));
  for (const Case& c : cases) {
    SCOPED_TRACE(c.target);
    transport_.sent.clear();
    transport_.Then(Answer(200, "{}"));
    ASSERT_TRUE(c.call(client).ok());
    ASSERT_EQ(transport_.sent.size(), 1u);
    EXPECT_EQ(transport_.sent[0].method, c.method);
    EXPECT_EQ(transport_.sent[0].target, "/_strata/admin/v1/" + c.target);
    EXPECT_EQ(transport_.sent[0].body, c.body);
  }
}

TEST_F(AdminClientTest, BadRequestsFailBeforeSending) {
  AdminClient client = Client(Saved(600));
  EXPECT_EQ(client.AttachPolicy("p", {"bob", "devs"}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(client.AttachPolicy("p", {"", ""}).status().code(), Code::kInvalidArgument);
  auto bad = client.SetUserPassword("bob", "caf\xe9-latin1");
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(bad.status().message().find("caf"), std::string::npos);
  EXPECT_TRUE(transport_.sent.empty());
}

}  // namespace
}  // namespace strata::app
