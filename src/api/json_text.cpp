#include "api/json_text.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

namespace forecourt::api::json_text {

std::string with_members(std::string_view object, std::string_view members) {
  while (!object.empty() && object.back() != '}') object.remove_suffix(1);
  if (object.empty()) return "{" + std::string(members) + "}";
  object.remove_suffix(1);
  std::string out(object);
  auto last = out.find_last_not_of(" \n\t\r");
  bool empty = last != std::string::npos && out[last] == '{';
  if (!members.empty()) {
    if (!empty) out += ',';
    out += members;
  }
  out += '}';
  return out;
}

std::string array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += items[i];
  }
  out += ']';
  return out;
}

std::string member(std::string_view key, std::string_view json_value) {
  return boost::json::serialize(boost::json::string(key)) + ":" + std::string(json_value);
}

}  // namespace forecourt::api::json_text
