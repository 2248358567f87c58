// /financing/applications: a signed-in customer applies for financing (spec: "Auth required.
// Idempotent via header. Body: user + vehicle + financials. Returns status='submitted'").
// The user is the caller (auth.uid(), never a body field); RLS decides who may read an
// application (its owner and staff). Money: JSON numbers in US dollars with two decimals in
// responses (PostgreSQL's numeric text passed through, as on the vehicle card); requests
// may send a number or a decimal string, and amounts reach SQL as exact decimal text.

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/idempotency.hpp"
#include "api/routes.hpp"
#include "api/schemas.hpp"
#include "app/services.hpp"
#include "db/tx.hpp"
#include "domain/money.hpp"
#include "domain/payment.hpp"
#include "http/errors.hpp"
#include "http/identity.hpp"
#include "http/route.hpp"

namespace forecourt::api {
namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

// One shape of an application for the create and the read, rendered by PostgreSQL over a
// row aliased `a`. Decision internals (decided_by, lender_reference) stay staff-side.
constexpr std::string_view kApplicationJson =
    "json_build_object('id', a.id, 'user_id', a.user_id, 'vehicle_id', a.vehicle_id, "
    "'status', a.status, 'amount', a.amount, 'term_months', a.term_months, 'apr', a.apr, "
    "'down_payment', a.down_payment, 'employer', a.employer, 'monthly_income', "
    "a.monthly_income, 'notes', a.notes, 'submitted_at', a.submitted_at, 'decided_at', "
    "a.decided_at, 'decision_notes', a.decision_notes, 'created_at', a.created_at, "
    "'updated_at', a.updated_at)";

// Inserted under the caller's RLS context (user_id defaults to auth.uid(); the policy lets a
// customer create only their own, draft or submitted). The vehicle must be one the caller
// can see: the foreign key alone would accept a hidden car's id and so reveal it exists.
std::string_view insert_application_sql() {
  static const std::string sql =
      std::string(
          "with ins as (insert into public.financing_applications "
          "(vehicle_id, status, amount, term_months, apr, down_payment, employer, "
          "monthly_income, notes) "
          "select $1::uuid, 'submitted', $2::numeric, $3::integer, $4::numeric, $5::numeric, "
          "$6, $7::numeric, $8 "
          "where $1::uuid is null or exists (select 1 from public.vehicles v where v.id = "
          "$1::uuid) "
          "returning *) "
          "select a.id::text, json_build_object('data', ")
          .append(kApplicationJson)
          .append(")::text from ins a");
  return sql;
}

// RLS answers "owner or staff"; anyone else gets no row, the same as a missing id.
std::string_view get_application_sql() {
  static const std::string sql = std::string("select json_build_object('data', ")
                                     .append(kApplicationJson)
                                     .append(
                                         ")::text from public.financing_applications a "
                                         "where a.id = $1::uuid");
  return sql;
}

constexpr int kMaxAprPercent = 40;  // domain::kMaxApr, as /tools; for the JSON Schema

struct ApplicationInput {
  std::optional<std::string> vehicle_id;
  std::string amount;  // exact decimal text, e.g. "25000.00"
  int term_months = 0;
  std::optional<std::string> apr;
  std::string down_payment = "0.00";
  std::optional<std::string> employer;
  std::optional<std::string> monthly_income;
  std::optional<std::string> notes;
};

// Reads the body the schema already validated (types, ranges, term enum, lengths); what is
// left is exactness: money to the cent, APR to two decimals, amount above zero.
class BodyReader {
 public:
  explicit BodyReader(const json::object& body) : body_(body) {}

  std::optional<std::string> money(std::string_view name) {
    const auto* v = body_.if_contains(name);
    if (v == nullptr || v->is_null()) return std::nullopt;
    auto cents = domain::money_from_json(*v, pointer(name));
    if (!cents) return fail(cents.problem());
    return domain::format_money(*cents);
  }
  std::optional<std::string> apr(std::string_view name) {
    const auto* v = body_.if_contains(name);
    if (v == nullptr || v->is_null()) return std::nullopt;
    auto rate = domain::percent_from_json(*v, pointer(name));
    if (!rate) return fail(rate.problem());
    // numeric(5,2): two decimals of a percent are 100 ppm.
    if (rate->ppm() % 100 != 0)
      return fail({"too_many_decimals", "The APR has at most two decimals.", pointer(name)});
    if (*rate > domain::kMaxApr)
      return fail({"out_of_range", "The APR must be between 0 and 40%.", pointer(name)});
    return domain::format_percent(*rate);
  }
  std::optional<std::string> text(std::string_view name) const {
    const auto* v = body_.if_contains(name);
    if (v == nullptr || !v->is_string()) return std::nullopt;
    return std::string(v->get_string());
  }
  void require_positive(const std::optional<std::string>& amount, std::string_view name) {
    if (amount && *amount == "0.00")
      fail({"out_of_range", "The amount to finance must be more than 0.", pointer(name)});
  }
  void check() const {
    if (!errors_.empty()) throw http::HttpError(errors_);
  }

