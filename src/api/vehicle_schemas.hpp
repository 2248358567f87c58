#pragma once
// JSON Schemas and examples of the vehicle page routes (validation of nothing: responses
// only, for the OpenAPI document), kept apart so vehicles.cpp reads as handlers.
#include <boost/json/value.hpp>

namespace forecourt::api::vehicle_schemas {

boost::json::value page_schema();  // the whole {"data": {...}} document
boost::json::value page_example();
const boost::json::value& media_schema();
const boost::json::value& media_example();
const boost::json::value& similar_card_schema();
const boost::json::value& similar_card_example();
const boost::json::value& price_point_schema();
const boost::json::value& price_history_example();
const boost::json::value& bad_id_example();

}  // namespace forecourt::api::vehicle_schemas
