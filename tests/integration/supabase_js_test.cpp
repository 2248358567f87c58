// Runs js/tests/supabase_auth.test.mjs (node:test, the pinned @supabase/supabase-js) against a
// real `forecourt serve`, so ctest covers the official client's view of the embedded auth API
// (password, refresh, TOTP MFA, email OTP, magic link, password recovery).
#include <gtest/gtest.h>

#include <filesystem>

#include "cli/commands.hpp"
#include "harness.hpp"

namespace forecourt::testing {
namespace {

TEST(SupabaseJs, OfficialClientSignsUpSignsInRefreshesEnrollsTotpAndSignsOut) {
  const auto js = cli::project_root() / "js";
  ASSERT_TRUE(std::filesystem::exists(js / "node_modules" / "@supabase" / "supabase-js"))
      << "run `npm ci` in " << js << " (scripts/setup.sh does)";
  const std::string anon_key = "sb_publishable_forecourt_js_test";
  // The email tests read codes and links from the dev mailbox.
  ServerProcess server({{"SUPABASE_ANON_KEY", anon_key},
                        {"DEV_MAILBOX", "true"},
                        {"AUTH_EMAIL_RESEND_INTERVAL_S", "0"}});
  const int rc = run_command_showing_failures(
      "cd '" + js.string() + "' && FORECOURT_URL=http://127.0.0.1:" +
      std::to_string(server.port()) + " FORECOURT_ANON_KEY=" + anon_key +
      " node --experimental-websocket --test tests/supabase_auth.test.mjs");
  EXPECT_EQ(rc, 0) << "node --test failed (output above); server log:\n" << server.log();
}

}  // namespace
}  // namespace forecourt::testing
