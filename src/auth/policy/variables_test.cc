#include "auth/policy/variables.h"

#include <gtest/gtest.h>

#include "common/status.h"

namespace strata::auth::policy {
namespace {

Context UserContext() {
  Context context;
  context.Set("aws:username", "alice");
  context.Set("aws:userid", "AIDA123");
  context.Set("aws:SourceIp", "192.0.2.1");
  context.SetValues("multi", {"a", "b"});
  return context;
}

// Resolves `text` (2012-10-17 rules) and returns the text, or "<none>".
std::string Resolve(std::string_view text, const Context& context = UserContext()) {
  auto parsed = ParseTemplate(text, /*substitute=*/true);
  if (!parsed.ok()) return "<error: " + parsed.status().message() + ">";
  auto pattern = ResolveTemplate(*parsed, context);
  return pattern ? pattern->text() : "<none>";
}

TEST(VariablesTest, Substitutes) {
  EXPECT_EQ(Resolve("arn:aws:s3:::home/${aws:username}/*"), "arn:aws:s3:::home/alice/*");
  EXPECT_EQ(Resolve("${aws:username}"), "alice");
  EXPECT_EQ(Resolve("${AWS:UserName}"), "alice");  // keys are case-insensitive
  EXPECT_EQ(Resolve("${ aws:username }"), "alice");
  EXPECT_EQ(Resolve("${aws:userid}-${aws:username}"), "AIDA123-alice");
  EXPECT_EQ(Resolve("${aws:SourceIp}"), "192.0.2.1");
  EXPECT_EQ(Resolve("no variables"), "no variables");
  EXPECT_EQ(Resolve("cost: $5"), "cost: $5");
  EXPECT_EQ(Resolve("$"), "$");
}

TEST(VariablesTest, Escapes) {
  EXPECT_EQ(Resolve("a${*}b"), "a*b");
  EXPECT_EQ(Resolve("${?}"), "?");
  EXPECT_EQ(Resolve("${$}{aws:username}"), "${aws:username}");
  // Escapes are literal, not wildcards.
  auto parsed = ParseTemplate("file${*}", true);
  ASSERT_TRUE(parsed.ok());
  auto pattern = ResolveTemplate(*parsed, Context());
  ASSERT_TRUE(pattern.has_value());
  EXPECT_TRUE(WildcardMatch(*pattern, "file*"));
  EXPECT_FALSE(WildcardMatch(*pattern, "file1"));
}

TEST(VariablesTest, SubstitutedValuesAreLiteral) {
  Context context;
  context.Set("aws:username", "*");
  auto parsed = ParseTemplate("home/${aws:username}/*", true);
  ASSERT_TRUE(parsed.ok());
  auto pattern = ResolveTemplate(*parsed, context);
  ASSERT_TRUE(pattern.has_value());
  EXPECT_TRUE(WildcardMatch(*pattern, "home/*/x"));
  EXPECT_FALSE(WildcardMatch(*pattern, "home/bob/x"));
}

TEST(VariablesTest, MissingOrMultiValuedHasNoValue) {
  EXPECT_EQ(Resolve("${aws:nothere}"), "<none>");
  EXPECT_EQ(Resolve("x/${multi}"), "<none>");
  EXPECT_EQ(Resolve("${aws:username}", Context()), "<none>");
}

TEST(VariablesTest, Defaults) {
  EXPECT_EQ(Resolve("${aws:nothere, 'guest'}"), "guest");
  EXPECT_EQ(Resolve("${aws:username, 'guest'}"), "alice");
  EXPECT_EQ(Resolve("${aws:nothere,'it''s'}"), "it's");
  EXPECT_EQ(Resolve("${aws:nothere, ''}"), "");
  EXPECT_EQ(Resolve("${multi, 'one'}"), "one");
  EXPECT_EQ(Resolve("${x, 'a}b'}"), "a}b");
  // One round only: a default holding a variable stays text.
  EXPECT_EQ(Resolve("${x, '${aws:username}'}"), "${aws:username}");
}

TEST(VariablesTest, Malformed) {
  for (std::string_view bad : {"${", "${aws:username", "${}", "${ }", "x${aws:username, guest}",
                               "${a, 'open}", "${a, 'x' y}", "${a b}", "${a{b}"}) {
    auto parsed = ParseTemplate(bad, /*substitute=*/true);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), common::Code::kMalformedPolicy);
  }
}

TEST(VariablesTest, Version2008KeepsText) {
  auto parsed = ParseTemplate("home/${aws:username}/${", /*substitute=*/false);
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed->HasVariables());
  auto pattern = ResolveTemplate(*parsed, UserContext());
  ASSERT_TRUE(pattern.has_value());
  EXPECT_EQ(pattern->text(), "home/${aws:username}/${");
}

}  // namespace
}  // namespace strata::auth::policy
