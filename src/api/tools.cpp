// /tools/monthly-estimate and /tools/payment-calc: the amortisation of spec §12, exact to
// the cent (domain/payment: integer cents, exact PMT, half-up rounding, last payment
// settles the rounding). Amounts travel as decimal strings both ways, so nothing is lost
// to binary floating point.
#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

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

// Collects every unreadable parameter before answering, so a form shows all its mistakes.
class QueryReader {
 public:
  explicit QueryReader(const Request& req) : req_(req) {}

  domain::Cents money(std::string_view name, std::string_view fallback = "0") {
    auto text = req_.params.string(name, fallback);
    auto v = domain::parse_money(text, name);
    if (!v) return fail(v.problem(), domain::Cents{});
    return *v;
  }
  domain::Rate percent(std::string_view name, std::string_view fallback = "0") {
    auto text = req_.params.string(name, fallback);
    auto v = domain::parse_percent(text, name);
    if (!v) return fail(v.problem(), domain::Rate{});
    return *v;
  }
  void check() const {
    if (!errors_.empty()) throw http::HttpError(errors_);
  }

 private:
  template <class T>
  T fail(const Problem& p, T fallback) {
    errors_.push_back(http::ErrorObject{400, p.code, {}, p.detail, {}, p.field, {}});
    return fallback;
  }
  const Request& req_;
  std::vector<http::ErrorObject> errors_;
};

json::object quote_json(const domain::LoanQuote& q, domain::Cents down_payment) {
  using domain::format_money;
  return json::object{{"price", format_money(q.price)},
                      {"down_payment", format_money(down_payment)},
                      {"apr", domain::format_percent(q.apr)},
                      {"term_months", q.term_months},
                      {"sales_tax", format_money(q.sales_tax)},
                      {"trade_in_equity", format_money(q.trade_in_equity)},
                      {"amount_financed", format_money(q.amount_financed)},
                      {"cash_back", format_money(q.cash_back)},
                      {"monthly_payment", format_money(q.monthly_payment)},
                      {"final_payment", format_money(q.final_payment)},
                      {"total_of_payments", format_money(q.total_of_payments)},
                      {"total_interest", format_money(q.total_interest)},
                      {"total_cost", format_money(q.total_cost)}};
}

int term_of(const Request& req) {
  return static_cast<int>(req.params.integer("term_months").value_or(60));
}

// The price of a vehicle the caller can see (RLS), in cents.
constexpr std::string_view kVehiclePriceSql =
    "select v.price_current_cents from public.vehicles v where v.id = $1::uuid";

asio::awaitable<Response> monthly_estimate(Request& req) {
  QueryReader in(req);
  bool has_price = req.params.has("price");
  bool has_vehicle = req.params.has("vehicle_id");
  if (has_price == has_vehicle) {
    throw http::bad_parameter("price", "price_or_vehicle_required",
                              "Give either price or vehicle_id (exactly one).");
  }
  domain::Cents price = has_price ? in.money("price") : domain::Cents{};
  auto down = in.money("down_payment");
  auto apr = in.percent("apr");
  in.check();
  json::object extra;
  if (has_vehicle) {
    db::Transaction tx(req.services->db, http::db_identity(req), true);
    db::Query query{kVehiclePriceSql, {req.params.string("vehicle_id")}};
    auto r = co_await tx.query_and_commit(std::move(query));
    if (r.empty()) throw http::not_found("No vehicle has that id.");
    price = domain::Cents{r.integer(0, "price_current_cents")};
    extra["vehicle_id"] = req.params.string("vehicle_id");
  }
  auto quote = domain::monthly_estimate(price, down, apr, term_of(req));
  if (!quote) throw http::from_problem_in_query(quote.problem());
  auto data = quote_json(*quote, down);
  for (auto& kv : extra) data[kv.key()] = kv.value();
  co_return http::json_response(200, json::value{{"data", std::move(data)}});
}

