#include "http/json_schema.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <set>
#include <stdexcept>
#include <valijson/adapters/boost_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "http/params.hpp"

namespace forecourt::http {
namespace json = boost::json;

namespace {

// valijson's copy of the schema:
// * `format` removed: valijson 1.0 knows only date/time formats and throws when one meets a
//   non-string; formats are checked by check_formats() below, with clearer messages.
// * `additionalProperties: false` becomes `{"not": {}}`, so valijson reports every unknown
//   field at its own pointer instead of only the first one at the parent.
json::value for_valijson(const json::value& schema) {
  if (schema.is_array()) {
    json::array out;
    for (const auto& v : schema.as_array()) out.push_back(for_valijson(v));
    return out;
  }
  if (!schema.is_object()) return schema;
  json::object out;
  for (const auto& kv : schema.as_object()) {
    auto key = kv.key();
    if (key == "format" || key == "example" || key == "examples" || key.starts_with("x-")) {
      continue;
    }
    if (key == "enum" || key == "const" || key == "default") {
      out[key] = kv.value();  // data, not schemas
    } else if (key == "properties" && kv.value().is_object()) {
      json::object props;  // property names are data here, not keywords
      for (const auto& p : kv.value().as_object()) props[p.key()] = for_valijson(p.value());
      out[key] = std::move(props);
    } else if (key == "additionalProperties" && kv.value().is_bool() && !kv.value().as_bool()) {
      out[key] = json::object{{"not", json::object{}}};
    } else {
      out[key] = for_valijson(kv.value());
    }
  }
  return out;
}

bool is_email(std::string_view s) {
  // Deliberately plain: local@domain.tld, no spaces, one @, a dot in the domain.
  auto at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.size() > 254 ||
      s.find('@', at + 1) != std::string_view::npos)
    return false;
  auto domain = s.substr(at + 1);
  auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 2 > domain.size()) return false;
  return std::none_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '<' || c == '>' || c == ',';
  });
}

bool is_vin(std::string_view s) {
  // ISO 3779: 17 characters, digits and capitals except I, O and Q. The check digit is a
  // North American rule, verified by domain::vin where it applies.
  return s.size() == 17 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') ||
                  (c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && c != 'Q');
         });
}

std::string format_name(std::string_view format) {
  if (format == "uuid") return "a UUID";
  if (format == "email") return "an email address";
  if (format == "date") return "a date (YYYY-MM-DD)";
  if (format == "date-time") return "an RFC 3339 date-time";
  if (format == "vin") return "a 17-character VIN (digits and capitals, no I, O or Q)";
  return "in format " + std::string(format);
}

std::string field_label(const std::string& pointer) {
  if (pointer.empty()) return "The body";
  auto slash = pointer.rfind('/');
  std::string name = pointer.substr(slash + 1);
  // Unescape ~1 and ~0 for the message.
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '~' && i + 1 < name.size()) {
      out += name[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += name[i];
    }
  }
  return out;
}

void check_formats(const json::value& schema, const json::value& value, const std::string& pointer,
                   std::vector<ErrorObject>& errors) {
  if (!schema.is_object()) return;
  const auto& s = schema.as_object();
  if (auto f = s.find("format"); f != s.end() && f->value().is_string() && value.is_string()) {
    std::string_view format = f->value().as_string();
    if (!matches_format(format, value.as_string())) {
      errors.push_back(ErrorObject{422,
                                   "invalid_format",
                                   {},
                                   field_label(pointer) + " must be " + format_name(format) + ".",
                                   pointer,
                                   {},
                                   {}});
    }
  }
  if (value.is_object()) {
    const auto* props = s.if_contains("properties");
    const auto* extra = s.if_contains("additionalProperties");
    for (const auto& kv : value.as_object()) {
      auto child = pointer + "/" + pointer_segment(kv.key());
      if (props != nullptr && props->is_object() && props->as_object().contains(kv.key())) {
        check_formats(props->as_object().at(kv.key()), kv.value(), child, errors);
      } else if (extra != nullptr && extra->is_object()) {
        check_formats(*extra, kv.value(), child, errors);
      }
    }
  }
  if (value.is_array()) {
    if (const auto* items = s.if_contains("items"); items != nullptr && items->is_object()) {
      std::size_t i = 0;
      for (const auto& item : value.as_array())
        check_formats(*items, item, pointer + "/" + std::to_string(i++), errors);
    }
  }
  if (const auto* all = s.if_contains("allOf"); all != nullptr && all->is_array()) {
    for (const auto& sub : all->as_array()) check_formats(sub, value, pointer, errors);
  }
}

