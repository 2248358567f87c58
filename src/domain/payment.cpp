#include "domain/payment.hpp"

#include <algorithm>
#include <array>
#include <boost/multiprecision/cpp_int.hpp>
#include <optional>
#include <string>

namespace forecourt::domain {
namespace {

using boost::multiprecision::cpp_int;

// r = APR / 12 = apr_ppm / kMonthlyDenominator, exactly.
constexpr std::int64_t kMonthlyDenominator = std::int64_t{12} * 1'000'000;

Problem out_of_range(std::string field, std::string detail) {
  return Problem{"out_of_range", std::move(detail), std::move(field)};
}

std::optional<Problem> check_money(Cents amount, const char* field) {
  if (amount < Cents{} || amount > kMaxMoney) {
    return out_of_range(field,
                        std::string("Must be between 0 and ") + format_money(kMaxMoney) + ".");
  }
  return std::nullopt;
}

std::optional<Problem> check_terms(Rate apr, int term_months) {
  if (apr < Rate{} || apr > kMaxApr) {
    return out_of_range("apr", "The APR must be between 0 and 40%.");
  }
  if (term_months < kMinTermMonths || term_months > kMaxTermMonths) {
    return out_of_range("term_months", "The term must be between 1 and 120 months.");
  }
  return std::nullopt;
}

std::optional<Problem> check_input(const LoanInput& in) {
  if (auto p = check_money(in.price, "price")) return p;
  if (auto p = check_money(in.down_payment, "down_payment")) return p;
  if (in.down_payment > in.price) {
    return out_of_range("down_payment", "The down payment cannot exceed the price.");
  }
  if (auto p = check_money(in.trade_in_value, "trade_in_value")) return p;
  if (auto p = check_money(in.trade_in_payoff, "trade_in_payoff")) return p;
  if (auto p = check_money(in.fees, "fees")) return p;
  if (auto p = check_terms(in.apr, in.term_months)) return p;
  if (in.sales_tax_rate < Rate{} || in.sales_tax_rate > kMaxSalesTaxRate) {
    return out_of_range("sales_tax_rate", "The sales tax rate must be between 0 and 30%.");
  }
  return std::nullopt;
}

// num / den rounded half up, for num >= 0 and den > 0.
cpp_int divide_half_up(const cpp_int& num, const cpp_int& den) {
  return (2 * num + den) / (2 * den);
}

// PMT as an exact fraction: with r = a/D and N = D + a,
//   M = P·r·(1+r)^n / ((1+r)^n − 1) = P·a·N^n / (D·(N^n − D^n)).
// N^n has ~3000 bits at n = 120: big integers make this exact, where long double would
// leave the last cent to chance on half-cent boundaries.
//
// Everything but P depends only on the APR and the term, and the powers were most of a
// quote's cost: the vehicle page quotes one APR at five terms for every car. So the factors
// of the last APR quoted at each term are kept per thread (terms are 1..120 months).
struct PmtFactors {
  std::int64_t apr_ppm = -1;  // -1: nothing kept yet
  cpp_int numerator;          // a·N^n
  cpp_int denominator;        // D·(N^n − D^n)
};

const PmtFactors& pmt_factors(Rate apr, int n) {
  thread_local std::array<PmtFactors, kMaxTermMonths + 1> kept;
  auto& f = kept.at(static_cast<std::size_t>(n));  // the slot is the term
  if (f.apr_ppm != apr.ppm()) {
    const auto unsigned_n = static_cast<unsigned>(n);
    const cpp_int d = kMonthlyDenominator;
    const cpp_int a = apr.ppm();
    const cpp_int growth = boost::multiprecision::pow(d + a, unsigned_n);
    f.numerator = a * growth;
    f.denominator = d * (growth - boost::multiprecision::pow(d, unsigned_n));
    f.apr_ppm = apr.ppm();
  }
  return f;
}

Cents exact_pmt(Cents principal, Rate apr, int n) {
  if (apr.ppm() == 0) {
    return Cents{divide_half_up(principal.count(), n).convert_to<std::int64_t>()};
  }
  const PmtFactors& f = pmt_factors(apr, n);
  return Cents{divide_half_up(cpp_int(principal.count()) * f.numerator, f.denominator)
                   .convert_to<std::int64_t>()};
}

// One month's interest on a balance, rounded half up to the cent. balance <= ~4e12 and
// apr <= 4e5 ppm keep the product below 2e18: no overflow in int64.
Cents monthly_interest(Cents balance, Rate apr) {
  return Cents{(balance.count() * apr.ppm() + kMonthlyDenominator / 2) / kMonthlyDenominator};
}

// Runs the cent-rounded schedule: each month accrues interest and pays the PMT, the last
// month pays whatever is left. Fills the payment fields of `q`.
void amortise(LoanQuote& q) {
  q.monthly_payment = exact_pmt(q.amount_financed, q.apr, q.term_months);
  Cents balance = q.amount_financed;
  for (int month = 1; month <= q.term_months; ++month) {
    const Cents due = balance + monthly_interest(balance, q.apr);
    const Cents paid = month == q.term_months ? due : std::min(q.monthly_payment, due);
    q.total_of_payments += paid;
    q.final_payment = paid;
    balance = due - paid;
  }
  q.total_interest = q.total_of_payments - q.amount_financed;
}

}  // namespace

Result<LoanQuote> quote_loan(const LoanInput& in) {
  if (auto p = check_input(in)) return *std::move(p);
  LoanQuote q;
  q.price = in.price;
  q.apr = in.apr;
  q.term_months = in.term_months;
  const Cents taxable =
      in.tax_on_price_minus_trade ? std::max(in.price - in.trade_in_value, Cents{}) : in.price;
  q.sales_tax = apply_rate(taxable, in.sales_tax_rate);
  q.trade_in_equity = in.trade_in_value - in.trade_in_payoff;
  const Cents owed = in.price + q.sales_tax + in.fees - in.down_payment - q.trade_in_equity;
  q.amount_financed = std::max(owed, Cents{});
  q.cash_back = std::max(-owed, Cents{});
  amortise(q);
  q.total_cost = in.price + q.sales_tax + in.fees + q.total_interest;
  return q;
}

Result<LoanQuote> monthly_estimate(Cents price, Cents down_payment, Rate apr, int term_months) {
  LoanInput in;
  in.price = price;
  in.down_payment = down_payment;
  in.apr = apr;
  in.term_months = term_months;
  return quote_loan(in);
}

Result<std::vector<LoanQuote>> standard_financing_options(Cents price, Rate apr,
                                                          Cents down_payment) {
  std::vector<LoanQuote> options;
  options.reserve(kStandardTerms.size());
  for (int term : kStandardTerms) {
    auto quote = monthly_estimate(price, down_payment, apr, term);
    if (!quote) return quote.problem();
    options.push_back(std::move(quote).value());
  }
  return options;
}

Result<Cents> monthly_payment(Cents principal, Rate apr, int term_months) {
  if (auto p = check_money(principal, "principal")) return *std::move(p);
  if (auto p = check_terms(apr, term_months)) return *std::move(p);
  return exact_pmt(principal, apr, term_months);
}

}  // namespace forecourt::domain
