#include "core/config.hpp"

#include <gtest/gtest.h>

namespace forecourt {
namespace {

EnvMap minimal() {
  return {{"DATABASE_URL", "postgresql://x@127.0.0.1/db"}, {"REDIS_URL", "redis://127.0.0.1:6379"}};
}

TEST(Config, DefaultsAreSane) {
  auto c = load_config(minimal(), ConfigNeeds::services);
  ASSERT_TRUE(c.ok()) << c.problem().detail;
  EXPECT_EQ(c->port, 8080);
  EXPECT_EQ(c->file_max_bytes, 15U * 1024U * 1024U);
  EXPECT_EQ(c->json_max_bytes, 1024U * 1024U);
  EXPECT_GE(c->io_threads, 1);
  EXPECT_EQ(c->migrations_database_url, c->database_url);
  EXPECT_EQ(c->auth_mode, "embedded");
}

TEST(Config, MissingRequiredVariableNamesItself) {
  auto c = load_config({{"REDIS_URL", "redis://x"}}, ConfigNeeds::services);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.problem().field, "DATABASE_URL");
  EXPECT_NE(c.problem().detail.find("DATABASE_URL"), std::string::npos);
}

TEST(Config, CommandsThatNeedNothingNeedNothing) {
  EXPECT_TRUE(load_config({}, ConfigNeeds::none).ok());
  EXPECT_FALSE(load_config({}, ConfigNeeds::database).ok());
}

TEST(Config, BadNumbersAndEnumsAreRefused) {
  auto env = minimal();
  env["PORT"] = "http";
  EXPECT_EQ(load_config(env, ConfigNeeds::services).problem().field, "PORT");
  env = minimal();
  env["PORT"] = "70000";
  EXPECT_EQ(load_config(env, ConfigNeeds::services).problem().field, "PORT");
  env = minimal();
  env["AUTH_MODE"] = "magic";
  EXPECT_EQ(load_config(env, ConfigNeeds::services).problem().field, "AUTH_MODE");
  env = minimal();
  env["CACHE_ENABLED"] = "perhaps";
  EXPECT_EQ(load_config(env, ConfigNeeds::services).problem().field, "CACHE_ENABLED");
}

TEST(Config, ListsAndSizes) {
  auto env = minimal();
  env["ALLOWED_ORIGINS"] = " https://www.example.com , https://staging.example.com,";
  env["FILE_MAX_MB"] = "20";
  auto c = load_config(env, ConfigNeeds::services);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->allowed_origins,
            (std::vector<std::string>{"https://www.example.com", "https://staging.example.com"}));
  EXPECT_EQ(c->file_max_bytes, 20U * 1024U * 1024U);
}

TEST(Config, ProductionNeedsOrigins) {
  auto env = minimal();
  env["ENVIRONMENT"] = "production";
  EXPECT_EQ(load_config(env, ConfigNeeds::services).problem().field, "ALLOWED_ORIGINS");
}

TEST(Config, SupabaseModeNeedsItsUrlAndAnonKey) {
  auto env = minimal();
  env["AUTH_MODE"] = "supabase";
  EXPECT_EQ(load_config(env, ConfigNeeds::services).problem().field, "SUPABASE_URL");
  env["SUPABASE_URL"] = "https://abc.supabase.co";
  EXPECT_EQ(load_config(env, ConfigNeeds::services).problem().field, "SUPABASE_ANON_KEY");
  env["SUPABASE_ANON_KEY"] = "sb_publishable_x";
  EXPECT_TRUE(load_config(env, ConfigNeeds::services).ok());
  env["SUPABASE_URL"] = "abc.supabase.co";
  EXPECT_EQ(load_config(env, ConfigNeeds::services).problem().field, "SUPABASE_URL");
}

