// Runs the generated Postman collection (postman/, `make postman`) with the pinned newman
// against a real `forecourt serve`: every documented operation, signed in through the
// embedded GoTrue, each checked for its documented status and schema.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "cli/commands.hpp"
#include "harness.hpp"

namespace forecourt::testing {
namespace {

TEST(Postman, CollectionPassesAgainstALiveServer) {
  const auto root = cli::project_root();
  ASSERT_TRUE(std::filesystem::exists(root / "js" / "node_modules" / ".bin" / "newman"))
      << "run `npm ci` in " << (root / "js") << " (scripts/setup.sh does)";
  // The admin's audit log is served to allowlisted addresses only (the collection runs
  // from loopback).
  const std::map<std::string, std::string> env{{"ADMIN_IP_ALLOWLIST", "127.0.0.1/32"},
                                               {"DEV_MAILBOX", "true"}};
  ServerProcess server(env);
  const int rc =
      run_command_showing_failures("'" + (root / "scripts" / "postman.sh").string() +
                                   "' run http://127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(rc, 0) << "newman reported failures (output above); server log:\n" << server.log();
}

}  // namespace
}  // namespace forecourt::testing