// The subschema at a pointer, following properties/items/additionalProperties (for messages).
const json::value* schema_at(const json::value& schema, const std::vector<std::string>& path) {
  const json::value* at = &schema;
  for (const auto& seg : path) {
    if (!at->is_object()) return nullptr;
    const auto& o = at->as_object();
    const json::value* next = nullptr;
    if (const auto* props = o.if_contains("properties"); props && props->is_object())
      next = props->as_object().if_contains(seg);
    if (next == nullptr) next = o.if_contains("items");
    if (next == nullptr) next = o.if_contains("additionalProperties");
    if (next == nullptr || !next->is_object()) return nullptr;
    at = next;
  }
  return at;
}

std::string describe_types(const json::value* schema) {
  if (schema == nullptr || !schema->is_object()) return "of another type";
  const auto* type = schema->as_object().if_contains("type");
  if (type == nullptr) return "of another type";
  auto one = [](std::string_view t) -> std::string {
    if (t == "integer") return "an integer";
    if (t == "object") return "an object";
    if (t == "array") return "an array";
    if (t == "null") return "null";
    if (t == "boolean") return "true or false";
    return "a " + std::string(t);
  };
  if (type->is_string()) return one(type->as_string());
  std::string out;
  if (type->is_array()) {
    for (const auto& t : type->as_array()) {
      if (!t.is_string()) continue;
      out += (out.empty() ? "" : " or ") + one(t.as_string());
    }
  }
  return out.empty() ? "of another type" : out;
}

std::string describe_enum(const json::value* schema) {
  if (schema == nullptr || !schema->is_object()) return "one of the allowed values";
  const auto* values = schema->as_object().if_contains("enum");
  if (values == nullptr || !values->is_array()) return "one of the allowed values";
  std::string out;
  for (const auto& v : values->as_array()) {
    out += (out.empty() ? "" : ", ") +
           (v.is_string() ? std::string(v.as_string()) : json::serialize(v));
  }
  return "one of: " + out;
}

std::string describe_bounds(const json::value* schema, std::string_view low_key,
                            std::string_view high_key) {
  if (schema == nullptr || !schema->is_object()) return "within the allowed range";
  const auto& o = schema->as_object();
  const auto* lo = o.if_contains(low_key);
  const auto* hi = o.if_contains(high_key);
  auto text = [](const json::value* v) { return json::serialize(*v); };
  if (lo != nullptr && hi != nullptr) return "between " + text(lo) + " and " + text(hi);
  if (lo != nullptr) return "at least " + text(lo);
  if (hi != nullptr) return "at most " + text(hi);
  return "within the allowed range";
}

// valijson reports a failure of a child also at each parent ("Failed to validate against
// schema associated with property name 'x'"): those echoes are not separate problems.
bool is_echo(std::string_view d) {
  return d.starts_with("Failed to validate against schema associated with property") ||
         d.starts_with("Failed to validate item #") ||
         d.starts_with("Failed to validate against additional properties schema") ||
         d.starts_with("Failed to validate against a conditional schema") ||
         d.starts_with("Failed to validate against child schema") ||
         d.starts_with("Failed to validate against schema associated with pattern");
}

