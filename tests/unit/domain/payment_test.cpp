#include "domain/payment.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "printers.hpp"

namespace forecourt::domain {
namespace {

Rate pct(std::string_view text) { return *parse_percent(text); }
Cents usd(std::string_view text) { return *parse_money(text); }

struct WorkedValue {
  const char* principal;
  const char* apr;
  int months;
  const char* monthly;
};

// Computed with Python's decimal module at 60 digits, rounded ROUND_HALF_UP to the cent:
//   r = apr/12/100; m = P*r/(1-(1+r)**-n)  (P/n at 0%)
// The first two are the notes' checks (Excel PMT gives the same).
constexpr WorkedValue kWorkedValues[] = {
    {"30000", "6.9", 60, "592.62"},
    {"30000", "0", 60, "500.00"},
    {"25000", "4.5", 72, "396.85"},
    {"18750.55", "3.99", 48, "423.29"},
    {"42000", "12.49", 84, "752.47"},
    {"1000", "39.99", 12, "102.47"},
    {"35999.99", "7.25", 36, "1115.69"},
    {"10000", "1", 120, "87.60"},
    {"500", "5", 1, "502.08"},
    {"100", "0", 3, "33.33"},
    {"9999999999.99", "40", 120, "339979949.68"},
    {"1", "0.0001", 120, "0.01"},
    {"30000", "6.9", 24, "1341.82"},
    {"30000", "6.9", 36, "924.94"},
    {"30000", "6.9", 48, "717.00"},
    {"30000", "6.9", 72, "510.03"},
    {"30000", "6.9", 84, "451.32"},
    {"0", "6.9", 60, "0.00"},
};

TEST(DomainPayment, MonthlyPaymentMatchesHighPrecisionReference) {
  for (const auto& w : kWorkedValues) {
    auto m = monthly_payment(usd(w.principal), pct(w.apr), w.months);
    ASSERT_TRUE(m.ok()) << w.principal;
    EXPECT_EQ(format_money(*m), w.monthly)
        << w.principal << " at " << w.apr << "% for " << w.months;
  }
}

// The factors of the last APR quoted at each term are kept per thread (payment.cpp): answers
// must not depend on what was quoted before. Every worked value, in shuffled orders, with
// repeats (hits), other APRs at the same term (evictions) and other principals in between.
TEST(DomainPayment, KeptFactorsNeverChangeAnAnswer) {
  std::vector<std::size_t> order(std::size(kWorkedValues));
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937 rng(7);  // NOLINT(cert-msc51-cpp): reproducible on purpose
  for (int round = 0; round < 20; ++round) {
    std::shuffle(order.begin(), order.end(), rng);
    for (std::size_t i : order) {
      const auto& w = kWorkedValues[i];
      auto m = monthly_payment(usd(w.principal), pct(w.apr), w.months);
      ASSERT_TRUE(m.ok()) << w.principal;
      EXPECT_EQ(format_money(*m), w.monthly)
          << w.principal << " at " << w.apr << "% for " << w.months << ", round " << round;
      ASSERT_TRUE(monthly_payment(usd("12345.67"), pct(w.apr), w.months).ok());
    }
  }
}

TEST(DomainPayment, ZeroAprDividesAndRoundsHalfUp) {
  EXPECT_EQ(*monthly_payment(usd("100.10"), Rate{}, 4), usd("25.03"));  // 25.025
  EXPECT_EQ(*monthly_payment(usd("0.05"), Rate{}, 2), usd("0.03"));     // 2.5 cents
  EXPECT_EQ(*monthly_payment(usd("0.05"), Rate{}, 3), usd("0.02"));     // 1.67 cents
  EXPECT_EQ(*monthly_payment(usd("120"), Rate{}, 120), usd("1.00"));
}

TEST(DomainPayment, MonthlyPaymentValidatesItsInputs) {
  EXPECT_EQ(monthly_payment(Cents{-1}, pct("5"), 60).problem().field, "principal");
  EXPECT_EQ(monthly_payment(Cents{kMaxMoney.count() + 1}, pct("5"), 60).problem().field,
            "principal");
  EXPECT_EQ(monthly_payment(usd("1000"), pct("40.0001"), 60).problem().field, "apr");
  EXPECT_EQ(monthly_payment(usd("1000"), Rate::from_ppm(-1), 60).problem().field, "apr");
  EXPECT_EQ(monthly_payment(usd("1000"), pct("5"), 0).problem().field, "term_months");
  EXPECT_EQ(monthly_payment(usd("1000"), pct("5"), 121).problem().code, "out_of_range");
  EXPECT_TRUE(monthly_payment(usd("1000"), pct("40"), 120).ok());
  EXPECT_TRUE(monthly_payment(usd("1000"), Rate{}, 1).ok());
}

// Expected quotes from a Python reference (decimal, half up) that runs the same schedule:
// monthly interest rounded half up on the balance, the last month paying what is left.
TEST(DomainPayment, PlainQuoteOfTheNotesExample) {
  auto q = monthly_estimate(usd("30000"), Cents{}, pct("6.9"), 60);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->price, usd("30000"));
  EXPECT_EQ(q->apr, pct("6.9"));
  EXPECT_EQ(q->term_months, 60);
  EXPECT_EQ(q->amount_financed, usd("30000"));
  EXPECT_EQ(q->monthly_payment, usd("592.62"));
  EXPECT_EQ(q->final_payment, usd("592.76"));
  EXPECT_EQ(q->total_of_payments, usd("35557.34"));
  EXPECT_EQ(q->total_of_payments, q->monthly_payment * 59 + q->final_payment);
  EXPECT_EQ(q->total_interest, usd("5557.34"));
  EXPECT_EQ(q->total_cost, usd("35557.34"));
  EXPECT_EQ(q->sales_tax, Cents{});
  EXPECT_EQ(q->trade_in_equity, Cents{});
  EXPECT_EQ(q->cash_back, Cents{});
}

TEST(DomainPayment, ZeroAprQuoteHasNoInterest) {
  auto q = monthly_estimate(usd("30000"), Cents{}, Rate{}, 60);
  EXPECT_EQ(q->monthly_payment, usd("500.00"));
  EXPECT_EQ(q->final_payment, usd("500.00"));
  EXPECT_EQ(q->total_interest, Cents{});
  auto thirds = monthly_estimate(usd("100"), Cents{}, Rate{}, 3);
  EXPECT_EQ(thirds->monthly_payment, usd("33.33"));
  EXPECT_EQ(thirds->final_payment, usd("33.34"));  // the last payment takes the cent
  EXPECT_EQ(thirds->total_of_payments, usd("100"));
  EXPECT_EQ(thirds->total_interest, Cents{});
}

TEST(DomainPayment, DownPaymentReducesTheAmountFinanced) {
  auto q = monthly_estimate(usd("30000"), usd("5000"), pct("6.9"), 60);
  EXPECT_EQ(q->amount_financed, usd("25000"));
  EXPECT_EQ(q->monthly_payment, *monthly_payment(usd("25000"), pct("6.9"), 60));
  EXPECT_EQ(q->total_cost, usd("30000") + q->total_interest);
}

LoanInput full_input() {
  LoanInput in;
  in.price = usd("32500");
  in.down_payment = usd("3000");
  in.trade_in_value = usd("8000");
  in.trade_in_payoff = usd("10500");  // 2500 of negative equity
  in.apr = pct("5.49");
  in.term_months = 72;
  in.sales_tax_rate = pct("7.25");
  in.fees = usd("695");
  return in;
}

TEST(DomainPayment, FullQuoteWithNegativeEquityTaxOnPriceMinusTrade) {
  auto q = quote_loan(full_input());
  ASSERT_TRUE(q.ok()) << q.problem().detail;
  EXPECT_EQ(q->sales_tax, usd("1776.25"));  // 7.25% of 24500
  EXPECT_EQ(q->trade_in_equity, -usd("2500"));
  EXPECT_EQ(q->amount_financed, usd("34471.25"));  // 32500 + 1776.25 + 695 - 3000 + 2500
  EXPECT_EQ(q->monthly_payment, usd("563.03"));
  EXPECT_EQ(q->final_payment, usd("562.74"));
  EXPECT_EQ(q->total_of_payments, usd("40537.87"));
  EXPECT_EQ(q->total_interest, usd("6066.62"));
  EXPECT_EQ(q->total_cost, usd("41037.87"));  // 32500 + 1776.25 + 695 + 6066.62
}

TEST(DomainPayment, TaxOnTheFullPriceWhereTheStateGivesNoTradeCredit) {
  auto in = full_input();
  in.tax_on_price_minus_trade = false;
  auto q = quote_loan(in);
  EXPECT_EQ(q->sales_tax, usd("2356.25"));
  EXPECT_EQ(q->amount_financed, usd("35051.25"));
  EXPECT_EQ(q->monthly_payment, usd("572.50"));
  EXPECT_EQ(q->final_payment, usd("572.47"));
  EXPECT_EQ(q->total_interest, usd("6168.72"));
  EXPECT_EQ(q->total_cost, usd("41719.97"));
}

TEST(DomainPayment, TradeWorthMoreThanThePriceLeavesNothingToFinance) {
  LoanInput in;
  in.price = usd("20000");
  in.down_payment = usd("5000");
  in.trade_in_value = usd("20000");
  in.apr = pct("6.9");
  in.term_months = 60;
  in.sales_tax_rate = pct("6");
  auto q = quote_loan(in);
  EXPECT_EQ(q->sales_tax, Cents{});  // taxable base clamps at 0
  EXPECT_EQ(q->trade_in_equity, usd("20000"));
  EXPECT_EQ(q->amount_financed, Cents{});
  EXPECT_EQ(q->cash_back, usd("5000"));  // 20000 - 5000 - 20000
  EXPECT_EQ(q->monthly_payment, Cents{});
  EXPECT_EQ(q->final_payment, Cents{});
  EXPECT_EQ(q->total_of_payments, Cents{});
  EXPECT_EQ(q->total_interest, Cents{});
  EXPECT_EQ(q->total_cost, usd("20000"));
}

TEST(DomainPayment, TinyLoanPaidOffBeforeTheTermEnds) {
  // 1.00 at 0.0001% over 120 months: PMT 0.0083 rounds up to 0.01, so the balance is gone
  // after 100 months and the remaining payments are 0.
  auto q = monthly_estimate(usd("1"), Cents{}, pct("0.0001"), 120);
  EXPECT_EQ(q->monthly_payment, Cents{1});
  EXPECT_EQ(q->final_payment, Cents{});
  EXPECT_EQ(q->total_of_payments, usd("1"));
  EXPECT_EQ(q->total_interest, Cents{});
}

TEST(DomainPayment, LargestInputsDoNotOverflow) {
  LoanInput in;
  in.price = kMaxMoney;
  in.trade_in_payoff = kMaxMoney;
  in.fees = kMaxMoney;
  in.apr = kMaxApr;
  in.term_months = kMaxTermMonths;
  in.sales_tax_rate = kMaxSalesTaxRate;
  auto q = quote_loan(in);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->amount_financed, Cents{3'299'999'999'997});
  EXPECT_EQ(q->monthly_payment, Cents{112'193'383'395});
  EXPECT_EQ(q->final_payment, Cents{112'193'383'905});
  EXPECT_EQ(q->total_interest, Cents{10'163'206'007'913});
  EXPECT_EQ(q->total_cost, Cents{12'463'206'007'911});
}

TEST(DomainPayment, EveryInputIsValidatedAndNamed) {
  const auto field_of = [](auto mutate) {
    auto in = full_input();
    mutate(in);
    auto q = quote_loan(in);
    EXPECT_FALSE(q.ok());
    if (q.ok()) return std::string("ok");
    EXPECT_EQ(q.problem().code, "out_of_range");
    EXPECT_FALSE(q.problem().detail.empty());
    return q.problem().field;
  };
  EXPECT_EQ(field_of([](LoanInput& i) { i.price = Cents{-1}; }), "price");
  EXPECT_EQ(field_of([](LoanInput& i) { i.price = Cents{kMaxMoney.count() + 1}; }), "price");
  EXPECT_EQ(field_of([](LoanInput& i) { i.down_payment = Cents{-1}; }), "down_payment");
  EXPECT_EQ(field_of([](LoanInput& i) { i.down_payment = i.price + Cents{1}; }), "down_payment");
  EXPECT_EQ(field_of([](LoanInput& i) { i.trade_in_value = Cents{-1}; }), "trade_in_value");
  EXPECT_EQ(field_of([](LoanInput& i) { i.trade_in_payoff = Cents{kMaxMoney.count() + 1}; }),
            "trade_in_payoff");
  EXPECT_EQ(field_of([](LoanInput& i) { i.fees = Cents{-1}; }), "fees");
  EXPECT_EQ(field_of([](LoanInput& i) { i.apr = Rate::from_ppm(-1); }), "apr");
  EXPECT_EQ(field_of([](LoanInput& i) { i.apr = Rate::from_ppm(kMaxApr.ppm() + 1); }), "apr");
  EXPECT_EQ(field_of([](LoanInput& i) { i.term_months = 0; }), "term_months");
  EXPECT_EQ(field_of([](LoanInput& i) { i.term_months = 121; }), "term_months");
  EXPECT_EQ(field_of([](LoanInput& i) { i.sales_tax_rate = Rate::from_ppm(-1); }),
            "sales_tax_rate");
  EXPECT_EQ(field_of([](LoanInput& i) { i.sales_tax_rate = Rate::from_ppm(300'001); }),
            "sales_tax_rate");
}

TEST(DomainPayment, BoundaryInputsAreAccepted) {
  auto in = full_input();
  in.down_payment = in.price;
  in.term_months = 1;
  in.apr = kMaxApr;
  in.sales_tax_rate = kMaxSalesTaxRate;
  EXPECT_TRUE(quote_loan(in).ok());
  in.term_months = 120;
  in.apr = Rate{};
  in.price = Cents{};
  in.down_payment = Cents{};
  EXPECT_TRUE(quote_loan(in).ok());
}

TEST(DomainPayment, StandardFinancingOptionsCoverTheStandardTerms) {
  auto options = standard_financing_options(usd("30000"), pct("6.9"), Cents{});
  ASSERT_TRUE(options.ok());
  ASSERT_EQ(options->size(), kStandardTerms.size());
  const char* expected[] = {"1341.82", "924.94", "717.00", "592.62", "510.03", "451.32"};
  for (std::size_t i = 0; i < kStandardTerms.size(); ++i) {
    EXPECT_EQ((*options)[i].term_months, kStandardTerms[i]);
    EXPECT_EQ(format_money((*options)[i].monthly_payment), expected[i]);
  }
}

TEST(DomainPayment, StandardFinancingOptionsValidate) {
  auto options = standard_financing_options(usd("30000"), pct("6.9"), usd("30000.01"));
  ASSERT_FALSE(options.ok());
  EXPECT_EQ(options.problem().field, "down_payment");
  EXPECT_EQ(standard_financing_options(usd("30000"), pct("41"), Cents{}).problem().field, "apr");
}

// Identities that must hold for any valid input, over a deterministic random sample.
TEST(DomainPayment, QuoteInvariantsHoldAcrossRandomInputs) {
  std::mt19937_64 rng(20'261'125);  // NOLINT(cert-msc51-cpp): reproducible on purpose
  const auto uniform = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  for (int i = 0; i < 2'000; ++i) {
    LoanInput in;
    in.price = Cents{uniform(0, 20'000'000)};
    in.down_payment = Cents{uniform(0, in.price.count())};
    in.trade_in_value = Cents{uniform(0, 3'000'000)};
    in.trade_in_payoff = Cents{uniform(0, 3'000'000)};
    in.apr = Rate::from_ppm(uniform(0, kMaxApr.ppm()));
    in.term_months = static_cast<int>(uniform(1, 120));
    in.sales_tax_rate = Rate::from_ppm(uniform(0, 120'000));
    in.fees = Cents{uniform(0, 200'000)};
    in.tax_on_price_minus_trade = uniform(0, 1) == 1;
    auto q = quote_loan(in);
    ASSERT_TRUE(q.ok());
    EXPECT_GE(q->amount_financed, Cents{});
    EXPECT_TRUE(q->amount_financed == Cents{} || q->cash_back == Cents{});
    EXPECT_GE(q->final_payment, Cents{});
    EXPECT_GE(q->total_interest, Cents{});
    EXPECT_LE(q->total_of_payments, q->monthly_payment * q->term_months + q->final_payment);
    EXPECT_EQ(q->total_of_payments, q->amount_financed + q->total_interest);
    EXPECT_EQ(q->total_cost, in.price + q->sales_tax + in.fees + q->total_interest);
    // Down payment, trade equity and payments pay exactly the car's total cost.
    EXPECT_EQ(in.down_payment + q->trade_in_equity + q->total_of_payments,
              q->total_cost + q->cash_back);
  }
}

}  // namespace
}  // namespace forecourt::domain