 private:
  static std::string pointer(std::string_view name) { return "/" + std::string(name); }
  std::nullopt_t fail(const Problem& p) {
    errors_.push_back(http::ErrorObject{422, p.code, {}, p.detail, p.field, {}, {}});
    return std::nullopt;
  }
  const json::object& body_;
  std::vector<http::ErrorObject> errors_;
};

ApplicationInput read_application(const json::object& body) {
  BodyReader in(body);
  ApplicationInput a;
  a.vehicle_id = in.text("vehicle_id");
  auto amount = in.money("amount");
  in.require_positive(amount, "amount");
  a.amount = amount.value_or("0.00");
  a.term_months = static_cast<int>(body.at("term_months").to_number<std::int64_t>());
  a.apr = in.apr("apr");
  a.down_payment = in.money("down_payment").value_or("0.00");
  a.employer = in.text("employer");
  a.monthly_income = in.money("monthly_income");
  a.notes = in.text("notes");
  in.check();
  return a;
}

asio::awaitable<Response> insert_application(db::Transaction& tx, const ApplicationInput& a) {
  db::Query q{insert_application_sql(),
              {a.vehicle_id, a.amount, std::to_string(a.term_months), a.apr, a.down_payment,
               a.employer, a.monthly_income, a.notes}};
  auto r = co_await tx.query(std::move(q));
  if (r.empty()) {
    throw http::HttpError(422, "unknown_vehicle", "No vehicle you can see has that id.")
        .with_pointer("/vehicle_id");
  }
  Response res = http::json_response(201, std::string(r.text(0, 1)));
  res.set(boost::beast::http::field::location,
          "/financing/applications/" + std::string(r.text(0, 0)));
  co_return res;
}

asio::awaitable<Response> create_application(Request& req) {
  const auto input = read_application(req.body_json->as_object());
  IdempotentWrite write = [input](db::Transaction& tx) { return insert_application(tx, input); };
  co_return co_await idempotent_write(req, std::move(write));
}

asio::awaitable<Response> get_application(Request& req) {
  db::Transaction tx(req.services->db, http::db_identity(req), true);
  db::Query query{get_application_sql(), {req.params.string("id")}};
  auto r = co_await tx.query_and_commit(std::move(query));
  if (r.empty()) throw http::not_found("No financing application of yours has that id.");
  co_return http::json_response(200, std::string(r.text(0, 0)));
}

// ------------------------------------------------------------------ schemas and examples
// Decimal strings as domain::parse_money reads them (numbers are checked by min/max).
constexpr std::string_view kMoneyPattern = "^[0-9]{1,10}(\\.[0-9]{1,2})?$";

const json::value& application_body_schema() {
  static const auto s = [] {
    auto money = [](std::string_view description) {
      return json::value{
          {"type", json::array{"number", "string"}},
          {"minimum", 0},
          {"maximum", 9999999999.99},
          {"pattern", kMoneyPattern},
          {"description", std::string(description)
                              .append(" US dollars, at most two decimals: a number "
                                      "(25000.5) or a decimal string (\"25000.50\").")}};
    };
    json::object props{
        {"vehicle_id",
         {{"type", json::array{"string", "null"}},
          {"format", "uuid"},
          {"description", "The vehicle to finance (one you can see); omit for a pre-approval."}}},
        {"amount", money("The amount to finance, more than 0.")},
        {"term_months",
         {{"type", "integer"},
          {"enum", json::array{12, 24, 36, 48, 60, 72, 84}},
          {"description", "Loan term in months."}}},
        {"apr",
         {{"type", json::array{"number", "string"}},
          {"minimum", 0},
          {"maximum", kMaxAprPercent},
          {"pattern", "^[0-9]{1,2}(\\.[0-9]{1,2})?$"},
          {"description",
           "The APR you were quoted (/tools/monthly-estimate), percent, 0 to 40, at most two "
           "decimals."}}},
        {"down_payment", money("Cash down payment (default 0).")},
        {"employer",
         {{"type", "string"}, {"minLength", 1}, {"maxLength", 200}, {"description", "Employer."}}},
        {"monthly_income", money("Gross monthly income.")},
        {"notes",
         {{"type", "string"},
          {"maxLength", 2000},
          {"description", "Anything the dealer should know."}}}};
    return json::value{{"type", "object"},
                       {"required", json::array{"amount", "term_months"}},
                       {"properties", std::move(props)}};
  }();
  return s;
}

const json::value& application_schema() {
  static const auto s = schemas::json(R"({"type":"object",
    "required":["id","user_id","status","amount","term_months","down_payment","created_at"],
    "properties":{
    "id":{"type":"string","format":"uuid"},
    "user_id":{"type":"string","format":"uuid","description":"The applicant (the caller)."},
    "vehicle_id":{"type":["string","null"],"format":"uuid"},
    "status":{"type":"string","enum":["draft","submitted","under_review","approved","rejected","cancelled"]},
    "amount":{"type":["number","null"],"description":"US dollars, two decimals."},
    "term_months":{"type":["integer","null"]},
    "apr":{"type":["number","null"],"description":"Percent, two decimals."},
    "down_payment":{"type":"number"},
    "employer":{"type":["string","null"]},
    "monthly_income":{"type":["number","null"]},
    "notes":{"type":["string","null"]},
    "submitted_at":{"type":["string","null"],"format":"date-time"},
    "decided_at":{"type":["string","null"],"format":"date-time"},
    "decision_notes":{"type":["string","null"]},
    "created_at":{"type":"string","format":"date-time"},
    "updated_at":{"type":"string","format":"date-time"}}})");
  return s;
}

