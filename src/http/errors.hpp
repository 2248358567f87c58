#pragma once
// The one error model. Anything that fails becomes an HttpError carrying JSON:API error
// objects; `error_document` renders it, and the pipeline's error boundary is the only
// place that turns an exception into a response.
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace forecourt::http {

struct ErrorObject {
  int status = 500;
  std::string code;       // snake_case, stable: clients switch on it
  std::string title;      // the status' short description
  std::string detail;     // one sentence for a human
  std::string pointer;    // source.pointer: JSON pointer into the request body
  std::string parameter;  // source.parameter: query or path parameter
  std::string header;     // source.header
};

class HttpError : public std::exception {
 public:
  HttpError(int status, std::string code, std::string detail);
  explicit HttpError(std::vector<ErrorObject> errors);

  HttpError& with_header(std::string name, std::string value);
  HttpError& with_parameter(std::string name);
  HttpError& with_pointer(std::string pointer);

  [[nodiscard]] int status() const { return status_; }
  [[nodiscard]] const std::vector<ErrorObject>& errors() const { return errors_; }
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& headers() const {
    return headers_;
  }
  [[nodiscard]] const char* what() const noexcept override;

 private:
  int status_;
  std::vector<ErrorObject> errors_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

std::string_view status_title(int status);

// Factories for the common cases, so codes stay consistent across the API.
HttpError bad_parameter(std::string parameter, std::string code, std::string detail);
HttpError not_found(std::string detail = "The requested resource does not exist.");
HttpError method_not_allowed(const std::string& allow);
HttpError unavailable(std::string code, std::string detail, int retry_after_seconds);
// A domain Problem reported against a body field (422) or a query parameter (400).
HttpError from_problem_in_body(const Problem& p);
HttpError from_problem_in_query(const Problem& p);

// {"errors":[...],"meta":{"request_id":...}}
std::string error_document(const std::vector<ErrorObject>& errors, std::string_view request_id);

}  // namespace forecourt::http
