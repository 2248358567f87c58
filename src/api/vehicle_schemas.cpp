#include "api/vehicle_schemas.hpp"

#include "api/schemas.hpp"
#include "api/vehicle_card.hpp"

namespace forecourt::api::vehicle_schemas {

const boost::json::value& media_item_schema() {
  static const auto s = schemas::json(R"({"type":"object",
    "required":["id","kind","url","position","variants"],"properties":{
    "id":{"type":"string","format":"uuid"},
    "kind":{"type":"string","enum":["image","spin360","video"]},
    "url":{"type":"string","description":"Signed Storage URL, valid 15 minutes"},
    "position":{"type":"integer","minimum":0},
    "alt_text":{"type":["string","null"]},"content_type":{"type":["string","null"]},
    "width":{"type":["integer","null"]},"height":{"type":["integer","null"]},
    "variants":{"type":"object","additionalProperties":{"type":"string"},
                "description":"thumb/card/hero signed URLs when generated"}}})");
  return s;
}

const boost::json::value& media_schema() {
  static const auto s = [] {
    boost::json::value v = schemas::json(R"({"type":"object",
      "required":["images","spin360","videos","urls_expire_at"],"properties":{
      "images":{"type":"array"},"spin360":{"type":"array"},"videos":{"type":"array"},
      "urls_expire_at":{"type":"integer","description":"Unix time the signed URLs expire"}}})");
    auto& props = v.at("properties").as_object();
    for (const char* k : {"images", "spin360", "videos"})
      props[k].as_object()["items"] = media_item_schema();
    return v;
  }();
  return s;
}

const boost::json::value& media_example() {
  static const auto e = schemas::json(R"({
    "images":[{"id":"5eed0002-0000-4000-8000-000000000009","kind":"image",
      "url":"https://api.forecourt.example/storage/v1/object/sign/vehicle-media/5eed0001-0000-4000-8000-000000000001/1.jpg?token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1cmwiOiJ2ZWhpY2xlLW1lZGlhLzVlZWQwMDAxLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMS8xLmpwZyIsInNjb3BlIjoiZG93bmxvYWQiLCJpYXQiOjE3OTU2MjI0MDAsImV4cCI6MTc5NTYyMzMwMH0.sig",
      "position":0,"alt_text":"2021 Toyota Camry SE, photo 1","content_type":"image/jpeg",
      "width":1600,"height":1067,"variants":{}}],
    "spin360":[],"videos":[],"urls_expire_at":1795623300})");
  return e;
}

// The search card (api/vehicle_card) plus the similarity score.
const boost::json::value& similar_card_schema() {
  static const auto s = [] {
    boost::json::value schema = vehicle_card_schema();
    auto& o = schema.as_object();
    o["required"].as_array().emplace_back("similarity");
    o["properties"].as_object()["similarity"] = {
        {"type", "number"},
        {"minimum", 0},
        {"maximum", 1},
        {"description", "How close to the viewed vehicle (1 = identical features)."}};
    return schema;
  }();
  return s;
}

const boost::json::value& similar_card_example() {
  static const auto e = [] {
    boost::json::value example = vehicle_card_example();
    example.as_object()["similarity"] = 0.812;
    return example;
  }();
  return e;
}

const boost::json::value& price_point_schema() {
  static const auto s =
      schemas::json(R"({"type":"object","required":["price","recorded_at","source"],
    "properties":{"price":{"type":"number"},"previous_price":{"type":["number","null"]},
    "change":{"type":["number","null"],"description":"price - previous_price"},
    "source":{"type":"string","enum":["initial","app","import","job","seed"]},
    "recorded_at":{"type":"string","format":"date-time"}}})");
  return s;
}

const boost::json::value& price_history_example() {
  static const auto e = schemas::json(R"([
    {"price":22900.00,"previous_price":null,"change":null,"source":"initial","recorded_at":"2026-10-02T14:05:11.482+00:00"},
    {"price":21950.00,"previous_price":22900.00,"change":-950.00,"source":"app","recorded_at":"2026-11-18T09:12:40.107+00:00"}])");
  return e;
}

