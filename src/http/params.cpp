#include "http/params.hpp"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <charconv>
#include <cmath>

namespace forecourt::http {
namespace {

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::string_view type_name(ParamType t) {
  switch (t) {
    case ParamType::string:
      return "a string";
    case ParamType::integer:
      return "an integer";
    case ParamType::number:
      return "a number";
    case ParamType::boolean:
      return "true or false";
    case ParamType::uuid:
      return "a UUID";
    case ParamType::enumeration:
      return "one of the listed values";
    case ParamType::date:
      return "a date (YYYY-MM-DD)";
    case ParamType::date_time:
      return "an RFC 3339 date-time";
  }
  return "a value";
}

Problem param_problem(const ParamSpec& spec, std::string code, std::string detail) {
  return Problem{std::move(code), std::move(detail), spec.name};
}

bool digits(std::string_view s, std::size_t from, std::size_t n) {
  if (s.size() < from + n) return false;
  return std::all_of(s.begin() + static_cast<long>(from), s.begin() + static_cast<long>(from + n),
                     [](char c) { return c >= '0' && c <= '9'; });
}

Result<std::string> check_integer(const ParamSpec& spec, std::string_view raw) {
  long long v = 0;
  auto [p, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), v);
  if (raw.empty() || ec != std::errc{} || p != raw.data() + raw.size()) {
    return param_problem(spec, "invalid_type",
                         spec.name + " must be an integer, got '" + std::string(raw) + "'");
  }
  if ((spec.minimum && v < *spec.minimum) || (spec.maximum && v > *spec.maximum)) {
    std::string range = spec.minimum && spec.maximum
                            ? std::to_string(*spec.minimum) + ".." + std::to_string(*spec.maximum)
                        : spec.minimum ? ">= " + std::to_string(*spec.minimum)
                                       : "<= " + std::to_string(*spec.maximum);
    return param_problem(spec, "out_of_range",
                         spec.name + " must be " + range + ", got " + std::to_string(v));
  }
  return std::to_string(v);
}

Result<std::string> check_number(const ParamSpec& spec, std::string_view raw) {
  double v = 0;
  auto [p, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), v);
  if (raw.empty() || ec != std::errc{} || p != raw.data() + raw.size() || !std::isfinite(v)) {
    return param_problem(spec, "invalid_type",
                         spec.name + " must be a number, got '" + std::string(raw) + "'");
  }
  if ((spec.minimum && v < static_cast<double>(*spec.minimum)) ||
      (spec.maximum && v > static_cast<double>(*spec.maximum))) {
    return param_problem(spec, "out_of_range", spec.name + " is out of range");
  }
  return std::string(raw);
}

}  // namespace

bool is_date(std::string_view s) {
  if (!(s.size() == 10 && digits(s, 0, 4) && s[4] == '-' && digits(s, 5, 2) && s[7] == '-' &&
        digits(s, 8, 2)))
    return false;
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool is_date_time(std::string_view s) {
  // 2026-11-25T13:49:31Z / 2026-11-25T13:49:31.123+01:00
  if (s.size() < 20 || !is_date(s.substr(0, 10)) || (s[10] != 'T' && s[10] != 't')) return false;
  if (!digits(s, 11, 2) || s[13] != ':' || !digits(s, 14, 2) || s[16] != ':' || !digits(s, 17, 2))
    return false;
  auto rest = s.substr(19);
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    std::size_t n = 0;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') ++n;
    if (n == 0) return false;
    rest.remove_prefix(n);
  }
  if (rest == "Z" || rest == "z") return true;
  return rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && digits(rest, 1, 2) &&
         rest[3] == ':' && digits(rest, 4, 2);
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !is_hex(s[i])) return false;
  }
  return true;
}

Result<Target> parse_target(std::string_view target) {
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed)
    return Problem{"bad_request_target", "The request target is not a valid URL path.", {}};
  Target out;
  out.path = parsed->path();  // decoded
  if (out.path.find('\0') != std::string::npos)
    return Problem{"bad_request_target", "The path contains a NUL byte.", {}};
  for (auto param : parsed->params()) {
    if (param.key.find('\0') != std::string::npos || param.value.find('\0') != std::string::npos) {
      return Problem{"bad_request_target", "The query contains a NUL byte.", {}};
    }
    out.query.emplace_back(param.key, param.has_value ? param.value : std::string());
  }
  return out;
}