const json::value& application_example() {
  static const auto e = schemas::json(R"({"id":"9d3c1a52-6b1e-4f5e-a0c4-2f9e8b7a6d51",
    "user_id":"00000000-0000-4000-a000-000000000003","vehicle_id":"5eed0001-0000-4000-8000-000000000001",
    "status":"submitted","amount":25000.00,"term_months":60,"apr":6.90,"down_payment":5000.00,
    "employer":"Acme Logistics","monthly_income":6200.00,"notes":"Prefer a call after 5pm.",
    "submitted_at":"2026-11-25T18:04:05.123456+00:00","decided_at":null,"decision_notes":null,
    "created_at":"2026-11-25T18:04:05.123456+00:00","updated_at":"2026-11-25T18:04:05.123456+00:00"})");
  return e;
}

const json::value& application_request_example() {
  static const auto e = schemas::json(R"({"vehicle_id":"5eed0001-0000-4000-8000-000000000001",
    "amount":25000,"term_months":60,"apr":6.9,"down_payment":"5000.00","employer":"Acme Logistics",
    "monthly_income":6200,"notes":"Prefer a call after 5pm."})");
  return e;
}

json::value error_example(int status, std::string_view code, std::string_view detail,
                          std::string_view source_key, std::string_view source_value) {
  json::object error{{"status", std::to_string(status)},
                     {"code", code},
                     {"title", http::status_title(status)},
                     {"detail", detail}};
  if (!source_key.empty()) error["source"] = json::object{{source_key, source_value}};
  return json::object{{"errors", json::array{error}},
                      {"meta", {{"request_id", "5f0c6a1e-8a53-4f5e-9d61-2b1f0f6b2a10"}}}};
}

}  // namespace

void register_financing_routes(http::Router& router) {
  using namespace http;
  router.add(Route{
      .method = Verb::post,
      .path = "/financing/applications",
      .handler = create_application,
      .operation_id = "createFinancingApplication",
      .summary = "Apply for financing",
      .description =
          "Submits a financing application for the signed-in customer (the applicant is the "
          "caller; there is no user field). Returns the application with status "
          "'submitted' and its URL in Location. Safe to retry with an Idempotency-Key: the "
          "same key and body replay the first answer byte for byte (Idempotent-Replayed: "
          "true) and nothing is created twice; the same key with another body is 422, and "
          "while the first attempt is still running 409. Keys are kept for 24 hours.",
      .tags = {"financing"},
      .access = Access::authenticated,
      .params = {idempotency_key_param()},
      .body_schema = application_body_schema(),
      .body_example = application_request_example(),
      .responses =
          {{201, "The application, submitted.", schemas::envelope(application_schema()),
            json::value{{"data", application_example()}}},
           {409,
            "A request with this Idempotency-Key is still running; Retry-After says when to "
            "try again.",
            schemas::error_document(),
            error_example(409, "idempotency_key_in_flight",
                          "A request with this Idempotency-Key is still being processed; retry "
                          "shortly to get its answer.",
                          "header", "Idempotency-Key")},
           {422,
            "The body failed validation (one error per problem, each with a JSON pointer), the "
            "vehicle is not one you can see, or the Idempotency-Key was used for a different "
            "request (source.header).",
            schemas::error_document(),
            error_example(422, "out_of_range", "The amount to finance must be more than 0.",
                          "pointer", "/amount")}},
      .cache = CachePolicy::no_store,
      .rate_class = "lead"});  // a form submission: 20/min per user
  router.add(
      Route{.method = Verb::get,
            .path = "/financing/applications/{id}",
            .handler = get_application,
            .operation_id = "getFinancingApplication",
            .summary = "One financing application",
            .description =
                "An application by id, for its applicant and for staff. Anyone else gets 404, as "
                "for an id that does not exist, so ids cannot be probed.",
            .tags = {"financing"},
            .access = Access::authenticated,
            .params = {ParamSpec{.name = "id",
                                 .in = ParamIn::path,
                                 .type = ParamType::uuid,
                                 .required = true,
                                 .description = "Application id.",
                                 .example = "9d3c1a52-6b1e-4f5e-a0c4-2f9e8b7a6d51"}},
            .responses = {{200, "The application.", schemas::envelope(application_schema()),
                           json::value{{"data", application_example()}}},
                          {404, "No application of yours (or, for staff, none at all) has that id.",
                           schemas::error_document(), nullptr}},
            .cache = CachePolicy::no_store,
            .rate_class = "read"});
}

}  // namespace forecourt::api