const boost::json::value& bad_id_example() {
  static const auto e = schemas::json(R"({"errors":[{"status":"400","code":"invalid_type",
    "title":"Bad Request","detail":"id must be a UUID, got 'abc'","source":{"parameter":"id"}}],
    "meta":{"request_id":"3f1c2a7e-1b2c-4d5e-8f90-a1b2c3d4e5f6"}})");
  return e;
}

boost::json::value page_schema() {
  boost::json::value vehicle = schemas::json(R"({"type":"object",
    "required":["id","vin","title","make","model","year","body_type","mileage","fuel","transmission",
                "condition","is_new","is_certified","is_special","price_current","stock_status","specs",
                "media","price_history","reviews","similar_vehicles","financing","availability","json_ld"],
    "properties":{
    "id":{"type":"string","format":"uuid"},"vin":{"type":"string","pattern":"^[A-HJ-NPR-Z0-9]{17}$"},
    "stock_no":{"type":["string","null"]},"title":{"type":"string"},"make":{"type":"string"},
    "model":{"type":"string"},"trim":{"type":["string","null"]},"year":{"type":"integer"},
    "body_type":{"type":"string","enum":["sedan","suv","truck","coupe","convertible","hatchback","wagon","van","minivan"]},
    "color_ext":{"type":["string","null"]},"color_ext_name":{"type":["string","null"]},"color_int":{"type":["string","null"]},
    "mileage":{"type":"integer"},"fuel":{"type":"string"},"transmission":{"type":"string"},
    "drivetrain":{"type":["string","null"]},"doors":{"type":["integer","null"]},"seats":{"type":["integer","null"]},
    "condition":{"type":"string","enum":["new","used","cpo"]},"is_new":{"type":"boolean"},
    "is_certified":{"type":"boolean"},"is_special":{"type":"boolean"},
    "price_current":{"type":"number"},"price_list":{"type":["number","null"]},
    "previous_price":{"type":["number","null"],"description":"The price before the last drop; null unless it dropped"},
    "price_changed_at":{"type":["string","null"],"format":"date-time"},
    "stock_status":{"type":"string","enum":["in_stock","in_transit","on_order","reserved","sold"]},
    "visible":{"type":"boolean"},"description":{"type":["string","null"]},
    "created_at":{"type":"string","format":"date-time"},"updated_at":{"type":"string","format":"date-time"},
    "specs":{"type":"object","description":"engine, horsepower, mpg_city, mpg_highway, range_miles, battery_kwh, features[], ..."},
    "location":{"type":["object","null"]},
    "reviews":{"type":"object","required":["count","average_rating","distribution","latest"],"properties":{
      "count":{"type":"integer"},"average_rating":{"type":["number","null"]},
      "distribution":{"type":"object"},"latest":{"type":"array","maxItems":5}}},
    "financing":{"type":"object","required":["apr","down_payment","options"],"properties":{
      "apr":{"type":"string"},"down_payment":{"type":"string"},"down_payment_percent":{"type":"string"},
      "description":{"type":"string"},
      "options":{"type":"array","items":{"type":"object","properties":{
        "term_months":{"type":"integer"},"monthly_payment":{"type":"string"},"amount_financed":{"type":"string"},
        "total_interest":{"type":"string"},"total_of_payments":{"type":"string"}}}}}},
    "availability":{"type":"object","required":["timezone","slot_minutes","days"],"properties":{
      "timezone":{"type":["string","null"]},"slot_minutes":{"type":"integer"},
      "days":{"type":"array","items":{"type":"object","properties":{
        "date":{"type":"string","format":"date"},
        "slots":{"type":"array","items":{"type":"string","format":"date-time"}}}}}}},
    "json_ld":{"type":"object","description":"schema.org Car as JSON-LD, for an application/ld+json script element of the page"}}})");
  auto& props = vehicle.at("properties").as_object();
  props["media"] = media_schema();
  props["price_history"] = boost::json::value{{"type", "array"}, {"items", price_point_schema()}};
  props["similar_vehicles"] =
      boost::json::value{{"type", "array"}, {"items", similar_card_schema()}};
  return schemas::envelope(vehicle);
}