Result<std::string> check_param_value(const ParamSpec& spec, std::string_view raw) {
  switch (spec.type) {
    case ParamType::integer:
      return check_integer(spec, raw);
    case ParamType::number:
      return check_number(spec, raw);
    case ParamType::boolean:
      if (raw == "true" || raw == "1") return std::string("true");
      if (raw == "false" || raw == "0") return std::string("false");
      break;
    case ParamType::uuid:
      if (is_uuid(raw)) {
        std::string lower(raw);
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return lower;
      }
      break;
    case ParamType::enumeration:
      if (std::find(spec.values.begin(), spec.values.end(), raw) != spec.values.end())
        return std::string(raw);
      {
        std::string list;
        for (const auto& v : spec.values) list += (list.empty() ? "" : ", ") + v;
        return param_problem(
            spec, "invalid_value",
            spec.name + " must be one of: " + list + "; got '" + std::string(raw) + "'");
      }
    case ParamType::date:
      if (is_date(raw)) return std::string(raw);
      break;
    case ParamType::date_time:
      if (is_date_time(raw)) return std::string(raw);
      break;
    case ParamType::string: {
      auto len = static_cast<long long>(raw.size());
      if ((spec.minimum && len < *spec.minimum) || (spec.maximum && len > *spec.maximum)) {
        return param_problem(spec, "invalid_length", spec.name + " has an invalid length");
      }
      return std::string(raw);
    }
  }
  return param_problem(spec, "invalid_type",
                       spec.name + " must be " + std::string(type_name(spec.type)) + ", got '" +
                           std::string(raw) + "'");
}

const std::vector<ParamSpec>& global_query_params() {
  static const std::vector<ParamSpec> params = {
      ParamSpec{.name = "view",
                .in = ParamIn::query,
                .type = ParamType::enumeration,
                .description = "`compact` trims the payload for mobile clients.",
                .values = {"full", "compact"},
                .default_value = "full",
                .example = "compact"},
  };
  return params;
}

std::vector<ErrorObject> validate_params(const Route& route, Request& req) {
  std::vector<ErrorObject> errors;
  std::vector<std::string> refused;  // names already reported, so "missing" isn't added
  auto report = [&](const Problem& p, ParamIn in) {
    refused.push_back(p.field);
    ErrorObject e{400, p.code, {}, p.detail, {}, {}, {}};
    (in == ParamIn::header ? e.header : e.parameter) = p.field;
    errors.push_back(std::move(e));
  };
  auto accept = [&](const ParamSpec& spec, std::string_view raw) {
    auto v = check_param_value(spec, raw);
    if (v) {
      req.params.add(spec.name, std::move(*v));
    } else {
      report(v.problem(), spec.in);
    }
  };
  auto find_spec = [&](std::string_view name) -> const ParamSpec* {
    for (const auto& s : route.params) {
      if (s.in == ParamIn::query && s.name == name) return &s;
    }
    for (const auto& s : global_query_params()) {
      if (s.name == name) return &s;
    }
    return nullptr;
  };

  for (const auto& [name, value] : req.path_params) {
    const ParamSpec* spec = nullptr;
    for (const auto& s : route.params) {
      if (s.in == ParamIn::path && s.name == name) spec = &s;
    }
    ParamSpec fallback{.name = name, .in = ParamIn::path};
    accept(spec ? *spec : fallback, value);
  }
  for (const auto& [name, value] : req.query) {
    const ParamSpec* spec = find_spec(name);
    if (spec == nullptr) {
      report(Problem{"unknown_parameter", "Unknown query parameter '" + name + "'.", name},
             ParamIn::query);
      continue;
    }
    if (req.params.has(name) && !spec->list) {
      report(Problem{"duplicate_parameter",
                     "Query parameter '" + name + "' was given more than once.", name},
             ParamIn::query);
      continue;
    }
    if (spec->list) {
      std::string_view rest = value;
      while (true) {
        auto comma = rest.find(',');
        auto item = rest.substr(0, comma);
        if (!item.empty()) accept(*spec, item);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    } else {
      accept(*spec, value);
    }
  }
  auto apply_default = [&](const ParamSpec& spec) {
    if (!req.params.has(spec.name) && !spec.default_value.empty())
      req.params.add(spec.name, spec.default_value);
  };
  for (const auto& spec : global_query_params()) apply_default(spec);
  for (const auto& spec : route.params) {
    if (spec.in == ParamIn::header) {
      auto v = req.header(spec.name);
      if (!v.empty()) accept(spec, v);
    }
    bool reported = std::find(refused.begin(), refused.end(), spec.name) != refused.end();
    if (!req.params.has(spec.name) && !reported) {
      if (spec.required) {
        report(Problem{"missing_parameter", spec.name + " is required.", spec.name}, spec.in);
      } else if (!spec.default_value.empty()) {
        req.params.add(spec.name, spec.default_value);
      }
    }
  }
  return errors;
}

}  // namespace forecourt::http
