#include "db/pg.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstring>

namespace forecourt::db {
namespace asio = boost::asio;
using asio::posix::stream_descriptor;

namespace {

std::string field(const PGresult* r, int code) {
  const char* v = PQresultErrorField(r, code);
  return v != nullptr ? std::string(v) : std::string();
}

DbError error_from(const PGresult* r) {
  std::string message = field(r, PG_DIAG_MESSAGE_PRIMARY);
  if (message.empty()) message = PQresultErrorMessage(r);
  return {field(r, PG_DIAG_SQLSTATE), message, field(r, PG_DIAG_MESSAGE_DETAIL),
          field(r, PG_DIAG_CONSTRAINT_NAME), field(r, PG_DIAG_COLUMN_NAME)};
}

// Cancels the socket's pending waits when a deadline passes, so a silent peer
// (network partition, stuck server) can't hold a request forever.
class Deadline {
 public:
  Deadline(const asio::any_io_executor& ex, std::chrono::milliseconds d, stream_descriptor* sock,
           bool& fired)
      : timer_(ex, d) {
    timer_.async_wait([sock, &fired](boost::system::error_code ec) {
      if (!ec && sock != nullptr) {
        fired = true;
        boost::system::error_code ignored;
        sock->cancel(ignored);
      }
    });
  }
  ~Deadline() {
    try {
      timer_.cancel();
    } catch (...) {  // cancel() reports failures as exceptions; nothing to do about one here
    }
  }
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

