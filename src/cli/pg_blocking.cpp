#include "cli/pg_blocking.hpp"

#include <array>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace forecourt::cli {
namespace {

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

bool succeeded(const PGresult* r) {
  auto s = PQresultStatus(r);
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY;
}

// PostgreSQL reports a 1-based character position; turn it into a line number.
int line_of(const std::string& sql, const char* position) {
  if (position == nullptr) return 0;
  long chars = std::strtol(position, nullptr, 10);
  int line = 1;
  long seen = 0;
  for (unsigned char c : sql) {
    if ((c & 0xC0) != 0x80) ++seen;  // count UTF-8 characters, not bytes
    if (seen >= chars) break;
    if (c == '\n') ++line;
  }
  return line;
}

}  // namespace

BlockingPg::BlockingPg(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
  if (ok()) {
    // Migrations may print NOTICEs (e.g. "already exists, skipping"): keep them quiet.
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
  }
}
BlockingPg::~BlockingPg() { PQfinish(conn_); }
bool BlockingPg::ok() const { return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK; }
std::string BlockingPg::error() const {
  return conn_ != nullptr ? PQerrorMessage(conn_) : "out of memory";
}

std::optional<SqlFailure> BlockingPg::try_exec(const std::string& sql) {
  ResultPtr r(PQexec(conn_, sql.c_str()), &PQclear);
  if (succeeded(r.get())) return std::nullopt;
  SqlFailure f;
  const char* primary = PQresultErrorField(r.get(), PG_DIAG_MESSAGE_PRIMARY);
  f.message = primary != nullptr ? primary : PQerrorMessage(conn_);
  if (const char* d = PQresultErrorField(r.get(), PG_DIAG_MESSAGE_DETAIL)) f.detail = d;
  f.line = line_of(sql, PQresultErrorField(r.get(), PG_DIAG_STATEMENT_POSITION));
  return f;
}

void BlockingPg::exec(const std::string& sql) {
  if (auto f = try_exec(sql)) throw std::runtime_error(f->message);
}

void BlockingPg::exec_params(const std::string& sql, const std::vector<std::string>& params) {
  (void)rows(sql, params);
}

std::vector<std::vector<std::string>> BlockingPg::rows(const std::string& sql,
                                                       const std::vector<std::string>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p.c_str());
  ResultPtr r(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                           values.data(), nullptr, nullptr, 0),
              &PQclear);
  if (!succeeded(r.get())) throw std::runtime_error(PQresultErrorMessage(r.get()));
  std::vector<std::vector<std::string>> out;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    std::vector<std::string> row;
    for (int j = 0; j < PQnfields(r.get()); ++j) row.emplace_back(PQgetvalue(r.get(), i, j));
    out.push_back(std::move(row));
  }
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace forecourt::cli
