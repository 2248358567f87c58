#pragma once
// Asynchronous PostgreSQL on the Asio loop: non-blocking libpq driven by socket readiness,
// every batch sent in pipeline mode (one round trip for BEGIN + RLS set-up + query +
// COMMIT), statements prepared once per connection. One PgConnection belongs to one
// I/O thread; nothing here locks.
#include <libpq-fe.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <charconv>
#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace forecourt::db {

// A statement failed: carries the SQLSTATE so the HTTP edge can map it (42501 -> 403 ...).
class DbError : public std::runtime_error {
 public:
  DbError(std::string sqlstate, const std::string& message, std::string detail,
          std::string constraint, std::string column);
  [[nodiscard]] const std::string& sqlstate() const { return sqlstate_; }
  [[nodiscard]] const std::string& detail() const { return detail_; }
  [[nodiscard]] const std::string& constraint() const { return constraint_; }
  [[nodiscard]] const std::string& column() const { return column_; }

 private:
  std::string sqlstate_, detail_, constraint_, column_;
};

// The database can't be reached, a connection broke, or the pool had none free in time.
class DbUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Owns one PGresult. Values are read as text (the PostgreSQL text format).
class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(PGresult* r) : r_(r, &PQclear) {}

  [[nodiscard]] int rows() const { return r_ ? PQntuples(r_.get()) : 0; }
  [[nodiscard]] int columns() const { return r_ ? PQnfields(r_.get()) : 0; }
  [[nodiscard]] bool empty() const { return rows() == 0; }
  [[nodiscard]] bool is_null(int row, int col) const {
    return PQgetisnull(r_.get(), row, col) != 0;
  }
  [[nodiscard]] std::string_view text(int row, int col) const {
    return {PQgetvalue(r_.get(), row, col),
            static_cast<std::size_t>(PQgetlength(r_.get(), row, col))};
  }
  [[nodiscard]] int column(std::string_view name) const;  // throws std::out_of_range
  [[nodiscard]] std::string_view text(int row, std::string_view col) const {
    return text(row, column(col));
  }
  [[nodiscard]] std::optional<std::string> opt_text(int row, std::string_view col) const;
  [[nodiscard]] long long integer(int row, std::string_view col) const;
  [[nodiscard]] bool boolean(int row, std::string_view col) const { return text(row, col) == "t"; }
  [[nodiscard]] long long affected() const;  // rows touched by INSERT/UPDATE/DELETE

 private:
  std::shared_ptr<PGresult> r_;
};

// One statement and its parameters. `sql` must be a constant (static storage): SQL is data
// in this codebase, never built from request input. nullopt binds SQL NULL.
struct Query {
  std::string_view sql;
  std::vector<std::optional<std::string>> params;
};

// Text-format parameter helpers.
inline std::optional<std::string> param(std::string_view s) { return std::string(s); }
inline std::optional<std::string> param(const char* s) { return std::string(s); }
inline std::optional<std::string> param(const std::string& s) { return s; }
inline std::optional<std::string> param(bool b) { return std::string(b ? "true" : "false"); }
template <class T>
requires std::is_integral_v<T> std::optional<std::string> param(T v) { return std::to_string(v); }
template <class T>
std::optional<std::string> param(const std::optional<T>& v) {
  return v ? param(*v) : std::nullopt;
}

struct PgSettings {
  std::string url;
  std::chrono::milliseconds statement_timeout{5000};
  std::chrono::milliseconds connect_timeout{3000};
  bool prepared_statements = true;
};

// What one pipeline segment (its statements up to their Sync) produced. Each segment is
// its own transaction on the server: an error aborts only the rest of its segment.
struct SegmentOutcome {
  std::vector<PgResult> results;  // one per query, in order
  std::optional<DbError> error;   // the segment's first failing statement
};

class PgConnection {
 public:
  PgConnection(boost::asio::any_io_executor executor, const PgSettings& settings);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  boost::asio::awaitable<void> connect();  // throws DbUnavailable
  // Sends the whole batch in one pipeline and returns one result per query, in order.
  // Throws DbError for the first failing statement (the rest of the batch is skipped by
  // the server), DbUnavailable if the connection breaks.
  boost::asio::awaitable<std::vector<PgResult>> execute(std::span<const Query> batch);
  // Several segments in one round trip, each ended by its own Sync: statements without
  // BEGIN run as one implicit transaction per segment, so unrelated requests can share the
  // trip. Throws only DbUnavailable; each segment's error is in its outcome.
  boost::asio::awaitable<std::vector<SegmentOutcome>> execute_segments(
      std::span<const std::span<const Query>> segments);

  [[nodiscard]] bool usable() const;           // connected and not broken
  [[nodiscard]] bool idle_outside_tx() const;  // safe to hand to another request

 private:
  boost::asio::awaitable<void> wait(boost::asio::posix::stream_descriptor::wait_type type);
  boost::asio::awaitable<void> flush();
  boost::asio::awaitable<PGresult*> next_result();
  void bind_socket();
  void mark_broken(const std::string& why);
  struct Slot;  // one pipeline command awaiting its result
  void send_query(const Query& q, std::vector<Slot>& slots,
                  std::unordered_map<std::string, std::string>& preparing);
  boost::asio::awaitable<SegmentOutcome> read_segment(std::vector<Slot>::const_iterator& slot,
                                                      std::size_t queries);

  boost::asio::any_io_executor executor_;
  const PgSettings& settings_;
  PGconn* conn_ = nullptr;
  std::optional<boost::asio::posix::stream_descriptor> socket_;
  int socket_fd_ = -1;
  bool broken_ = false;
  std::unordered_map<std::string, std::string> prepared_;  // sql -> statement name
  unsigned next_statement_ = 0;
};

}  // namespace forecourt::db