asio::awaitable<Response> payment_calc(Request& req) {
  QueryReader in(req);
  domain::LoanInput loan;
  loan.price = in.money("price");
  loan.down_payment = in.money("down_payment");
  loan.trade_in_value = in.money("trade_in_value");
  loan.trade_in_payoff = in.money("trade_in_payoff");
  loan.apr = in.percent("apr");
  loan.sales_tax_rate = in.percent("sales_tax_rate");
  loan.fees = in.money("fees");
  loan.term_months = term_of(req);
  loan.tax_on_price_minus_trade = req.params.boolean("tax_on_price_minus_trade").value_or(true);
  in.check();
  auto quote = domain::quote_loan(loan);
  if (!quote) throw http::from_problem_in_query(quote.problem());
  auto data = quote_json(*quote, loan.down_payment);
  data["trade_in_value"] = domain::format_money(loan.trade_in_value);
  data["trade_in_payoff"] = domain::format_money(loan.trade_in_payoff);
  data["sales_tax_rate"] = domain::format_percent(loan.sales_tax_rate);
  data["fees"] = domain::format_money(loan.fees);
  data["tax_on_price_minus_trade"] = loan.tax_on_price_minus_trade;
  co_return http::json_response(200, json::value{{"data", std::move(data)}});
}

http::ParamSpec money_param(std::string name, std::string description, std::string example,
                            bool required = false, std::string fallback = "0") {
  return http::ParamSpec{.name = std::move(name),
                         .in = http::ParamIn::query,
                         .type = http::ParamType::string,
                         .required = required,
                         .description = std::move(description) +
                                        " Dollars as a decimal, at most two decimals "
                                        "(\"19500\", \"19500.50\"); 0 to 9999999999.99.",
                         .minimum = 1,
                         .maximum = 16,
                         .default_value = required ? "" : std::move(fallback),
                         .example = std::move(example)};
}

http::ParamSpec percent_param(std::string name, std::string description, std::string example,
                              std::string fallback = "0") {
  return http::ParamSpec{
      .name = std::move(name),
      .in = http::ParamIn::query,
      .type = http::ParamType::string,
      .description = std::move(description) + " A percentage with at most four decimals (\"6.9\").",
      .minimum = 1,
      .maximum = 12,
      .default_value = std::move(fallback),
      .example = std::move(example)};
}

http::ParamSpec term_param() {
  return http::ParamSpec{.name = "term_months",
                         .in = http::ParamIn::query,
                         .type = http::ParamType::integer,
                         .description = "Loan term in months.",
                         .minimum = domain::kMinTermMonths,
                         .maximum = domain::kMaxTermMonths,
                         .default_value = "60",
                         .example = "60"};
}

const json::value& quote_schema() {
  static const auto s = schemas::json(R"({"type":"object",
    "required":["price","down_payment","apr","term_months","amount_financed","monthly_payment",
                "final_payment","total_of_payments","total_interest","total_cost"],
    "properties":{
    "price":{"type":"string","description":"Decimal dollars, exact"},
    "down_payment":{"type":"string"},"apr":{"type":"string","description":"Percent, e.g. \"6.9\""},
    "term_months":{"type":"integer"},
    "sales_tax":{"type":"string"},"trade_in_equity":{"type":"string","description":"Value - payoff; negative equity is financed"},
    "amount_financed":{"type":"string"},"cash_back":{"type":"string"},
    "monthly_payment":{"type":"string","description":"PMT rounded half up to the cent"},
    "final_payment":{"type":"string","description":"The last payment, settling the cent rounding"},
    "total_of_payments":{"type":"string"},"total_interest":{"type":"string"},
    "total_cost":{"type":"string","description":"Price + tax + fees + interest"},
    "vehicle_id":{"type":"string","format":"uuid"},
    "trade_in_value":{"type":"string"},"trade_in_payoff":{"type":"string"},
    "sales_tax_rate":{"type":"string"},"fees":{"type":"string"},
    "tax_on_price_minus_trade":{"type":"boolean"}}})");
  return s;
}

const json::value& bad_input_example() {
  static const auto e = schemas::json(R"({"errors":[{"status":"400","code":"out_of_range",
    "title":"Bad Request","detail":"The APR must be between 0 and 40%.","source":{"parameter":"apr"}}],
    "meta":{"request_id":"3f1c2a7e-1b2c-4d5e-8f90-a1b2c3d4e5f6"}})");
  return e;
}

}  // namespace