boost::json::value page_example() {
  boost::json::value v = schemas::json(R"({
    "id":"5eed0001-0000-4000-8000-000000000001","vin":"4T1G11AK5MU512345","stock_no":"FC00000001",
    "title":"2021 Toyota Camry SE","make":"Toyota","model":"Camry","trim":"SE","year":2021,
    "body_type":"sedan","color_ext":"blue","color_ext_name":"Blueprint","color_int":"Black",
    "mileage":28400,"fuel":"petrol","transmission":"automatic","drivetrain":"fwd","doors":4,"seats":5,
    "condition":"cpo","is_new":false,"is_certified":true,"is_special":false,
    "price_current":21950.00,"price_list":23500.00,"previous_price":22900.00,
    "price_changed_at":"2026-11-18T09:12:40.107+00:00","stock_status":"in_stock","visible":true,
    "description":"One owner, full service history.",
    "created_at":"2026-10-02T14:05:11.482+00:00","updated_at":"2026-11-18T09:12:40.107+00:00",
    "specs":{"engine":"2.5L I4","horsepower":203,"mpg_city":28,"mpg_highway":39,"seats":5,
             "features":["Apple CarPlay","Blind-spot monitor"],"owners":1,"accident_free":true},
    "location":{"id":"7b0d9c1e-3f4a-4c2b-9e1d-5a6b7c8d9e0f","name":"Forecourt Motors Austin","city":"Austin",
      "state":"TX","address":"1200 Congress Ave","postal_code":"78701","country":"US",
      "phone":"+1-512-555-0100","timezone":"America/Chicago"},
    "reviews":{"count":2,"average_rating":4.50,"distribution":{"5":1,"4":1,"3":0,"2":0,"1":0},
      "latest":[{"id":"0b8f6c9e-2d3a-4f1b-8c7d-6e5f4a3b2c1d","rating":5,"title":"Spotless",
        "body":"Exactly as described.","author_name":"Dana R.","created_at":"2026-11-20T16:40:00+00:00"}]},
    "financing":{"apr":"6.9","down_payment":"2195.00","down_payment_percent":"10",
      "description":"Estimates at a representative APR with 10% down, before tax and fees; /tools/payment-calc quotes the buyer's own terms.",
      "options":[{"term_months":60,"monthly_payment":"390.24","amount_financed":"19755.00",
        "total_interest":"3659.38","total_of_payments":"23414.38"}]},
    "availability":{"timezone":"America/Chicago","slot_minutes":30,
      "days":[{"date":"2026-11-26","slots":["2026-11-26T09:00:00-06:00","2026-11-26T09:30:00-06:00"]}]},
    "json_ld":{"@context":"https://schema.org","@type":"Car","name":"2021 Toyota Camry SE",
      "vehicleIdentificationNumber":"4T1G11AK5MU512345","brand":{"@type":"Brand","name":"Toyota"},
      "model":"Camry","vehicleModelDate":"2021",
      "mileageFromOdometer":{"@type":"QuantitativeValue","value":28400,"unitCode":"SMI"},
      "itemCondition":"https://schema.org/UsedCondition",
      "offers":{"@type":"Offer","price":"21950.00","priceCurrency":"USD",
        "availability":"https://schema.org/InStock","itemCondition":"https://schema.org/UsedCondition"}}})");
  auto& o = v.as_object();
  o["media"] = media_example();
  o["price_history"] = price_history_example();
  o["similar_vehicles"] = boost::json::array{similar_card_example()};
  return boost::json::value{{"data", v}};
}

}  // namespace forecourt::api::vehicle_schemas
