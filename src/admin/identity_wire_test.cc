#include "admin/identity_wire.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace strata::admin {
namespace {

using common::Code;
using nlohmann::json;

TEST(ParseBodyTest, Login) {
  auto login = ParseLoginBody(R"({"user": "alice", "password": "p@ss word"})");
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  EXPECT_EQ(login->user, "alice");
  EXPECT_EQ(login->password, "p@ss word");
}

TEST(ParseBodyTest, CreateUser) {
  auto user = ParseCreateUserBody(R"({"name": "a@b", "password": "12345678",
                                      "policies": ["readonly", "p2"]})");
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  EXPECT_EQ(user->name, "a@b");
  EXPECT_EQ(user->password, "12345678");
  EXPECT_EQ(user->policies, (std::vector<std::string>{"readonly", "p2"}));

  user = ParseCreateUserBody(R"({"name": "keys-only"})");
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  EXPECT_EQ(user->password, "");
  EXPECT_TRUE(user->policies.empty());

  user = ParseCreateUserBody(R"({"name": "x", "policies": []})");
  ASSERT_TRUE(user.ok()) << user.status().ToString();
}

TEST(ParseBodyTest, OthersGood) {
  auto token = ParseRefreshTokenBody(R"({"refresh_token":"abc"})");
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(*token, "abc");

  auto password = ParsePasswordBody(R"({"password":"new password"})");
  ASSERT_TRUE(password.ok());
  EXPECT_EQ(*password, "new password");

  auto description = ParseCreateKeyBody(R"({"description":"backup job"})");
  ASSERT_TRUE(description.ok());
  EXPECT_EQ(*description, "backup job");
  description = ParseCreateKeyBody("");
  ASSERT_TRUE(description.ok());
  EXPECT_EQ(*description, "");
  description = ParseCreateKeyBody("{}");
  ASSERT_TRUE(description.ok());
  EXPECT_EQ(*description, "");

  auto group = ParseCreateGroupBody(R"({"name":"devs"})");
  ASSERT_TRUE(group.ok());
  EXPECT_EQ(*group, "devs");

  auto target = ParseAttachBody(R"({"user":"alice"})");
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(target->user, "alice");
  EXPECT_EQ(target->group, "");
  target = ParseAttachBody(R"({"group":"devs"})");
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(target->group, "devs");

  EXPECT_TRUE(ExpectNoBody("").ok());
}

struct BadBody {
  std::string what;
  std::function<common::Status(std::string_view)> parse;
  std::string body;
  Code code;
  std::string message_part;  // the message must contain it
};

template <typename T>
std::function<common::Status(std::string_view)> StatusOf(
    common::Result<T> (*parse)(std::string_view)) {
  return [parse](std::string_view body) {
    auto result = parse(body);
    return result.ok() ? common::Status::Ok() : result.status();
  };
}

TEST(ParseBodyTest, Rejected) {
  const auto login = StatusOf(ParseLoginBody);
  const auto create_user = StatusOf(ParseCreateUserBody);
  const auto refresh = StatusOf(ParseRefreshTokenBody);
  const auto password = StatusOf(ParsePasswordBody);
  const auto key = StatusOf(ParseCreateKeyBody);
  const auto group = StatusOf(ParseCreateGroupBody);
  const auto attach = StatusOf(ParseAttachBody);
  const std::function<common::Status(std::string_view)> no_body = ExpectNoBody;
  const BadBody kCases[] = {
      // Not JSON, or not an object: MalformedJSON.
      {"empty", login, "", Code::kMalformedXml, "not valid JSON"},
      {"garbage", login, "user=alice", Code::kMalformedXml, "not valid JSON"},
      {"truncated", login, R"({"user": "alice")", Code::kMalformedXml, "not valid JSON"},
      {"trailing", login, R"({"user":"a","password":"b"} x)", Code::kMalformedXml, "JSON"},
      {"array", login, R"([{"user":"a","password":"b"}])", Code::kMalformedXml, "JSON object"},
      {"string", group, R"("devs")", Code::kMalformedXml, "JSON object"},
      {"null", group, "null", Code::kMalformedXml, "JSON object"},
      {"bad utf-8", group, "{\"name\":\"\xff\"}", Code::kMalformedXml, "not valid JSON"},
      {"key garbage", key, "description", Code::kMalformedXml, "not valid JSON"},
      // Unknown fields.
      {"unknown login", login, R"({"user":"a","password":"b","otp":"1"})", Code::kInvalidArgument,
       "unknown field \"otp\""},
      {"unknown user", create_user, R"({"name":"a","groups":["g"]})", Code::kInvalidArgument,
       "unknown field \"groups\""},
      {"case matters", create_user, R"({"Name":"a"})", Code::kInvalidArgument,
       "unknown field \"Name\""},
      {"unknown key", key, R"({"description":"d","secret_key":"s"})", Code::kInvalidArgument,
       "unknown field \"secret_key\""},
      {"long unknown", group, "{\"name\":\"g\",\"" + std::string(1000, 'k') + "\":1}",
       Code::kInvalidArgument, "kkk...\""},
      // Missing required fields.
      {"no password", login, R"({"user":"a"})", Code::kInvalidArgument, "\"password\" is required"},
      {"no name", create_user, R"({"password":"12345678"})", Code::kInvalidArgument,
       "\"name\" is required"},
      {"no token", refresh, "{}", Code::kInvalidArgument, "\"refresh_token\" is required"},
      {"no new password", password, "{}", Code::kInvalidArgument, "\"password\" is required"},
      {"no group name", group, "{}", Code::kInvalidArgument, "\"name\" is required"},
      // Wrong types.
      {"number user", login, R"({"user":1,"password":"b"})", Code::kInvalidArgument,
       "\"user\" must be a string"},
      {"null password", login, R"({"user":"a","password":null})", Code::kInvalidArgument,
       "\"password\" must be a string"},
      {"policies string", create_user, R"({"name":"a","policies":"readonly"})",
       Code::kInvalidArgument, "\"policies\" must be an array of strings"},
      {"policies numbers", create_user, R"({"name":"a","policies":["a",1]})",
       Code::kInvalidArgument, "\"policies\" must be an array of strings"},
      {"object token", refresh, R"({"refresh_token":{"t":"x"}})", Code::kInvalidArgument,
       "must be a string"},
      // Attach: exactly one target.
      {"attach neither", attach, "{}", Code::kInvalidArgument, "exactly one"},
      {"attach both", attach, R"({"user":"a","group":"g"})", Code::kInvalidArgument, "exactly one"},
      {"attach empty", attach, R"({"user":""})", Code::kInvalidArgument, "exactly one"},
      {"attach other", attach, R"({"role":"r"})", Code::kInvalidArgument, "unknown field"},
      // Size.
      {"too large", group, R"({"name":")" + std::string(kMaxBodyBytes, 'g') + R"("})",
       Code::kInvalidArgument, "64 KiB"},
      // Endpoints without a body.
      {"body where none", no_body, "{}", Code::kInvalidArgument, "takes no body"},
  };
  for (const BadBody& c : kCases) {
    common::Status status = c.parse(c.body);
    ASSERT_FALSE(status.ok()) << c.what << " was accepted";
    EXPECT_EQ(status.code(), c.code) << c.what << ": " << status.ToString();
    EXPECT_NE(status.message().find(c.message_part), std::string::npos)
        << c.what << ": " << status.message();
  }
}

