#include "domain/structured_data.hpp"

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>
#include <utility>

#include "domain/ascii.hpp"
#include "domain/schedule.hpp"

namespace forecourt::domain {
namespace {

namespace json = boost::json;
using Label = std::pair<std::string_view, std::string_view>;

constexpr std::string_view kSchema = "https://schema.org/";

// Stored codes -> the words shoppers and search engines use. An unknown code is passed
// through unchanged: better a raw value than a dropped property.
constexpr std::array<Label, 7> kFuel = {{{"petrol", "Gasoline"},
                                         {"diesel", "Diesel"},
                                         {"hybrid", "Hybrid"},
                                         {"plugin_hybrid", "Plug-In Hybrid"},
                                         {"electric", "Electric"},
                                         {"flex", "Flex Fuel"},
                                         {"hydrogen", "Hydrogen"}}};
constexpr std::array<Label, 4> kTransmission = {{{"automatic", "Automatic"},
                                                 {"manual", "Manual"},
                                                 {"cvt", "CVT"},
                                                 {"dual_clutch", "Dual-Clutch"}}};
// schema.org DriveWheelConfigurationValue members.
constexpr std::array<Label, 4> kDrive = {{{"fwd", "FrontWheelDriveConfiguration"},
                                          {"rwd", "RearWheelDriveConfiguration"},
                                          {"awd", "AllWheelDriveConfiguration"},
                                          {"4wd", "FourWheelDriveConfiguration"}}};
constexpr std::array<Label, 9> kBody = {{{"sedan", "Sedan"},
                                         {"suv", "SUV"},
                                         {"truck", "Pickup Truck"},
                                         {"coupe", "Coupe"},
                                         {"convertible", "Convertible"},
                                         {"hatchback", "Hatchback"},
                                         {"wagon", "Wagon"},
                                         {"van", "Van"},
                                         {"minivan", "Minivan"}}};

template <std::size_t N>
std::optional<std::string_view> find_label(const std::array<Label, N>& table,
                                           std::string_view code) {
  const auto* it =
      std::find_if(table.begin(), table.end(), [&](const Label& l) { return l.first == code; });
  if (it == table.end()) return std::nullopt;
  return it->second;
}

template <std::size_t N>
std::string label_or_code(const std::array<Label, N>& table, std::string_view code) {
  return std::string(find_label(table, code).value_or(code));
}

std::string capitalised(std::string text) {
  if (!text.empty()) text[0] = ascii_upper(text[0]);
  return text;
}

std::string schema_url(std::string_view member) {
  return std::string(kSchema) + std::string(member);
}

void put_if(json::object& o, std::string_view key, const std::string& value) {
  if (!value.empty()) o[key] = value;
}

std::string_view availability(StockStatus s) {
  switch (s) {
    case StockStatus::in_transit:
    case StockStatus::on_order:
      return "PreOrder";
    case StockStatus::reserved:
      return "LimitedAvailability";
    case StockStatus::sold:
      return "SoldOut";
    case StockStatus::in_stock:
      break;
  }
  return "InStock";
}

json::object postal_address(const DealerInfo& d, const json::storage_ptr& sp) {
  json::object a({{"@type", "PostalAddress"}}, sp);
  put_if(a, "streetAddress", d.street);
  put_if(a, "addressLocality", d.city);
  put_if(a, "addressRegion", d.region);
  put_if(a, "postalCode", d.postal_code);
  put_if(a, "addressCountry", d.country);
  return a;
}

json::object seller(const DealerInfo& d, const json::storage_ptr& sp) {
  json::object s({{"@type", "AutoDealer"}}, sp);
  put_if(s, "name", d.name);
  put_if(s, "telephone", d.telephone);
  put_if(s, "url", d.url);
  s["address"] = postal_address(d, sp);
  return s;
}

json::object offer(const VehicleListing& v, const std::string& condition,
                   const json::storage_ptr& sp) {
  json::object o({{"@type", "Offer"},
                  {"price", format_money(v.price)},
                  {"priceCurrency", v.currency},
                  {"availability", schema_url(availability(v.stock_status))},
                  {"itemCondition", condition}},
                 sp);
  put_if(o, "url", v.url);
  o["seller"] = seller(v.dealer, sp);
  return o;
}

void put_specs(json::object& car, const VehicleListing& v) {
  if (!v.body_type.empty()) car["bodyType"] = label_or_code(kBody, v.body_type);
  if (!v.fuel.empty()) car["fuelType"] = label_or_code(kFuel, v.fuel);
  if (!v.transmission.empty()) {
    car["vehicleTransmission"] = label_or_code(kTransmission, v.transmission);
  }
  if (auto drive = find_label(kDrive, v.drivetrain)) {
    car["driveWheelConfiguration"] = schema_url(*drive);
  } else {
    put_if(car, "driveWheelConfiguration", v.drivetrain);
  }
  put_if(car, "color", capitalised(v.color_ext));
  put_if(car, "vehicleInteriorColor", v.color_int);
  if (v.doors) car["numberOfDoors"] = *v.doors;
  if (v.seats) car["vehicleSeatingCapacity"] = *v.seats;
}

// ---- ADF/XML ------------------------------------------------------------------------

std::string_view interest_code(AdfInterest i) {
  switch (i) {
    case AdfInterest::lease:
      return "lease";
    case AdfInterest::sell:
      return "sell";
    case AdfInterest::trade_in:
      return "trade-in";
    case AdfInterest::test_drive:
      return "test-drive";
    case AdfInterest::buy:
      break;
  }
  return "buy";
}

// <tag attrs>escaped text</tag>, or nothing when the text is empty.
void element(std::string& out, std::string_view indent, std::string_view tag, std::string_view text,
             std::string_view attrs = {}) {
  if (text.empty()) return;
  out += indent;
  out += '<';
  out += tag;
  out += attrs;
  out += '>' + xml_escape(text) + "</";
  out += tag;
  out += ">\n";
}

std::string attr(std::string_view name, std::string_view value) {
  std::string out = " ";
  out.append(name).append("=\"").append(xml_escape(value)).append("\"");
  return out;
}

void adf_vehicle(std::string& out, const AdfLead& lead) {
  // ADF requires a vehicle element; a general enquiry sends an empty one.
  const auto* v = lead.vehicle ? &*lead.vehicle : nullptr;
  const bool is_new = v != nullptr && v->condition == VehicleCondition::new_vehicle;
  const std::string open = "    <vehicle" + attr("interest", interest_code(lead.interest)) +
                           attr("status", is_new || v == nullptr ? "new" : "used");
  if (v == nullptr) {
    out += open + "/>\n";
    return;
  }
  out += open + ">\n";
  constexpr std::string_view in = "      ";
  element(out, in, "year", v->year > 0 ? std::to_string(v->year) : "");
  element(out, in, "make", v->make);
  element(out, in, "model", v->model);
  element(out, in, "vin", v->vin);
  element(out, in, "stock", v->stock_no);
  element(out, in, "trim", v->trim);
  element(out, in, "odometer", std::to_string(v->mileage), attr("units", "mi"));
  element(out, in, "price", format_money(v->price),
          attr("type", "asking") + attr("currency", v->currency));
  element(out, in, "comments", v->url);
  out += "    </vehicle>\n";
}

void adf_customer(std::string& out, const AdfCustomer& c) {
  constexpr std::string_view in = "        ";
  out += "    <customer>\n      <contact>\n";
  element(out, in, "name", c.first_name, attr("part", "first") + attr("type", "individual"));
  element(out, in, "name", c.last_name, attr("part", "last") + attr("type", "individual"));
  element(out, in, "email", c.email);
  element(out, in, "phone", c.phone);
  out += "      </contact>\n";
  element(out, "      ", "comments", c.comments);
  out += "    </customer>\n";
}

void adf_vendor_and_provider(std::string& out, const AdfLead& lead) {
  const std::string& contact =
      lead.vendor_contact_name.empty() ? lead.vendor_name : lead.vendor_contact_name;
  out += "    <vendor>\n";
  element(out, "      ", "vendorname", lead.vendor_name);
  out += "      <contact>\n";
  element(out, "        ", "name", contact, attr("part", "full"));
  out += "      </contact>\n    </vendor>\n";
  if (lead.provider_name.empty()) return;
  out += "    <provider>\n";
  element(out, "      ", "name", lead.provider_name, attr("part", "full"));
  element(out, "      ", "url", lead.provider_url);
  out += "    </provider>\n";
}

std::optional<Problem> check_lead(const AdfLead& lead) {
  const auto& c = lead.customer;
  if (c.first_name.empty() && c.last_name.empty()) {
    return Problem{"required", "A lead needs the customer's name.", "customer.name"};
  }
  if (c.email.empty() && c.phone.empty()) {
    return Problem{"required", "A lead needs an email address or a phone number.",
                   "customer.contact"};
  }
  if (lead.vendor_name.empty()) {
    return Problem{"required", "A lead needs the dealership's name.", "vendor_name"};
  }
  return std::nullopt;
}

}  // namespace

std::string vehicle_title(const VehicleListing& v) {
  std::string title = v.year > 0 ? std::to_string(v.year) : "";
  for (const std::string* part : {&v.make, &v.model, &v.trim}) {
    if (part->empty()) continue;
    if (!title.empty()) title += ' ';
    title += *part;
  }
  return title;
}

json::object car_json_ld(const VehicleListing& v, const json::storage_ptr& sp) {
  const std::string condition =
      schema_url(v.condition == VehicleCondition::new_vehicle ? "NewCondition" : "UsedCondition");
  // Every part in `sp`: a part made elsewhere would be copied into it, not moved.
  json::object car(
      {{"@context", "https://schema.org"}, {"@type", "Car"}, {"name", vehicle_title(v)}}, sp);
  put_if(car, "vehicleIdentificationNumber", v.vin);
  put_if(car, "sku", v.stock_no);
  car["brand"] = json::object({{"@type", "Brand"}, {"name", v.make}}, sp);
  car["model"] = v.model;
  put_if(car, "vehicleConfiguration", v.trim);
  if (v.year > 0) car["vehicleModelDate"] = std::to_string(v.year);
  car["mileageFromOdometer"] =
      json::object({{"@type", "QuantitativeValue"}, {"value", v.mileage}, {"unitCode", "SMI"}}, sp);
  car["itemCondition"] = condition;
  put_specs(car, v);
  put_if(car, "description", v.description);
  if (!v.image_urls.empty()) {
    car["image"] = json::array(v.image_urls.begin(), v.image_urls.end(), sp);
  }
  put_if(car, "url", v.url);
  car["offers"] = offer(v, condition, sp);
  if (v.condition == VehicleCondition::cpo) {
    json::array additional(sp);
    additional.push_back(json::object(
        {{"@type", "PropertyValue"}, {"name", "certifiedPreOwned"}, {"value", true}}, sp));
    car["additionalProperty"] = std::move(additional);
  }
  return car;
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 cannot carry these even as character references.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r') out += c;
    }
  }
  return out;
}

Result<std::string> adf_lead_xml(const AdfLead& lead) {
  if (auto p = check_lead(lead)) return *std::move(p);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<?adf version=\"1.0\"?>\n<adf>\n";
  out += "  <prospect status=\"new\">\n";
  element(out, "    ", "id", lead.id, attr("sequence", "1") + attr("source", lead.source));
  element(out, "    ", "requestdate", format_local_time(lead.request_time, 0));
  adf_vehicle(out, lead);
  adf_customer(out, lead.customer);
  adf_vendor_and_provider(out, lead);
  out += "  </prospect>\n</adf>\n";
  return out;
}

}  // namespace forecourt::domain
