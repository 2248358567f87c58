// /tools/monthly-estimate and /tools/payment-calc over HTTP: the worked values of the
// domain notes to the cent, and every bad input named.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "cli/pg_blocking.hpp"
#include "harness.hpp"

namespace forecourt::testing {
namespace {

namespace json = boost::json;

class PaymentTools : public SharedServerSuite<PaymentTools> {
 protected:
  static json::object data(const std::string& target) {
    auto r = http_get(server_->port(), target);
    EXPECT_EQ(r.status, 200) << target << "\n" << r.body;
    return json::parse(r.body).at("data").as_object();
  }
  // The parameters the 400 names, in order.
  static std::vector<std::string> refused(const std::string& target) {
    auto r = http_get(server_->port(), target);
    EXPECT_EQ(r.status, 400) << target << "\n" << r.body;
    std::vector<std::string> names;
    auto doc = json::parse(r.body);  // named: a range-for over a temporary's member dangles
    for (const auto& e : doc.at("errors").as_array()) {
      names.emplace_back(e.at("source").at("parameter").as_string());
    }
    return names;
  }
};

TEST_F(PaymentTools, MonthlyEstimateMatchesTheWorkedValues) {
  // Domain notes §B2: $30,000 at 6.9% over 60 months -> $592.62; at 0% -> $500.00.
  auto q = data("/tools/monthly-estimate?price=30000&apr=6.9&term_months=60");
  EXPECT_EQ(q.at("monthly_payment").as_string(), "592.62");
  EXPECT_EQ(q.at("final_payment").as_string(), "592.76");
  EXPECT_EQ(q.at("total_of_payments").as_string(), "35557.34");
  EXPECT_EQ(q.at("total_interest").as_string(), "5557.34");
  EXPECT_EQ(q.at("amount_financed").as_string(), "30000.00");
  auto zero = data("/tools/monthly-estimate?price=30000&apr=0&term_months=60");
  EXPECT_EQ(zero.at("monthly_payment").as_string(), "500.00");
  EXPECT_EQ(zero.at("total_interest").as_string(), "0.00");
  // More of the reference table (Python decimal, half up).
  EXPECT_EQ(data("/tools/monthly-estimate?price=25000&apr=4.5&term_months=72")
                .at("monthly_payment")
                .as_string(),
            "396.85");
  EXPECT_EQ(data("/tools/monthly-estimate?price=18750.55&apr=3.99&term_months=48")
                .at("monthly_payment")
                .as_string(),
            "423.29");
  EXPECT_EQ(
      data("/tools/monthly-estimate?price=100&apr=0&term_months=3").at("final_payment").as_string(),
      "33.34");
  // Down payment and the default term (60).
  auto down = data("/tools/monthly-estimate?price=35000&down_payment=5000&apr=6.9");
  EXPECT_EQ(down.at("term_months").as_int64(), 60);
  EXPECT_EQ(down.at("amount_financed").as_string(), "30000.00");
  EXPECT_EQ(down.at("monthly_payment").as_string(), "592.62");
}

TEST_F(PaymentTools, PaymentCalcWithTradeInTaxAndFees) {
  auto q = data(
      "/tools/payment-calc?price=32500&down_payment=3000&trade_in_value=8000&trade_in_payoff=10500"
      "&apr=5.49&term_months=72&sales_tax_rate=7.25&fees=695");
  EXPECT_EQ(q.at("sales_tax").as_string(), "1776.25");
  EXPECT_EQ(q.at("trade_in_equity").as_string(), "-2500.00");
  EXPECT_EQ(q.at("amount_financed").as_string(), "34471.25");
  EXPECT_EQ(q.at("monthly_payment").as_string(), "563.03");
  EXPECT_EQ(q.at("final_payment").as_string(), "562.74");
  EXPECT_EQ(q.at("total_of_payments").as_string(), "40537.87");
  EXPECT_EQ(q.at("total_interest").as_string(), "6066.62");
  EXPECT_EQ(q.at("total_cost").as_string(), "41037.87");
  // A state without a trade-in tax credit.
  auto full = data(
      "/tools/payment-calc?price=32500&down_payment=3000&trade_in_value=8000&trade_in_payoff=10500"
      "&apr=5.49&term_months=72&sales_tax_rate=7.25&fees=695&tax_on_price_minus_trade=false");
  EXPECT_EQ(full.at("sales_tax").as_string(), "2356.25");
  EXPECT_EQ(full.at("monthly_payment").as_string(), "572.50");
  // A trade worth more than the car: nothing financed, cash back.
  auto cash = data(
      "/tools/payment-calc?price=20000&down_payment=5000&trade_in_value=20000&apr=6.9"
      "&sales_tax_rate=6");
  EXPECT_EQ(cash.at("amount_financed").as_string(), "0.00");
  EXPECT_EQ(cash.at("cash_back").as_string(), "5000.00");
  EXPECT_EQ(cash.at("monthly_payment").as_string(), "0.00");
  // The plain case equals the estimate.
  EXPECT_EQ(data("/tools/payment-calc?price=30000&apr=6.9").at("monthly_payment").as_string(),
            "592.62");
}

TEST_F(PaymentTools, EveryBadInputIsA400NamingItsParameter) {
  using V = std::vector<std::string>;
  const std::string est = "/tools/monthly-estimate?";
  EXPECT_EQ(refused(est + "price=30000&apr=40.01"), V{"apr"});
  EXPECT_EQ(refused(est + "price=30000&apr=-1"), V{"apr"});
  EXPECT_EQ(refused(est + "price=30000&apr=abc"), V{"apr"});
  EXPECT_EQ(refused(est + "price=30000&apr=6.12345"), V{"apr"});
  EXPECT_EQ(refused(est + "price=-5&apr=6.9"), V{"price"});
  EXPECT_EQ(refused(est + "price=12.345&apr=6.9"), V{"price"});
  EXPECT_EQ(refused(est + "price=1e5&apr=6.9"), V{"price"});
  EXPECT_EQ(refused(est + "price=99999999999&apr=6.9"), V{"price"});
  EXPECT_EQ(refused(est + "price=30000&term_months=0"), V{"term_months"});
  EXPECT_EQ(refused(est + "price=30000&term_months=121"), V{"term_months"});
  EXPECT_EQ(refused(est + "price=30000&term_months=sixty"), V{"term_months"});
  EXPECT_EQ(refused(est + "price=30000&down_payment=30000.01"), V{"down_payment"});
  EXPECT_EQ(refused(est + "apr=6.9"), V{"price"});  // neither price nor vehicle_id
  EXPECT_EQ(refused(est + "price=30000&vehicle_id=5eed0001-0000-4000-8000-000000000001"),
            V{"price"});
  EXPECT_EQ(refused(est + "price=30000&vehicle_id=nope"), V{"vehicle_id"});
  EXPECT_EQ(refused(est + "price=30000&colour=red"), V{"colour"});
  EXPECT_EQ(refused(est + "price=30000&price=1"), V{"price"});
  // Several mistakes at once are all reported.
  EXPECT_EQ(refused(est + "price=x&down_payment=y&apr=z"), (V{"price", "down_payment", "apr"}));

  const std::string calc = "/tools/payment-calc?";
  EXPECT_EQ(refused(calc + "apr=6.9"), V{"price"});  // price is required
  EXPECT_EQ(refused(calc + "price=30000&sales_tax_rate=31"), V{"sales_tax_rate"});
  EXPECT_EQ(refused(calc + "price=30000&fees=-1"), V{"fees"});
  EXPECT_EQ(refused(calc + "price=30000&trade_in_value=1,000"), V{"trade_in_value"});
  EXPECT_EQ(refused(calc + "price=30000&trade_in_payoff=abc"), V{"trade_in_payoff"});
  EXPECT_EQ(refused(calc + "price=30000&tax_on_price_minus_trade=maybe"),
            V{"tax_on_price_minus_trade"});
  EXPECT_EQ(refused(calc + "price=30000&down_payment=40000"), V{"down_payment"});
}

TEST_F(PaymentTools, EstimateForAVehicleUsesItsCurrentPrice) {
  cli::BlockingPg admin(required_env("MIGRATIONS_DATABASE_URL"));
  ASSERT_TRUE(admin.ok());
  auto row = admin.rows(
      "select id::text, price_current::text from public.vehicles where visible order by id limit 1")
                 [0];
  auto q = data("/tools/monthly-estimate?vehicle_id=" + row[0] + "&apr=0&term_months=1");
  EXPECT_EQ(q.at("vehicle_id").as_string(), row[0]);
  EXPECT_EQ(q.at("price").as_string(), row[1]);
  EXPECT_EQ(q.at("monthly_payment").as_string(), row[1]);
  auto hidden = admin.rows("select id::text from public.vehicles where not visible limit 1")[0][0];
  EXPECT_EQ(http_get(server_->port(), "/tools/monthly-estimate?vehicle_id=" + hidden).status, 404);
}

}  // namespace
}  // namespace forecourt::testing