TEST(WireJsonTest, Session) {
  identity::Session session{.access_token = "eyJ.x.y",
                            .refresh_token = "r123",
                            .expires_in_s = 900,
                            .user_name = "alice"};
  EXPECT_EQ(SessionJson(session), (json{{"access_token", "eyJ.x.y"},
                                        {"token_type", "Bearer"},
                                        {"expires_in", 900},
                                        {"refresh_token", "r123"},
                                        {"user", "alice"}}));
}

TEST(WireJsonTest, UserAndWhoami) {
  identity::UserInfo user{.id = "u1",
                          .name = "alice",
                          .disabled = true,
                          .root = false,
                          .has_password = true,
                          .created_ms = 1764550000000,
                          .policies = {"readonly"},
                          .groups = {"devs", "ops"}};
  const json expected = {{"id", "u1"},
                         {"name", "alice"},
                         {"disabled", true},
                         {"has_password", true},
                         {"created_ms", 1764550000000},
                         {"policies", {"readonly"}},
                         {"groups", {"devs", "ops"}}};
  EXPECT_EQ(UserJson(user), expected);
  json whoami = expected;
  whoami["root"] = false;
  whoami["access_key"] = "AKIA1";
  EXPECT_EQ(WhoamiJson(user, "AKIA1"), whoami);

  identity::UserInfo empty{.name = "bob"};
  EXPECT_TRUE(UserJson(empty)["policies"].is_array());
  EXPECT_TRUE(UserJson(empty)["groups"].is_array());
}

TEST(WireJsonTest, Keys) {
  identity::KeyInfo info{.access_key = "AKIA1",
                         .user_name = "alice",
                         .disabled = false,
                         .created_ms = 5,
                         .description = "ci"};
  const json key = KeyJson(info);
  EXPECT_EQ(key, (json{{"access_key", "AKIA1"},
                       {"user", "alice"},
                       {"disabled", false},
                       {"created_ms", 5},
                       {"description", "ci"}}));
  EXPECT_FALSE(key.contains("secret_key"));
  EXPECT_EQ(NewKeyJson({.info = info, .secret_key = "s3cr3t"}), (json{{"access_key", "AKIA1"},
                                                                      {"secret_key", "s3cr3t"},
                                                                      {"user", "alice"},
                                                                      {"created_ms", 5},
                                                                      {"description", "ci"}}));
}

TEST(WireJsonTest, GroupAndPolicy) {
  EXPECT_EQ(
      GroupJson({.name = "devs", .created_ms = 7, .members = {"a"}, .policies = {}}),
      (json{{"name", "devs"}, {"created_ms", 7}, {"members", {"a"}}, {"policies", json::array()}}));
  identity::PolicyInfo policy{.name = "p",
                              .document = R"({"Version":"2012-10-17"})",
                              .builtin = false,
                              .created_ms = 1,
                              .updated_ms = 2,
                              .users = {"alice"},
                              .groups = {"devs"}};
  const json listed = {{"name", "p"},
                       {"builtin", false},
                       {"document", R"({"Version":"2012-10-17"})"},
                       {"created_ms", 1},
                       {"updated_ms", 2}};
  EXPECT_EQ(PolicyJson(policy, false), listed);
  json detailed = listed;
  detailed["users"] = {"alice"};
  detailed["groups"] = {"devs"};
  EXPECT_EQ(PolicyJson(policy, true), detailed);
}

}  // namespace
}  // namespace strata::admin