TEST(Config, SupabaseModeDefaultsTheJwksUrl) {
  auto env = minimal();
  env["AUTH_MODE"] = "supabase";
  env["SUPABASE_URL"] = "https://abc.supabase.co/";
  env["SUPABASE_ANON_KEY"] = "sb_publishable_x";
  auto c = load_config(env, ConfigNeeds::services);
  ASSERT_TRUE(c.ok()) << c.problem().detail;
  EXPECT_EQ(c->supabase_jwks_url, "https://abc.supabase.co/auth/v1/.well-known/jwks.json");
  EXPECT_EQ(c->supabase_jwks_cooldown, std::chrono::milliseconds(30000));
  env["SUPABASE_JWKS_URL"] = "https://keys.example.com/jwks.json";
  env["SUPABASE_JWKS_COOLDOWN_MS"] = "5000";
  c = load_config(env, ConfigNeeds::services);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->supabase_jwks_url, "https://keys.example.com/jwks.json");
  EXPECT_EQ(c->supabase_jwks_cooldown, std::chrono::milliseconds(5000));
  env["SUPABASE_JWKS_COOLDOWN_MS"] = "10";  // below the floor: a flood could refetch often
  EXPECT_EQ(load_config(env, ConfigNeeds::services).problem().field, "SUPABASE_JWKS_COOLDOWN_MS");
  // Embedded mode derives nothing (its keys come from the database).
  auto embedded = load_config(minimal(), ConfigNeeds::services);
  ASSERT_TRUE(embedded.ok());
  EXPECT_TRUE(embedded->supabase_jwks_url.empty());
}

TEST(Dotenv, ParsesCommentsQuotesAndExport) {
  auto env = parse_dotenv(
      "# comment\nexport A=1\nB = \"two words\"\nC='x#y'\nD=plain # trailing\n\nbroken line\nE=\n");
  EXPECT_EQ(env["A"], "1");
  EXPECT_EQ(env["B"], "two words");
  EXPECT_EQ(env["C"], "x#y");
  EXPECT_EQ(env["D"], "plain");
  EXPECT_EQ(env["E"], "");
  EXPECT_EQ(env.count("broken line"), 0U);
}

TEST(Config, DescribeHidesSecrets) {
  auto env = minimal();
  env["DATABASE_URL"] = "postgresql://user:hunter2@db/x";
  env["SUPABASE_JWT_SECRET"] = "s3cret";
  env["SUPABASE_ANON_KEY"] = "anon-key-value";
  auto c = load_config(env, ConfigNeeds::services);
  ASSERT_TRUE(c.ok());
  for (const auto& [k, v] : describe_config(*c)) {
    EXPECT_EQ(v.find("hunter2"), std::string::npos) << k;
    EXPECT_EQ(v.find("s3cret"), std::string::npos) << k;
    EXPECT_EQ(v.find("anon-key-value"), std::string::npos) << k;
  }
}

TEST(Config, AuthEmailSettingsAndTheDevMailboxGuard) {
  auto c = load_config(minimal(), ConfigNeeds::services);
  ASSERT_TRUE(c.ok()) << c.problem().detail;
  EXPECT_FALSE(c->dev_mailbox) << "off unless asked for";
  EXPECT_EQ(c->site_url, c->public_base_url);
  EXPECT_EQ(c->otp_expiry, std::chrono::seconds(3600));

  auto env = minimal();
  env["DEV_MAILBOX"] = "true";
  env["SITE_URL"] = "https://dealer.example";
  env["URI_ALLOW_LIST"] = "https://a.example/*, https://b.example/cb";
  env["AUTH_OTP_EXPIRY_S"] = "600";
  auto dev = load_config(env, ConfigNeeds::services);
  ASSERT_TRUE(dev.ok()) << dev.problem().detail;
  EXPECT_TRUE(dev->dev_mailbox);
  EXPECT_EQ(dev->site_url, "https://dealer.example");
  EXPECT_EQ(dev->uri_allow_list,
            (std::vector<std::string>{"https://a.example/*", "https://b.example/cb"}));
  EXPECT_EQ(dev->otp_expiry, std::chrono::seconds(600));

  env["ENVIRONMENT"] = "production";
  env["ALLOWED_ORIGINS"] = "https://dealer.example";
  auto prod = load_config(env, ConfigNeeds::services);
  ASSERT_FALSE(prod.ok());
  EXPECT_EQ(prod.problem().field, "DEV_MAILBOX");
}

}  // namespace
}  // namespace forecourt