ErrorObject to_error(const json::value& schema, const std::vector<std::string>& path,
                     const std::string& pointer, std::string_view d) {
  const json::value* sub = schema_at(schema, path);
  auto label = field_label(pointer);
  auto make = [&](std::string code, std::string detail, std::string at) {
    return ErrorObject{422, std::move(code), {}, std::move(detail), std::move(at), {}, {}};
  };
  if (d.starts_with("Target should not validate against schema specified in 'not'")) {
    return make("unknown_field", "Unknown field '" + label + "'.", pointer);
  }
  if (d.starts_with("Missing required property '")) {
    auto name = std::string(d.substr(27, d.size() - 27 - 2));
    return make("missing_field", name + " is required.", pointer + "/" + pointer_segment(name));
  }
  if (d.starts_with("Value type not permitted")) {
    return make("invalid_type", label + " must be " + describe_types(sub) + ".", pointer);
  }
  if (d.starts_with("Failed to match against any enum") ||
      d.starts_with("Failed to match expected value set by 'const'")) {
    return make("invalid_value", label + " must be " + describe_enum(sub) + ".", pointer);
  }
  if (d.starts_with("Expected number")) {
    return make("out_of_range",
                label + " must be " + describe_bounds(sub, "minimum", "maximum") + ".", pointer);
  }
  if (d.starts_with("String should be no")) {
    return make(
        "invalid_length",
        label + " must be " + describe_bounds(sub, "minLength", "maxLength") + " characters long.",
        pointer);
  }
  if (d.starts_with("Array should contain")) {
    return make("invalid_length",
                label + " must have " + describe_bounds(sub, "minItems", "maxItems") + " items.",
                pointer);
  }
  if (d.starts_with("Failed to match regex")) {
    return make("invalid_format", label + " does not have the expected format.", pointer);
  }
  return make("invalid_value", label + ": " + std::string(d), pointer);
}

}  // namespace

std::string pointer_segment(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

bool matches_format(std::string_view format, std::string_view value) {
  if (format == "uuid") return is_uuid(value);
  if (format == "email") return is_email(value);
  if (format == "date") return is_date(value);
  if (format == "date-time") return is_date_time(value);
  if (format == "vin") return is_vin(value);
  return true;
}

json::value strict_schema(const json::value& schema) {
  if (schema.is_array()) {
    json::array out;
    for (const auto& v : schema.as_array()) out.push_back(strict_schema(v));
    return out;
  }
  if (!schema.is_object()) return schema;
  json::object out;
  for (const auto& kv : schema.as_object()) {
    if (kv.key() == "properties" && kv.value().is_object()) {
      json::object props;
      for (const auto& p : kv.value().as_object()) props[p.key()] = strict_schema(p.value());
      out[kv.key()] = std::move(props);
    } else if (kv.key() == "example" || kv.key() == "examples" || kv.key() == "enum" ||
               kv.key() == "const" || kv.key() == "default") {
      out[kv.key()] = kv.value();  // data, not schemas
    } else {
      out[kv.key()] = strict_schema(kv.value());
    }
  }
  if (out.contains("properties") && !out.contains("additionalProperties"))
    out["additionalProperties"] = false;
  return out;
}

struct JsonSchema::Compiled {
  valijson::Schema schema;
};

JsonSchema::JsonSchema(const json::value& schema)
    : schema_(schema), compiled_(std::make_unique<Compiled>()) {
  json::value prepared = for_valijson(schema);
  try {
    valijson::SchemaParser parser;
    valijson::adapters::BoostJsonAdapter adapter(prepared);
    parser.populateSchema(adapter, compiled_->schema);
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("unusable JSON Schema: ") + e.what());
  }
}

JsonSchema::~JsonSchema() = default;

std::vector<ErrorObject> JsonSchema::validate(const json::value& instance) const {
  std::vector<ErrorObject> errors;
  valijson::Validator validator;  // holds a regex cache: one per call keeps this thread-safe
  valijson::ValidationResults results;
  valijson::adapters::BoostJsonAdapter target(instance);
  if (!validator.validate(compiled_->schema, target, &results)) {
    valijson::ValidationResults::Error error;
    std::set<std::pair<std::string, std::string>> seen;
    while (results.popError(error)) {
      if (is_echo(error.description)) continue;
      std::vector<std::string> path;
      std::string pointer;
      for (const auto& seg : error.context) {
        if (seg == "<root>") continue;
        // valijson writes "[name]" for properties and "[3]" for array items.
        std::string name = seg.size() >= 2 && seg.front() == '[' && seg.back() == ']'
                               ? seg.substr(1, seg.size() - 2)
                               : seg;
        path.push_back(name);
        pointer += "/" + pointer_segment(name);
      }
      auto e = to_error(schema_, path, pointer, error.description);
      if (seen.emplace(e.pointer, e.code).second) errors.push_back(std::move(e));
    }
  }
  std::vector<ErrorObject> format_errors;
  check_formats(schema_, instance, "", format_errors);
  for (auto& e : format_errors) {
    bool dup = std::any_of(errors.begin(), errors.end(),
                           [&](const ErrorObject& x) { return x.pointer == e.pointer; });
    if (!dup) errors.push_back(std::move(e));
  }
  return errors;
}

}  // namespace forecourt::http
