#pragma once
// A value or the reason it could not be produced. Domain code returns these instead of
// throwing, so callers decide how a failure is reported (HTTP maps them in one place).
#include <string>
#include <utility>
#include <variant>

namespace forecourt {

// Why an input or operation was refused. `field` names the offending input: a JSON
// pointer ("/term_months") for bodies, a parameter name ("year_min") for queries.
struct Problem {
  std::string code;    // machine-readable, snake_case: "invalid_vin", "out_of_range"
  std::string detail;  // one sentence for a human
  std::string field;   // optional

  friend bool operator==(const Problem&, const Problem&) = default;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}            // NOLINT(google-explicit-constructor)
  Result(Problem problem) : v_(std::move(problem)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }

  [[nodiscard]] const Problem& problem() const { return std::get<1>(v_); }

 private:
  std::variant<T, Problem> v_;
};

}  // namespace forecourt
