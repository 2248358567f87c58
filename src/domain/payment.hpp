#pragma once
// Loan payments (spec §12, /tools/monthly-estimate and /tools/payment-calc): the standard
// amortisation M = P·r / (1 − (1+r)^−n), r = APR/12, computed exactly and rounded half up
// to the cent, so quotes match Excel PMT and a lender's disclosure to the cent.
#include <array>
#include <vector>

#include "core/result.hpp"
#include "domain/money.hpp"

namespace forecourt::domain {

inline constexpr int kMinTermMonths = 1;
inline constexpr int kMaxTermMonths = 120;
// The terms shown as "financing options" on a vehicle page.
inline constexpr std::array<int, 6> kStandardTerms = {24, 36, 48, 60, 72, 84};
inline constexpr Rate kMaxApr = Rate::percent(40);
inline constexpr Rate kMaxSalesTaxRate = Rate::percent(30);

struct LoanInput {
  Cents price;
  Cents down_payment;
  Cents trade_in_value;
  Cents trade_in_payoff;  // still owed on the trade-in; beyond its value it joins the loan
  Rate apr;
  int term_months = 60;
  Rate sales_tax_rate;
  Cents fees;  // doc, title, registration: financed, not taxed
  // Most US states tax the price minus the trade-in value; some (e.g. California) the price.
  bool tax_on_price_minus_trade = true;
};

struct LoanQuote {
  Cents price;
  Rate apr;
  int term_months = 0;
  Cents sales_tax;
  Cents trade_in_equity;  // value − payoff; negative equity was added to the loan
  Cents amount_financed;  // price + tax + fees − down − equity, never below zero
  Cents cash_back;        // owed to the buyer: down + equity beyond price + tax + fees
  Cents monthly_payment;  // PMT rounded half up; 0 when nothing is financed
  // The last payment settles the balance that cent rounding leaves, as lenders do, so
  // total_of_payments is what the buyer really pays.
  Cents final_payment;
  Cents total_of_payments;
  Cents total_interest;  // total_of_payments − amount_financed
  // What this car costs in all: price + tax + fees + interest. Down payment + trade equity +
  // total_of_payments = total_cost + cash_back (a rolled-in negative equity is the old
  // car's debt: it is in the payments, offset by the negative equity, not in this cost).
  Cents total_cost;
};

// The full quote with trade-in, tax and fees. Problems name the input: "price",
// "down_payment" (negative or above the price), "trade_in_value", "trade_in_payoff", "apr"
// (0..40%), "term_months" (1..120), "sales_tax_rate" (0..30%), "fees".
Result<LoanQuote> quote_loan(const LoanInput& input);

// The plain estimate of /tools/monthly-estimate: price, down payment, APR, term.
Result<LoanQuote> monthly_estimate(Cents price, Cents down_payment, Rate apr, int term_months);

// One estimate per kStandardTerms term, for the vehicle page.
Result<std::vector<LoanQuote>> standard_financing_options(Cents price, Rate apr,
                                                          Cents down_payment);

// The exact PMT of a principal, rounded half up to the cent; APR 0 gives principal / n
// (rounded the same way). Same validation as quote_loan for "apr" and "term_months";
// principal must be 0..kMaxMoney ("principal").
Result<Cents> monthly_payment(Cents principal, Rate apr, int term_months);

}  // namespace forecourt::domain
