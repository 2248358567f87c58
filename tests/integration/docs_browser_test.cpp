// /docs and /redoc in a real browser: Debian's chromium, headless, driven by playwright-core
// (js/tests/docs-browser.mjs) against a server this test starts. Every tag of the OpenAPI
// document must render, with no CSP violation; the screenshots land in the test's temp
// folder (FORECOURT_SCREENSHOT_DIR=docs/screenshots keeps copies for the README).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "harness.hpp"

namespace forecourt::testing {
namespace {
namespace fs = std::filesystem;

TEST(DocsBrowser, EveryTagRendersInSwaggerUiAndRedoc) {
  const fs::path source = FORECOURT_SOURCE_DIR;
  const auto script = source / "js" / "tests" / "docs-browser.mjs";
  if (run_command("command -v node >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "node is not installed (scripts/setup.sh installs it)";
  if (!fs::exists("/usr/bin/chromium"))
    GTEST_SKIP() << "/usr/bin/chromium is missing (scripts/setup.sh installs Debian's chromium)";
  ASSERT_TRUE(fs::exists(source / "js" / "node_modules" / "playwright-core"))
      << "run `npm ci` in js/ (scripts/setup.sh does)";

  ServerProcess server;
  char tmpl[] = "/tmp/forecourt-browser-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const fs::path out = tmpl;
  auto cmd = "cd '" + source.string() + "' && node '" + script.string() +
             "' http://127.0.0.1:" + std::to_string(server.port()) + " '" + out.string() + "' >'" +
             (out / "result.json").string() + "' 2>&1";
  int rc = run_command(cmd);
  std::ifstream in(out / "result.json");
  std::string result((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(rc, 0) << result;
  EXPECT_TRUE(fs::exists(out / "docs.png"));
  EXPECT_GT(fs::file_size(out / "docs.png"), 10000U);
  // Where a developer wants the pictures kept (the README's docs/screenshots/).
  const char* keep = std::getenv("FORECOURT_SCREENSHOT_DIR");  // NOLINT(concurrency-mt-unsafe)
  if (keep != nullptr && *keep != '\0') {
    fs::create_directories(keep);
    for (const auto* name : {"docs.png", "redoc.png"}) {
      if (fs::exists(out / name))
        fs::copy_file(out / name, fs::path(keep) / name, fs::copy_options::overwrite_existing);
    }
  }
  std::error_code ec;
  fs::remove_all(out, ec);
}

}  // namespace
}  // namespace forecourt::testing
