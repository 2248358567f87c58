#pragma once
// A plain blocking libpq connection for operator commands (migrate, seed), which run on
// the main thread, never on an I/O thread.
#include <libpq-fe.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace forecourt::cli {

struct SqlFailure {
  std::string message;
  std::string detail;
  int line = 0;  // 1-based line in the sent text, when PostgreSQL reports a position
};

class BlockingPg {
 public:
  explicit BlockingPg(const std::string& url);
  ~BlockingPg();
  BlockingPg(const BlockingPg&) = delete;
  BlockingPg& operator=(const BlockingPg&) = delete;

  [[nodiscard]] bool ok() const;
  [[nodiscard]] std::string error() const;
  // Throws std::runtime_error on failure.
  void exec(const std::string& sql);
  void exec_params(const std::string& sql, const std::vector<std::string>& params);
  std::vector<std::vector<std::string>> rows(const std::string& sql,
                                             const std::vector<std::string>& params = {});
  // Returns the failure instead of throwing (for reporting file and line).
  std::optional<SqlFailure> try_exec(const std::string& sql);

 private:
  PGconn* conn_;
};

std::string read_file(const std::filesystem::path& path);

}  // namespace forecourt::cli
