// /locations over HTTP against the seeded database: the one-row read through the full
// RLS transaction that bench/ measures.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "harness.hpp"

namespace forecourt::testing {
namespace {

class Locations : public SharedServerSuite<Locations> {};

TEST_F(Locations, ListsTheSeededRooftopsThenReadsOne) {
  auto list = http_get(server_->port(), "/locations");
  ASSERT_EQ(list.status, 200) << list.body;
  auto doc = boost::json::parse(list.body);
  const auto& data = doc.at("data").as_array();
  ASSERT_GE(data.size(), 20U) << "the seed has ~25 locations";
  EXPECT_EQ(doc.at("meta").at("total").as_int64(), static_cast<std::int64_t>(data.size()));
  std::string id(data.at(0).at("id").as_string());

  auto one = http_get(server_->port(), "/locations/" + id);
  ASSERT_EQ(one.status, 200) << one.body;
  auto loc = boost::json::parse(one.body).at("data");
  EXPECT_EQ(loc.at("id").as_string(), id);
  EXPECT_TRUE(loc.at("hours").is_object());
  EXPECT_FALSE(one.header("etag").empty());
  EXPECT_EQ(one.header("cache-control"), "public, max-age=60");
}

TEST_F(Locations, CompactViewKeepsTheCardFields) {
  auto r = http_get(server_->port(), "/locations?view=compact");
  ASSERT_EQ(r.status, 200);
  auto first = boost::json::parse(r.body).at("data").at(0).as_object();
  EXPECT_TRUE(first.contains("city"));
  EXPECT_FALSE(first.contains("hours"));
  EXPECT_FALSE(first.contains("lat"));
}

TEST_F(Locations, UnknownIdIs404AndMalformedIdIs400) {
  auto missing = http_get(server_->port(), "/locations/00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(missing.status, 404);
  auto malformed = http_get(server_->port(), "/locations/not-a-uuid");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(boost::json::parse(malformed.body)
                .at("errors")
                .at(0)
                .at("source")
                .at("parameter")
                .as_string(),
            "id");
}

}  // namespace
}  // namespace forecourt::testing
