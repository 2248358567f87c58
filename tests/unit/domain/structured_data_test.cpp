#include "domain/structured_data.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <vector>

namespace forecourt::domain {
namespace {

namespace json = boost::json;

VehicleListing camry() {
  VehicleListing v;
  v.vin = "4T1B11HK5KU123456";
  v.stock_no = "T1234";
  v.make = "Toyota";
  v.model = "Camry";
  v.trim = "SE";
  v.year = 2019;
  v.body_type = "sedan";
  v.mileage = 42'000;
  v.fuel = "petrol";
  v.transmission = "automatic";
  v.drivetrain = "fwd";
  v.color_ext = "silver";
  v.color_int = "Black cloth";
  v.doors = 4;
  v.seats = 5;
  v.condition = VehicleCondition::used;
  v.price = *parse_money("19500.50");
  v.description = "One owner.";
  v.image_urls = {"https://cdn.example/1.jpg", "https://cdn.example/2.jpg"};
  v.url = "https://dealer.example/vehicles/abc";
  v.dealer = DealerInfo{
      "Forecourt Motors",      "1 Main St", "Springfield", "IL", "62701", "US", "+1-217-555-0100",
      "https://dealer.example"};
  return v;
}

const json::value& at(const json::object& o, std::string_view path) {
  const json::value* v = nullptr;
  const json::object* cur = &o;
  std::size_t start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    const auto key = path.substr(start, dot - start);
    v = &cur->at(key);
    if (dot == std::string_view::npos) return *v;
    cur = &v->as_object();
    start = dot + 1;
  }
}

std::string str(const json::object& o, std::string_view path) {
  return std::string(at(o, path).as_string());
}

TEST(DomainStructuredData, CarJsonLdCarriesTheSchemaOrgProperties) {
  const auto ld = car_json_ld(camry());
  EXPECT_EQ(str(ld, "@context"), "https://schema.org");
  EXPECT_EQ(str(ld, "@type"), "Car");
  EXPECT_EQ(str(ld, "name"), "2019 Toyota Camry SE");
  EXPECT_EQ(str(ld, "vehicleIdentificationNumber"), "4T1B11HK5KU123456");
  EXPECT_EQ(str(ld, "sku"), "T1234");
  EXPECT_EQ(str(ld, "brand.@type"), "Brand");
  EXPECT_EQ(str(ld, "brand.name"), "Toyota");
  EXPECT_EQ(str(ld, "model"), "Camry");
  EXPECT_EQ(str(ld, "vehicleConfiguration"), "SE");
  EXPECT_EQ(str(ld, "vehicleModelDate"), "2019");
  EXPECT_EQ(str(ld, "bodyType"), "Sedan");
  EXPECT_EQ(str(ld, "mileageFromOdometer.@type"), "QuantitativeValue");
  EXPECT_EQ(at(ld, "mileageFromOdometer.value").as_int64(), 42'000);
  EXPECT_EQ(str(ld, "mileageFromOdometer.unitCode"), "SMI");
  EXPECT_EQ(str(ld, "itemCondition"), "https://schema.org/UsedCondition");
  EXPECT_EQ(str(ld, "fuelType"), "Gasoline");
  EXPECT_EQ(str(ld, "vehicleTransmission"), "Automatic");
  EXPECT_EQ(str(ld, "driveWheelConfiguration"), "https://schema.org/FrontWheelDriveConfiguration");
  EXPECT_EQ(str(ld, "color"), "Silver");
  EXPECT_EQ(str(ld, "vehicleInteriorColor"), "Black cloth");
  EXPECT_EQ(at(ld, "numberOfDoors").as_int64(), 4);
  EXPECT_EQ(at(ld, "vehicleSeatingCapacity").as_int64(), 5);
  EXPECT_EQ(str(ld, "description"), "One owner.");
  EXPECT_EQ(at(ld, "image").as_array().size(), 2U);
  EXPECT_EQ(at(ld, "image").as_array()[1].as_string(), "https://cdn.example/2.jpg");
  EXPECT_EQ(str(ld, "url"), "https://dealer.example/vehicles/abc");
  EXPECT_FALSE(ld.contains("additionalProperty"));
}

TEST(DomainStructuredData, OfferHasExactPriceAvailabilityAndSeller) {
  const auto ld = car_json_ld(camry());
  EXPECT_EQ(str(ld, "offers.@type"), "Offer");
  EXPECT_EQ(str(ld, "offers.price"), "19500.50");
  EXPECT_EQ(str(ld, "offers.priceCurrency"), "USD");
  EXPECT_EQ(str(ld, "offers.availability"), "https://schema.org/InStock");
  EXPECT_EQ(str(ld, "offers.itemCondition"), "https://schema.org/UsedCondition");
  EXPECT_EQ(str(ld, "offers.url"), "https://dealer.example/vehicles/abc");
  EXPECT_EQ(str(ld, "offers.seller.@type"), "AutoDealer");
  EXPECT_EQ(str(ld, "offers.seller.name"), "Forecourt Motors");
  EXPECT_EQ(str(ld, "offers.seller.telephone"), "+1-217-555-0100");
  EXPECT_EQ(str(ld, "offers.seller.url"), "https://dealer.example");
  EXPECT_EQ(str(ld, "offers.seller.address.@type"), "PostalAddress");
  EXPECT_EQ(str(ld, "offers.seller.address.streetAddress"), "1 Main St");
  EXPECT_EQ(str(ld, "offers.seller.address.addressLocality"), "Springfield");
  EXPECT_EQ(str(ld, "offers.seller.address.addressRegion"), "IL");
  EXPECT_EQ(str(ld, "offers.seller.address.postalCode"), "62701");
  EXPECT_EQ(str(ld, "offers.seller.address.addressCountry"), "US");
}

TEST(DomainStructuredData, CarJsonLdBuiltInAnArenaIsTheSameDocumentWithAllPartsInIt) {
  auto v = camry();
  v.condition = VehicleCondition::cpo;   // every nested part: brand, offers, seller, address...
  std::array<unsigned char, 512> arena;  // small: the rest spills to the arena's own blocks
  json::monotonic_resource scratch(arena.data(), arena.size());
  const auto in_arena = car_json_ld(v, &scratch);
  EXPECT_EQ(json::serialize(in_arena), json::serialize(car_json_ld(v)));
  // Each nested object and array lives in the arena: built there, not copied into it.
  EXPECT_EQ(in_arena.storage().get(), &scratch);
  EXPECT_EQ(at(in_arena, "offers.seller.address").as_object().storage().get(), &scratch);
  EXPECT_EQ(at(in_arena, "additionalProperty").as_array()[0].as_object().storage().get(), &scratch);
}

TEST(DomainStructuredData, ConditionMapsToSchemaOrg) {
  auto v = camry();
  v.condition = VehicleCondition::new_vehicle;
  EXPECT_EQ(str(car_json_ld(v), "itemCondition"), "https://schema.org/NewCondition");
  EXPECT_EQ(str(car_json_ld(v), "offers.itemCondition"), "https://schema.org/NewCondition");
  v.condition = VehicleCondition::cpo;
  const auto ld = car_json_ld(v);
  EXPECT_EQ(str(ld, "itemCondition"), "https://schema.org/UsedCondition");
  const auto& extra = at(ld, "additionalProperty").as_array();
  ASSERT_EQ(extra.size(), 1U);
  EXPECT_EQ(extra[0].at("@type").as_string(), "PropertyValue");
  EXPECT_EQ(extra[0].at("name").as_string(), "certifiedPreOwned");
  EXPECT_EQ(extra[0].at("value").as_bool(), true);
}

TEST(DomainStructuredData, StockStatusMapsToAvailability) {
  const std::pair<StockStatus, const char*> cases[] = {
      {StockStatus::in_stock, "InStock"},
      {StockStatus::in_transit, "PreOrder"},
      {StockStatus::on_order, "PreOrder"},
      {StockStatus::reserved, "LimitedAvailability"},
      {StockStatus::sold, "SoldOut"}};
  for (const auto& [status, expected] : cases) {
    auto v = camry();
    v.stock_status = status;
    EXPECT_EQ(str(car_json_ld(v), "offers.availability"),
              std::string("https://schema.org/") + expected);
  }
}

TEST(DomainStructuredData, CodesMapToWordsAndUnknownCodesPassThrough) {
  const std::pair<const char*, const char*> fuels[] = {{"diesel", "Diesel"},
                                                       {"hybrid", "Hybrid"},
                                                       {"plugin_hybrid", "Plug-In Hybrid"},
                                                       {"electric", "Electric"},
                                                       {"flex", "Flex Fuel"},
                                                       {"hydrogen", "Hydrogen"},
                                                       {"lpg", "lpg"}};
  for (const auto& [code, word] : fuels) {
    auto v = camry();
    v.fuel = code;
    EXPECT_EQ(str(car_json_ld(v), "fuelType"), word);
  }
  const std::pair<const char*, const char*> drives[] = {
      {"rwd", "https://schema.org/RearWheelDriveConfiguration"},
      {"awd", "https://schema.org/AllWheelDriveConfiguration"},
      {"4wd", "https://schema.org/FourWheelDriveConfiguration"},
      {"6x6", "6x6"}};
  for (const auto& [code, word] : drives) {
    auto v = camry();
    v.drivetrain = code;
    EXPECT_EQ(str(car_json_ld(v), "driveWheelConfiguration"), word);
  }
  auto v = camry();
  v.transmission = "dual_clutch";
  v.body_type = "suv";
  v.color_ext = "Midnight blue";
  auto ld = car_json_ld(v);
  EXPECT_EQ(str(ld, "vehicleTransmission"), "Dual-Clutch");
  EXPECT_EQ(str(ld, "bodyType"), "SUV");
  EXPECT_EQ(str(ld, "color"), "Midnight blue");
  v.transmission = "cvt";
  v.body_type = "truck";
  EXPECT_EQ(str(car_json_ld(v), "vehicleTransmission"), "CVT");
  EXPECT_EQ(str(car_json_ld(v), "bodyType"), "Pickup Truck");
  v.transmission = "manual";
  v.body_type = "roadster";
  EXPECT_EQ(str(car_json_ld(v), "vehicleTransmission"), "Manual");
  EXPECT_EQ(str(car_json_ld(v), "bodyType"), "roadster");
}

TEST(DomainStructuredData, UnknownPropertiesAreLeftOut) {
  VehicleListing v;
  v.make = "Toyota";
  v.model = "Camry";
  v.price = Cents::dollars(1);
  const auto ld = car_json_ld(v);
  for (const char* key :
       {"vehicleIdentificationNumber", "sku", "vehicleConfiguration", "vehicleModelDate",
        "bodyType", "fuelType", "vehicleTransmission", "driveWheelConfiguration", "color",
        "vehicleInteriorColor", "numberOfDoors", "vehicleSeatingCapacity", "description", "image",
        "url"}) {
    EXPECT_FALSE(ld.contains(key)) << key;
  }
  EXPECT_EQ(str(ld, "name"), "Toyota Camry");
  EXPECT_FALSE(at(ld, "offers").as_object().contains("url"));
  EXPECT_FALSE(at(ld, "offers.seller").as_object().contains("name"));
  EXPECT_EQ(at(ld, "offers.seller.address").as_object().size(), 2U);  // @type, country
  // Still a valid JSON document.
  EXPECT_EQ(json::parse(json::serialize(ld)), json::value(ld));
}

TEST(DomainStructuredData, TitlesSkipMissingParts) {
  auto v = camry();
  EXPECT_EQ(vehicle_title(v), "2019 Toyota Camry SE");
  v.trim.clear();
  EXPECT_EQ(vehicle_title(v), "2019 Toyota Camry");
  v.year = 0;
  EXPECT_EQ(vehicle_title(v), "Toyota Camry");
  EXPECT_EQ(vehicle_title(VehicleListing{}), "");
}

TEST(DomainStructuredData, XmlEscapeCoversMarkupAndForbiddenControls) {
  EXPECT_EQ(xml_escape(R"(<a href="x">Tom & Jerry's</a>)"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;");
  EXPECT_EQ(xml_escape(std::string("a\x01"
                                   "b\x1f"
                                   "c\0d",
                                   7)),
            "abcd");
  EXPECT_EQ(xml_escape("tab\tline\nret\r"), "tab\tline\nret\r");
  EXPECT_EQ(xml_escape("Citro\xc3\xabn"), "Citro\xc3\xabn");  // UTF-8 kept
  EXPECT_EQ(xml_escape(""), "");
}

// A small well-formedness check: balanced tags, quoted attributes, no raw '<' or stray '&'
// in text. Enough to catch an escaping or nesting mistake in the generator.
bool well_formed(std::string_view xml) {
  std::vector<std::string> open;
  std::size_t i = 0;
  while (i < xml.size()) {
    if (xml[i] == '&') {
      const auto semi = xml.find(';', i);
      const auto entity = xml.substr(i, semi - i + 1);
      if (entity != "&amp;" && entity != "&lt;" && entity != "&gt;" && entity != "&quot;" &&
          entity != "&apos;") {
        return false;
      }
      i = semi + 1;
      continue;
    }
    if (xml[i] != '<') {
      if (xml[i] == '>') return false;
      ++i;
      continue;
    }
    const auto close = xml.find('>', i);
    if (close == std::string_view::npos) return false;
    std::string_view tag = xml.substr(i + 1, close - i - 1);
    i = close + 1;
    if (tag.front() == '?') continue;
    if (tag.find('<') != std::string_view::npos) return false;
    if (std::count(tag.begin(), tag.end(), '"') % 2 != 0) return false;
    if (tag.front() == '/') {
      if (open.empty() || open.back() != tag.substr(1)) return false;
      open.pop_back();
      continue;
    }
    if (tag.back() == '/') continue;
    open.emplace_back(tag.substr(0, tag.find(' ')));
  }
  return open.empty();
}

AdfLead lead() {
  AdfLead l;
  l.id = "lead-42";
  l.request_time = std::chrono::sys_days{std::chrono::year{2026} / 11 / 25} +
                   std::chrono::hours{14} + std::chrono::minutes{5};
  l.interest = AdfInterest::test_drive;
  l.vehicle = camry();
  l.customer = AdfCustomer{"Johnny", "O'Customer", "johnny@example.com", "857-485-7485",
                           "Best price? <b>now</b> & cash"};
  l.vendor_name = "Forecourt Motors";
  l.provider_url = "https://dealer.example";
  return l;
}

TEST(DomainStructuredData, AdfLeadHasTheAdfShape) {
  auto xml = adf_lead_xml(lead());
  ASSERT_TRUE(xml.ok()) << xml.problem().detail;
  const std::string& doc = *xml;
  EXPECT_EQ(
      doc.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<?adf version=\"1.0\"?>\n<adf>\n", 0),
      0U);
  for (const char* part : {R"(<prospect status="new">)",
                           R"(<id sequence="1" source="Forecourt">lead-42</id>)",
                           "<requestdate>2026-11-25T14:05:00+00:00</requestdate>",
                           R"(<vehicle interest="test-drive" status="used">)",
                           "<year>2019</year>",
                           "<make>Toyota</make>",
                           "<model>Camry</model>",
                           "<vin>4T1B11HK5KU123456</vin>",
                           "<stock>T1234</stock>",
                           "<trim>SE</trim>",
                           R"(<odometer units="mi">42000</odometer>)",
                           R"(<price type="asking" currency="USD">19500.50</price>)",
                           R"(<name part="first" type="individual">Johnny</name>)",
                           R"(<name part="last" type="individual">O&apos;Customer</name>)",
                           "<email>johnny@example.com</email>",
                           "<phone>857-485-7485</phone>",
                           "<comments>Best price? &lt;b&gt;now&lt;/b&gt; &amp; cash</comments>",
                           "<vendorname>Forecourt Motors</vendorname>",
                           R"(<name part="full">Forecourt Motors</name>)",
                           "<provider>",
                           "<url>https://dealer.example</url>",
                           "</prospect>\n</adf>\n"}) {
    EXPECT_NE(doc.find(part), std::string::npos) << part << "\n" << doc;
  }
  EXPECT_TRUE(well_formed(doc)) << doc;
  // Order inside <prospect> follows the ADF DTD.
  EXPECT_LT(doc.find("<requestdate>"), doc.find("<vehicle"));
  EXPECT_LT(doc.find("<vehicle"), doc.find("<customer>"));
  EXPECT_LT(doc.find("<customer>"), doc.find("<vendor>"));
  EXPECT_LT(doc.find("<vendor>"), doc.find("<provider>"));
}

TEST(DomainStructuredData, AdfInterestAndStatusCodes) {
  const std::pair<AdfInterest, const char*> cases[] = {{AdfInterest::buy, "buy"},
                                                       {AdfInterest::lease, "lease"},
                                                       {AdfInterest::sell, "sell"},
                                                       {AdfInterest::trade_in, "trade-in"},
                                                       {AdfInterest::test_drive, "test-drive"}};
  for (const auto& [interest, code] : cases) {
    auto l = lead();
    l.interest = interest;
    l.vehicle->condition = VehicleCondition::new_vehicle;
    EXPECT_NE(
        adf_lead_xml(l)->find(std::string("<vehicle interest=\"") + code + "\" status=\"new\">"),
        std::string::npos);
  }
  auto cpo = lead();
  cpo.vehicle->condition = VehicleCondition::cpo;
  EXPECT_NE(adf_lead_xml(cpo)->find("status=\"used\">"), std::string::npos);
}

TEST(DomainStructuredData, AdfGeneralEnquiryHasAnEmptyVehicle) {
  auto l = lead();
  l.vehicle.reset();
  l.interest = AdfInterest::buy;
  l.customer.phone.clear();
  l.customer.first_name.clear();
  l.customer.comments.clear();
  l.provider_name.clear();
  l.vendor_contact_name = "Sales desk";
  l.id.clear();
  auto xml = adf_lead_xml(l);
  ASSERT_TRUE(xml.ok());
  EXPECT_NE(xml->find("<vehicle interest=\"buy\" status=\"new\"/>"), std::string::npos);
  EXPECT_EQ(xml->find("<phone>"), std::string::npos);
  EXPECT_EQ(xml->find("part=\"first\""), std::string::npos);
  EXPECT_EQ(xml->find("<comments>"), std::string::npos);
  EXPECT_EQ(xml->find("<provider>"), std::string::npos);
  EXPECT_EQ(xml->find("<id "), std::string::npos);
  EXPECT_NE(xml->find("<name part=\"full\">Sales desk</name>"), std::string::npos);
  EXPECT_TRUE(well_formed(*xml)) << *xml;
}

TEST(DomainStructuredData, AdfVehicleWithoutOptionalFields) {
  auto l = lead();
  l.vehicle = VehicleListing{};
  l.vehicle->make = "Buick";
  l.vehicle->model = "Regal & Co";
  auto xml = adf_lead_xml(l);
  ASSERT_TRUE(xml.ok());
  EXPECT_EQ(xml->find("<year>"), std::string::npos);
  EXPECT_EQ(xml->find("<vin>"), std::string::npos);
  EXPECT_NE(xml->find("<model>Regal &amp; Co</model>"), std::string::npos);
  EXPECT_TRUE(well_formed(*xml));
}

TEST(DomainStructuredData, AdfRefusesLeadsNobodyCouldAnswer) {
  auto l = lead();
  l.customer.first_name.clear();
  l.customer.last_name.clear();
  EXPECT_EQ(adf_lead_xml(l).problem().field, "customer.name");
  l = lead();
  l.customer.email.clear();
  l.customer.phone.clear();
  EXPECT_EQ(adf_lead_xml(l).problem().field, "customer.contact");
  l = lead();
  l.vendor_name.clear();
  auto p = adf_lead_xml(l);
  EXPECT_EQ(p.problem().field, "vendor_name");
  EXPECT_EQ(p.problem().code, "required");
}

TEST(DomainStructuredData, WellFormednessCheckerCatchesMistakes) {
  EXPECT_TRUE(well_formed("<a><b x=\"1\"/>t &amp; u</a>"));
  EXPECT_FALSE(well_formed("<a><b></a></b>"));
  EXPECT_FALSE(well_formed("<a>x & y</a>"));
  EXPECT_FALSE(well_formed("<a>x > y</a>"));
  EXPECT_FALSE(well_formed("<a x=\"1></a>"));
  EXPECT_FALSE(well_formed("<a>"));
}

}  // namespace
}  // namespace forecourt::domain