void register_tool_routes(http::Router& router) {
  using namespace http;
  router.add(Route{
      .method = Verb::get,
      .path = "/tools/monthly-estimate",
      .handler = monthly_estimate,
      .operation_id = "monthlyEstimate",
      .summary = "Monthly payment estimate",
      .description =
          "M = P·r / (1 − (1+r)^−n) with r = APR/12 and P = price − down payment; at 0% APR "
          "M = P/n. Exact to the cent (Excel PMT agrees): $30,000 at 6.9% over 60 months is "
          "$592.62 a month, at 0% $500.00. Give the price, or a vehicle_id to use that "
          "vehicle's current price. Tax, fees and trade-in: /tools/payment-calc.",
      .tags = {"tools"},
      .access = Access::public_,
      .params = {money_param("price", "Vehicle price (or give vehicle_id).", "30000", false, ""),
                 ParamSpec{.name = "vehicle_id",
                           .in = ParamIn::query,
                           .type = ParamType::uuid,
                           .description = "Use this vehicle's current price instead of price.",
                           .example = "5eed0001-0000-4000-8000-000000000001"},
                 money_param("down_payment", "Down payment (at most the price).", "0"),
                 percent_param("apr", "Annual percentage rate, 0 to 40.", "6.9"), term_param()},
      .responses = {{200, "The estimate.", schemas::envelope(quote_schema()),
                     schemas::json(R"({"data":{"price":"30000.00","down_payment":"0.00","apr":"6.9",
                       "term_months":60,"sales_tax":"0.00","trade_in_equity":"0.00",
                       "amount_financed":"30000.00","cash_back":"0.00","monthly_payment":"592.62",
                       "final_payment":"592.76","total_of_payments":"35557.34",
                       "total_interest":"5557.34","total_cost":"35557.34"}})")},
                    {400,
                     "A parameter is malformed or out of range (each error names it); "
                     "neither or both of price and vehicle_id.",
                     schemas::error_document(), bad_input_example()},
                    {404, "vehicle_id names no visible vehicle.", schemas::error_document(),
                     nullptr}},
      .cache = CachePolicy::public_short,
      .rate_class = "tools"});
  router.add(Route{
      .method = Verb::get,
      .path = "/tools/payment-calc",
      .handler = payment_calc,
      .operation_id = "paymentCalc",
      .summary = "Full payment calculator",
      .description =
          "Amount financed = price + sales tax + fees − down payment − trade-in equity "
          "(equity = trade-in value − payoff; negative equity is added to the loan). Tax is "
          "on the price minus the trade-in value unless tax_on_price_minus_trade=false "
          "(states without a trade-in credit). The payment is the exact PMT rounded half "
          "up; the final payment settles the rounding. Example: $32,500, $3,000 down, "
          "trade-in worth $8,000 with $10,500 owed, 5.49% APR, 72 months, 7.25% tax, $695 "
          "fees: $1,776.25 tax, $34,471.25 financed, $563.03 a month, final $562.74.",
      .tags = {"tools"},
      .access = Access::public_,
      .params = {money_param("price", "Vehicle price.", "32500", true),
                 money_param("down_payment", "Cash down payment (at most the price).", "3000"),
                 money_param("trade_in_value", "What the trade-in is worth.", "8000"),
                 money_param("trade_in_payoff", "Still owed on the trade-in.", "10500"),
                 percent_param("apr", "Annual percentage rate, 0 to 40.", "5.49"), term_param(),
                 percent_param("sales_tax_rate", "Sales tax rate, 0 to 30.", "7.25"),
                 money_param("fees", "Doc, title and registration fees (financed, untaxed).",
                             "695"),
                 ParamSpec{.name = "tax_on_price_minus_trade",
                           .in = ParamIn::query,
                           .type = ParamType::boolean,
                           .description = "Tax the price minus the trade-in value (most US "
                                          "states) or the full price (false).",
                           .default_value = "true",
                           .example = "true"}},
      .responses = {{200, "The quote.", schemas::envelope(quote_schema()),
                     schemas::json(
                         R"({"data":{"price":"32500.00","down_payment":"3000.00","apr":"5.49",
                       "term_months":72,"sales_tax":"1776.25","trade_in_equity":"-2500.00",
                       "amount_financed":"34471.25","cash_back":"0.00","monthly_payment":"563.03",
                       "final_payment":"562.74","total_of_payments":"40537.87",
                       "total_interest":"6066.62","total_cost":"41037.87","trade_in_value":"8000.00",
                       "trade_in_payoff":"10500.00","sales_tax_rate":"7.25","fees":"695.00",
                       "tax_on_price_minus_trade":true}})")},
                    {400, "A parameter is malformed or out of range; each error names it.",
                     schemas::error_document(), bad_input_example()}},
      .cache = CachePolicy::public_short,
      .rate_class = "tools"});
}

}  // namespace forecourt::api
