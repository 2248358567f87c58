#include "http/errors.hpp"

#include <boost/json.hpp>

namespace forecourt::http {

HttpError::HttpError(int status, std::string code, std::string detail) : status_(status) {
  errors_.push_back(ErrorObject{
      status, std::move(code), std::string(status_title(status)), std::move(detail), {}, {}, {}});
}

HttpError::HttpError(std::vector<ErrorObject> errors)
    : status_(errors.empty() ? 500 : errors.front().status), errors_(std::move(errors)) {
  for (auto& e : errors_) {
    if (e.title.empty()) e.title = std::string(status_title(e.status));
  }
}

HttpError& HttpError::with_header(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
  return *this;
}
HttpError& HttpError::with_parameter(std::string name) {
  errors_.front().parameter = std::move(name);
  return *this;
}
HttpError& HttpError::with_pointer(std::string pointer) {
  errors_.front().pointer = std::move(pointer);
  return *this;
}

const char* HttpError::what() const noexcept {
  return errors_.empty() ? "http error" : errors_.front().detail.c_str();
}

std::string_view status_title(int status) {
  switch (status) {
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return status >= 500 ? "Server Error" : "Client Error";
  }
}

HttpError bad_parameter(std::string parameter, std::string code, std::string detail) {
  HttpError e(400, std::move(code), std::move(detail));
  e.with_parameter(std::move(parameter));
  return e;
}

HttpError not_found(std::string detail) { return {404, "not_found", std::move(detail)}; }

HttpError method_not_allowed(const std::string& allow) {
  HttpError e(405, "method_not_allowed",
              "This path does not support that method; see the Allow header.");
  e.with_header("Allow", allow);
  return e;
}

HttpError unavailable(std::string code, std::string detail, int retry_after_seconds) {
  HttpError e(503, std::move(code), std::move(detail));
  e.with_header("Retry-After", std::to_string(retry_after_seconds));
  return e;
}

HttpError from_problem_in_body(const Problem& p) {
  HttpError e(422, p.code, p.detail);
  if (!p.field.empty()) e.with_pointer(p.field.front() == '/' ? p.field : "/" + p.field);
  return e;
}

HttpError from_problem_in_query(const Problem& p) {
  HttpError e(400, p.code, p.detail);
  if (!p.field.empty()) e.with_parameter(p.field);
  return e;
}

std::string error_document(const std::vector<ErrorObject>& errors, std::string_view request_id) {
  boost::json::array list;
  list.reserve(errors.size());
  for (const auto& e : errors) {
    boost::json::object o;
    o["status"] = std::to_string(e.status);  // JSON:API: status is a string
    o["code"] = e.code;
    o["title"] = e.title.empty() ? std::string(status_title(e.status)) : e.title;
    o["detail"] = e.detail;
    boost::json::object source;
    if (!e.pointer.empty()) source["pointer"] = e.pointer;
    if (!e.parameter.empty()) source["parameter"] = e.parameter;
    if (!e.header.empty()) source["header"] = e.header;
    if (!source.empty()) o["source"] = std::move(source);
    list.push_back(std::move(o));
  }
  boost::json::object doc;
  doc["errors"] = std::move(list);
  doc["meta"] = boost::json::object{{"request_id", request_id}};
  return boost::json::serialize(doc);
}

}  // namespace forecourt::http
