#pragma once
// What search engines and dealer CRMs read about a vehicle: schema.org Car JSON-LD for the
// vehicle page (/meta/seo, VDP) and ADF/XML 1.0 lead documents for /contact/lead exports.
#include <boost/json/fwd.hpp>
#include <boost/json/storage_ptr.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "domain/money.hpp"

namespace forecourt::domain {

enum class VehicleCondition { new_vehicle, used, cpo };
enum class StockStatus { in_stock, in_transit, on_order, reserved, sold };

struct DealerInfo {
  std::string name;
  std::string street;
  std::string city;
  std::string region;  // state
  std::string postal_code;
  std::string country = "US";
  std::string telephone;
  std::string url;
};

// The vehicle columns as stored (codes such as "petrol", "awd"); empty / nullopt = unknown,
// and unknown properties are left out of the markup rather than guessed.
struct VehicleListing {
  std::string vin;
  std::string stock_no;
  std::string make;
  std::string model;
  std::string trim;
  int year = 0;
  std::string body_type;
  int mileage = 0;  // miles
  std::string fuel;
  std::string transmission;
  std::string drivetrain;
  std::string color_ext;
  std::string color_int;
  std::optional<int> doors;
  std::optional<int> seats;
  VehicleCondition condition = VehicleCondition::used;
  StockStatus stock_status = StockStatus::in_stock;
  Cents price;
  std::string currency = "USD";
  std::string description;
  std::vector<std::string> image_urls;
  std::string url;  // the canonical vehicle page
  DealerInfo dealer;
};

// "2019 Toyota Camry SE": the title used for name, cards and ADF comments.
std::string vehicle_title(const VehicleListing& v);

// The schema.org Car object (serialise it into <script type="application/ld+json">).
// Condition: new -> NewCondition; used and cpo -> UsedCondition, cpo adding an
// additionalProperty certifiedPreOwned = true (schema.org has no CPO condition). Price is a
// decimal string ("19500.00"), which schema.org allows and which keeps cents exact.
// Availability: in_stock InStock, in_transit/on_order PreOrder, reserved
// LimitedAvailability, sold SoldOut. The object and all its parts live in `sp` (the vehicle
// page builds it in a per-request arena).
boost::json::object car_json_ld(const VehicleListing& v, const boost::json::storage_ptr& sp = {});

enum class AdfInterest { buy, lease, sell, trade_in, test_drive };

struct AdfCustomer {
  std::string first_name;
  std::string last_name;
  std::string email;
  std::string phone;
  std::string comments;
};

struct AdfLead {
  std::string id;  // our lead id, <id sequence="1" source=...>
  std::string source = "Forecourt";
  std::chrono::sys_seconds request_time{};  // written in UTC, ISO 8601
  AdfInterest interest = AdfInterest::buy;
  std::optional<VehicleListing> vehicle;  // the vehicle asked about, if any
  AdfCustomer customer;
  std::string vendor_name;                  // the dealership receiving the lead
  std::string vendor_contact_name;          // defaults to vendor_name
  std::string provider_name = "Forecourt";  // the site that produced the lead
  std::string provider_url;
};

// An ADF/XML 1.0 document (MIME application/x-adf+xml): XML declaration, <?adf
// version="1.0"?>, <adf><prospect>... with every text and attribute escaped. ADF requires a
// customer name and a way to reach them: Problems on "customer.name" (no first or last
// name), "customer.contact" (neither email nor phone) and "vendor_name".
Result<std::string> adf_lead_xml(const AdfLead& lead);

// Text safe inside XML 1.0 elements and double-quoted attributes: & < > " ' escaped, and
// control characters XML 1.0 forbids (all below 0x20 except tab, LF, CR) dropped.
std::string xml_escape(std::string_view text);

}  // namespace forecourt::domain