 private:
  asio::steady_timer timer_;
};

void set_tcp_cork(int fd, bool on) {
  int value = on ? 1 : 0;
  // Fails on a Unix-domain socket: batching is then only slower, never wrong.
  (void)::setsockopt(fd, IPPROTO_TCP, TCP_CORK, &value, sizeof value);
}

}  // namespace

DbError::DbError(std::string sqlstate, const std::string& message, std::string detail,
                 std::string constraint, std::string column)
    : std::runtime_error(message),
      sqlstate_(std::move(sqlstate)),
      detail_(std::move(detail)),
      constraint_(std::move(constraint)),
      column_(std::move(column)) {}

int PgResult::column(std::string_view name) const {
  // The names asked for are the statements' own lower-case aliases: an exact match first,
  // without PQfnumber's copy and case folding (a vehicle page looks up ~45 columns).
  for (int c = 0, n = columns(); c < n; ++c) {
    const char* field = PQfname(r_.get(), c);
    if (!name.empty() && field[0] == name[0] &&
        std::strncmp(field, name.data(), name.size()) == 0 && field[name.size()] == '\0')
      return c;
  }
  int c = PQfnumber(r_.get(), std::string(name).c_str());
  if (c < 0) throw std::out_of_range("no column " + std::string(name));
  return c;
}

std::optional<std::string> PgResult::opt_text(int row, std::string_view col) const {
  int c = column(col);
  if (is_null(row, c)) return std::nullopt;
  return std::string(text(row, c));
}

long long PgResult::integer(int row, std::string_view col) const {
  auto t = text(row, col);
  long long v = 0;
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}

long long PgResult::affected() const {
  const char* t = r_ ? PQcmdTuples(r_.get()) : "";
  long long v = 0;
  std::from_chars(t, t + std::char_traits<char>::length(t), v);
  return v;
}

PgConnection::PgConnection(asio::any_io_executor executor, const PgSettings& settings)
    : executor_(std::move(executor)), settings_(settings) {}

PgConnection::~PgConnection() {
  // libpq owns the descriptor: detach it from Asio before libpq closes it.
  if (socket_) socket_->release();
  if (conn_ != nullptr) PQfinish(conn_);
}

bool PgConnection::usable() const {
  return conn_ != nullptr && !broken_ && PQstatus(conn_) == CONNECTION_OK;
}

bool PgConnection::idle_outside_tx() const {
  return usable() && PQtransactionStatus(conn_) == PQTRANS_IDLE &&
         PQpipelineStatus(conn_) == PQ_PIPELINE_OFF;
}

void PgConnection::mark_broken(const std::string& why) {
  broken_ = true;
  throw DbUnavailable(why);
}

void PgConnection::bind_socket() {
  int fd = PQsocket(conn_);
  if (fd == socket_fd_) return;
  if (socket_) socket_->release();
  socket_.reset();
  socket_fd_ = fd;
  if (fd >= 0) socket_.emplace(executor_, fd);
}

asio::awaitable<void> PgConnection::wait(stream_descriptor::wait_type type) {
  auto [ec] = co_await socket_->async_wait(type, asio::as_tuple(asio::use_awaitable));
  if (ec) mark_broken("database connection wait failed: " + ec.message());
}

asio::awaitable<void> PgConnection::connect() {
  std::string options =
      "-c statement_timeout=" + std::to_string(settings_.statement_timeout.count()) +
      " -c idle_in_transaction_session_timeout=60000";
  const char* keys[] = {"dbname", "application_name", "options", "connect_timeout", nullptr};
  std::string timeout =
      std::to_string(std::max<long long>(1, settings_.connect_timeout.count() / 1000));
  const char* values[] = {settings_.url.c_str(), "forecourt", options.c_str(), timeout.c_str(),
                          nullptr};
  conn_ = PQconnectStartParams(keys, values, 1);
  if (conn_ == nullptr || PQstatus(conn_) == CONNECTION_BAD) {
    broken_ = true;
    throw DbUnavailable(std::string("cannot start a database connection: ") +
                        (conn_ ? PQerrorMessage(conn_) : "out of memory"));
  }
  bool timed_out = false;
  auto poll = PGRES_POLLING_WRITING;
  while (poll != PGRES_POLLING_OK) {
    if (poll == PGRES_POLLING_FAILED)
      mark_broken(std::string("database connection failed: ") + PQerrorMessage(conn_));
    bind_socket();
    if (!socket_) mark_broken("database connection has no socket");
    {
      Deadline deadline(executor_, settings_.connect_timeout, &*socket_, timed_out);
      auto [ec] = co_await socket_->async_wait(poll == PGRES_POLLING_READING
                                                   ? stream_descriptor::wait_read
                                                   : stream_descriptor::wait_write,
                                               asio::as_tuple(asio::use_awaitable));
      if (ec)
        mark_broken(timed_out ? "database connection timed out"
                              : "database connection wait failed: " + ec.message());
    }
    poll = PQconnectPoll(conn_);
  }
  bind_socket();
  if (PQsetnonblocking(conn_, 1) != 0)
    mark_broken("cannot make the database connection non-blocking");
}

asio::awaitable<void> PgConnection::flush() {
  for (;;) {
    int r = PQflush(conn_);
    if (r == 0) co_return;
    if (r < 0) mark_broken(std::string("database write failed: ") + PQerrorMessage(conn_));
    // The server may be waiting for us to read before it accepts more: read too.
    co_await wait(stream_descriptor::wait_write);
    if (PQconsumeInput(conn_) == 0)
      mark_broken(std::string("database read failed: ") + PQerrorMessage(conn_));
  }
}

asio::awaitable<PGresult*> PgConnection::next_result() {
  while (PQisBusy(conn_) != 0) {
    co_await wait(stream_descriptor::wait_read);
    if (PQconsumeInput(conn_) == 0)
      mark_broken(std::string("database read failed: ") + PQerrorMessage(conn_));
  }
  co_return PQgetResult(conn_);
}

// A command in flight. A Prepare names the statement it creates, so that the name is
// remembered only once the server has accepted it.
struct PgConnection::Slot {
  std::string prepared_sql;  // set for a Prepare, empty for a query
  std::string name;
};

void PgConnection::send_query(const Query& q, std::vector<Slot>& slots,
                              std::unordered_map<std::string, std::string>& preparing) {
  std::vector<const char*> values;
  values.reserve(q.params.size());
  for (const auto& p : q.params) values.push_back(p ? p->c_str() : nullptr);
  const int n = static_cast<int>(values.size());
  std::string sql(q.sql);
  bool sent = false;
  if (settings_.prepared_statements) {
    auto it = prepared_.find(sql);
    const std::string* name = it != prepared_.end() ? &it->second : nullptr;
    if (name == nullptr) {
      // Prepared within this segment: a Prepare in an earlier segment may yet fail, and
      // an error aborts only its own segment.
      auto pending = preparing.find(sql);
      if (pending == preparing.end()) {
        std::string fresh = "fc" + std::to_string(next_statement_++);
        if (PQsendPrepare(conn_, fresh.c_str(), sql.c_str(), n, nullptr) == 0)
          mark_broken(PQerrorMessage(conn_));
        slots.push_back(Slot{sql, fresh});
        pending = preparing.emplace(sql, std::move(fresh)).first;
      }
      name = &pending->second;
    }
    sent = PQsendQueryPrepared(conn_, name->c_str(), n, values.data(), nullptr, nullptr, 0) != 0;
  } else {
    sent =
        PQsendQueryParams(conn_, sql.c_str(), n, nullptr, values.data(), nullptr, nullptr, 0) != 0;
  }
  if (!sent) mark_broken(std::string("cannot send query: ") + PQerrorMessage(conn_));
  slots.push_back(Slot{});
}

asio::awaitable<SegmentOutcome> PgConnection::read_segment(std::vector<Slot>::const_iterator& slot,
                                                           std::size_t queries) {
  SegmentOutcome outcome;
  outcome.results.reserve(queries);
  while (outcome.results.size() < queries) {
    PGresult* raw = co_await next_result();
    PgResult owned(raw);
    auto status = raw != nullptr ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
    if (status == PGRES_FATAL_ERROR && !outcome.error) outcome.error = error_from(raw);
    if (!slot->prepared_sql.empty()) {
      // Only a statement the server accepted is remembered as prepared.
      if (status == PGRES_COMMAND_OK) prepared_.emplace(slot->prepared_sql, slot->name);
    } else {
      outcome.results.push_back(std::move(owned));
    }
    ++slot;
    if (raw != nullptr) {
      PGresult* end = co_await next_result();  // each command's results end with NULL
      if (end != nullptr) {
        PQclear(end);
        mark_broken("unexpected extra result in pipeline");
      }
    }
  }
  PGresult* sync = co_await next_result();
  bool synced = sync != nullptr && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
  PQclear(sync);
  if (!synced) mark_broken("pipeline lost its sync point");
  co_return outcome;
}

asio::awaitable<std::vector<SegmentOutcome>> PgConnection::execute_segments(
    std::span<const std::span<const Query>> segments) {
  if (!usable()) throw DbUnavailable("database connection is not usable");
  bool timed_out = false;
  // Each segment may run up to statement_timeout on the server.
  auto allowance =
      settings_.statement_timeout * static_cast<long>(segments.size()) + std::chrono::seconds(2);
  Deadline deadline(executor_, allowance, &*socket_, timed_out);
  std::vector<Slot> slots;
  if (PQenterPipelineMode(conn_) == 0) mark_broken("cannot enter pipeline mode");
  // libpq 15's PQpipelineSync writes to the socket each time (PQsendPipelineSync, which
  // doesn't, is libpq 17): corked, the segments leave as one packet, so PostgreSQL wakes
  // once for the trip instead of once per segment (a TCP-only option; elsewhere a no-op).
  const bool cork = segments.size() > 1;
  if (cork) set_tcp_cork(socket_fd_, true);
  for (const auto& segment : segments) {
    std::unordered_map<std::string, std::string> preparing;
    for (const auto& q : segment) send_query(q, slots, preparing);
    if (PQpipelineSync(conn_) == 0) mark_broken("cannot sync pipeline");
  }
  if (cork) set_tcp_cork(socket_fd_, false);
  co_await flush();

  std::vector<SegmentOutcome> outcomes;
  outcomes.reserve(segments.size());
  auto slot = slots.cbegin();
  for (const auto& segment : segments) {
    auto outcome = co_await read_segment(slot, segment.size());
    outcomes.push_back(std::move(outcome));
  }
  if (PQexitPipelineMode(conn_) == 0) mark_broken("cannot leave pipeline mode");
  if (timed_out) mark_broken("database did not answer in time");
  co_return outcomes;
}

asio::awaitable<std::vector<PgResult>> PgConnection::execute(std::span<const Query> batch) {
  std::span<const Query> one[] = {batch};
  auto outcomes = co_await execute_segments(one);
  if (outcomes.front().error)
    throw *outcomes.front().error;  // NOLINT(cert-err60-cpp): carries strings by design
  co_return std::move(outcomes.front().results);
}

}  // namespace forecourt::db
