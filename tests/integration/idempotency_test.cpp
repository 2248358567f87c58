// Idempotency-Key end to end, on POST /financing/applications against the real stack:
// byte-for-byte replay, 422 for a reused key, 409 while the first attempt holds the key,
// concurrent duplicates writing one row, a server killed between COMMIT and the answer
// (the retry replays; one row), expiry, a failed write freeing its key, the purge command;
// and the routes themselves (auth, body validation, owner-or-staff reads, 404 for others).
#include "api/idempotency.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <random>
#include <set>
#include <thread>

#include "auth/jwt.hpp"
#include "cli/pg_blocking.hpp"
#include "harness.hpp"

namespace forecourt::testing {
namespace {
namespace json = boost::json;

constexpr const char* kPath = "/financing/applications";

std::string token_for(const std::string& sub) {
  json::object claims{{"sub", sub},
                      {"aud", "authenticated"},
                      {"role", "authenticated"},
                      {"aal", "aal1"},
                      {"iat", unix_now()},
                      {"exp", unix_now() + 3600},
                      {"email", "it@x.y.z"},
                      {"session_id", "6d7c1f1e-0000-4000-8000-000000000009"}};
  return auth::sign_hs256(claims, kTestJwtSecret);
}

std::string unique(const std::string& prefix) {
  static std::mt19937_64 rng{std::random_device{}()};
  return prefix + "-" + std::to_string(unix_now()) + "-" + std::to_string(rng() % 100000000);
}

std::map<std::string, std::string> headers_for(const std::string& user,
                                               const std::string& key = {}) {
  std::map<std::string, std::string> h{{"Authorization", "Bearer " + token_for(user)},
                                       {"apikey", kTestAnonKey}};
  if (!key.empty()) h["Idempotency-Key"] = key;
  return h;
}

// A valid application whose notes mark it, so the test can count its rows.
std::string application_body(const std::string& marker, const std::string& amount = "25000") {
  return R"({"amount":)" + amount +
         R"(,"term_months":60,"apr":6.9,"down_payment":"5000.00","employer":"Acme","notes":")" +
         marker + R"("})";
}

std::map<std::string, std::string> idempotency_env(std::map<std::string, std::string> extra = {}) {
  std::map<std::string, std::string> env{{"SUPABASE_JWT_SECRET", kTestJwtSecret},
                                         {"SUPABASE_ANON_KEY", kTestAnonKey}};
  for (auto& [k, v] : extra) env[k] = v;
  return env;
}

std::string first_error_field(const HttpResult& r, const std::string& field) {
  auto doc = json::parse(r.body);
  const auto& e = doc.at("errors").at(0).as_object();
  if (field == "code") return std::string(e.at("code").as_string());
  const auto* source = e.if_contains("source");
  if (source == nullptr) return {};
  const auto* v = source->as_object().if_contains(field);
  return v == nullptr ? std::string{} : std::string(v->as_string());
}

class Idempotency : public SharedServerSuite<Idempotency> {
 public:
  static std::map<std::string, std::string> server_env() { return idempotency_env(); }

 protected:
  void SetUp() override {
    admin_ = std::make_unique<cli::BlockingPg>(required_env("MIGRATIONS_DATABASE_URL"));
    ASSERT_TRUE(admin_->ok()) << admin_->error();
  }
  static int port() { return server_->port(); }

  static HttpResult post(const std::string& body, const std::string& key,
                         const std::string& user = kSeedCustomerId, int port_override = 0) {
    return http_request(port_override != 0 ? port_override : port(), "POST", kPath,
                        headers_for(user, key), body);
  }
  long long rows_with(const std::string& marker) {
    auto rows = admin_->rows("select count(*) from public.financing_applications where notes = $1",
                             {marker});
    return std::stoll(rows.at(0).at(0));
  }

  std::unique_ptr<cli::BlockingPg> admin_;
};

TEST_F(Idempotency, SameKeyAndRequestReplayTheFirstResponseByteForByte) {
  auto marker = unique("replay");
  auto key = unique("key");
  auto first = post(application_body(marker), key);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.header("idempotent-replayed"), "");
  auto doc = json::parse(first.body);
  EXPECT_EQ(doc.at("data").at("status").as_string(), "submitted");
  EXPECT_EQ(doc.at("data").at("user_id").as_string(), kSeedCustomerId);
  auto id = std::string(doc.at("data").at("id").as_string());
  EXPECT_EQ(first.header("location"), std::string(kPath) + "/" + id);

  // The same request, re-serialised by another client: key order and whitespace differ.
  std::string reordered = R"({ "notes": ")" + marker +
                          R"(", "employer": "Acme", "down_payment": "5000.00", "apr": 6.9,
                               "term_months": 60, "amount": 25000 })";
  auto again = post(reordered, key);
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("location"), first.header("location"));
  EXPECT_EQ(again.header("content-type"), first.header("content-type"));
  EXPECT_NE(again.header("x-request-id"), first.header("x-request-id"));
  EXPECT_EQ(rows_with(marker), 1);
}

TEST_F(Idempotency, SameKeyWithADifferentRequestIs422) {
  auto marker = unique("mismatch");
  auto key = unique("key");
  ASSERT_EQ(post(application_body(marker), key).status, 201);
  auto other = post(application_body(marker, "26000"), key);
  EXPECT_EQ(other.status, 422) << other.body;
  EXPECT_EQ(first_error_field(other, "code"), "idempotency_key_reused");
  EXPECT_EQ(first_error_field(other, "header"), "Idempotency-Key");
  // Keys are per caller: another customer may use the same key for their own request.
  auto theirs = post(application_body(marker, "26000"), key, kSeedCustomer2Id);
  EXPECT_EQ(theirs.status, 201) << theirs.body;
  EXPECT_EQ(theirs.header("idempotent-replayed"), "");
  EXPECT_EQ(rows_with(marker), 2);
}

TEST_F(Idempotency, AKeyHeldByARunningRequestIs409UntilItsLeaseLapses) {
  auto marker = unique("inflight");
  auto key = unique("key");
  auto body = application_body(marker);
  // Hold the claim exactly as a request in flight would (same scope and request hash).
  const std::string scope = std::string("user:") + kSeedCustomerId;
  const auto hash =
      api::idempotency_request_hash("POST", kPath, scope, api::canonical_json(json::parse(body)));
  auto claim = admin_->rows(
      "select outcome from private.idempotency_claim($1, $2, 'POST', $3, $4, '1 minute')",
      {scope, key, kPath, hash});
  ASSERT_EQ(claim.at(0).at(0), "new");

  auto busy = post(body, key);
  EXPECT_EQ(busy.status, 409) << busy.body;
  EXPECT_EQ(first_error_field(busy, "code"), "idempotency_key_in_flight");
  EXPECT_EQ(busy.header("retry-after"), "1");
  EXPECT_EQ(rows_with(marker), 0);

  // The holder died (its lease lapsed without a commit): the retry takes the key over.
  admin_->exec_params(
      "update public.idempotency_keys set locked_until = now() - interval '1 second' "
      "where scope = $1 and key = $2",
      {scope, key});
  auto taken = post(body, key);
  EXPECT_EQ(taken.status, 201) << taken.body;
  EXPECT_EQ(taken.header("idempotent-replayed"), "");
  EXPECT_EQ(rows_with(marker), 1);
  EXPECT_EQ(post(body, key).header("idempotent-replayed"), "true");
}

TEST_F(Idempotency, ConcurrentDuplicatesWriteExactlyOneRow) {
  auto marker = unique("concurrent");
  auto key = unique("key");
  auto body = application_body(marker);
  constexpr int kClients = 8;
  std::vector<HttpResult> results(kClients);
  std::atomic<bool> go{false};
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      results[static_cast<std::size_t>(i)] = post(body, key);
    });
  }
  go = true;
  for (auto& t : clients) t.join();
  std::string created_body;
  int created = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.status == 201 || r.status == 409) << r.status << " " << r.body;
    if (r.status != 201) continue;
    ++created;
    if (created_body.empty()) created_body = r.body;
    EXPECT_EQ(r.body, created_body) << "every success is the one application";
  }
  EXPECT_GE(created, 1);
  EXPECT_EQ(rows_with(marker), 1);
  auto late = post(body, key);
  EXPECT_EQ(late.status, 201);
  EXPECT_EQ(late.header("idempotent-replayed"), "true");
  EXPECT_EQ(late.body, created_body);
}

TEST_F(Idempotency, AServerKilledBetweenCommitAndAnswerLeavesARetryThatReplays) {
  auto marker = unique("crash");
  auto key = unique("key");
  auto body = application_body(marker);
  {
    ServerProcess doomed(
        idempotency_env({{"FORECOURT_FAULT_INJECTION", "exit_after_idempotent_commit"}}));
    bool answered = true;
    try {
      auto r = post(body, key, kSeedCustomerId, doomed.port());
      answered = r.status != 0;
    } catch (const std::exception&) {
      answered = false;  // the connection closed without a response
    }
    EXPECT_FALSE(answered) << "the fault injection must stop the server before it answers";
    EXPECT_EQ(doomed.wait_exit(std::chrono::seconds(10)), 70);
  }
  EXPECT_EQ(rows_with(marker), 1) << "the write committed before the crash";
  // The client never got an answer and retries (here against another, healthy server).
  auto retry = post(body, key);
  ASSERT_EQ(retry.status, 201) << retry.body;
  EXPECT_EQ(retry.header("idempotent-replayed"), "true");
  EXPECT_EQ(json::parse(retry.body).at("data").at("notes").as_string(), marker);
  EXPECT_EQ(rows_with(marker), 1) << "nothing is written twice";
}

TEST_F(Idempotency, AnExpiredKeyIsAFreshKey) {
  auto marker = unique("expired");
  auto key = unique("key");
  auto body = application_body(marker);
  ASSERT_EQ(post(body, key).status, 201);
  admin_->exec_params(
      "update public.idempotency_keys set expires_at = now() - interval '1 second' "
      "where scope = $1 and key = $2",
      {std::string("user:") + kSeedCustomerId, key});
  auto again = post(body, key);
  EXPECT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.header("idempotent-replayed"), "") << "an expired key is not replayed";
  EXPECT_EQ(rows_with(marker), 2);
}

TEST_F(Idempotency, TheKeyIsOptionalButMustBeWellFormed) {
  auto marker = unique("nokey");
  EXPECT_EQ(post(application_body(marker), "").status, 201);
  EXPECT_EQ(post(application_body(marker), "").status, 201);
  EXPECT_EQ(rows_with(marker), 2) << "without a key every POST creates";

  // Too long: the parameter validator (the route declares the header); not ASCII: ours.
  for (const auto& bad : {std::string(256, 'k'), std::string("cl\xc3\xa9")}) {
    auto r = post(application_body(marker), bad);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(first_error_field(r, "header"), "Idempotency-Key") << r.body;
  }
  EXPECT_EQ(first_error_field(post(application_body(marker), "cl\xc3\xa9"), "code"),
            "invalid_idempotency_key");
  EXPECT_EQ(rows_with(marker), 2);
}

TEST_F(Idempotency, AFailedWriteStoresNothingAndFreesItsKey) {
  auto marker = unique("failed");
  auto key = unique("key");
  // A vehicle id that names no visible vehicle: 422 from the write itself.
  auto bad = R"({"vehicle_id":"00000000-0000-4000-8000-00000000dead","amount":1000,)"
             R"("term_months":12,"notes":")" +
             marker + R"("})";
  auto first = post(bad, key);
  EXPECT_EQ(first.status, 422) << first.body;
  EXPECT_EQ(first_error_field(first, "code"), "unknown_vehicle");
  EXPECT_EQ(first_error_field(first, "pointer"), "/vehicle_id");
  auto second = post(bad, key);
  EXPECT_EQ(second.status, 422);
  EXPECT_EQ(second.header("idempotent-replayed"), "") << "errors are not stored";
  auto fixed = post(application_body(marker), key);
  EXPECT_EQ(fixed.status, 201) << "the key was freed: " << fixed.body;
  EXPECT_EQ(rows_with(marker), 1);
}

TEST_F(Idempotency, ThePurgeCommandDeletesExpiredKeys) {
  auto key = unique("key");
  ASSERT_EQ(post(application_body(unique("purge")), key).status, 201);
  admin_->exec_params(
      "update public.idempotency_keys set expires_at = now() - interval '1 hour' where key = $1",
      {key});
  auto cmd = std::string("DATABASE_URL='") + required_env("DATABASE_URL") + "' " +
             FORECOURT_BINARY + " idempotency purge > /dev/null";
  EXPECT_EQ(run_command(cmd), 0);
  auto left = admin_->rows("select count(*) from public.idempotency_keys where key = $1", {key});
  EXPECT_EQ(left.at(0).at(0), "0");
}

TEST_F(Idempotency, CreatingNeedsASignedInCaller) {
  auto r = http_request(port(), "POST", kPath, {{"Idempotency-Key", unique("key")}},
                        application_body(unique("anon")));
  EXPECT_EQ(r.status, 401) << r.body;
}

TEST_F(Idempotency, TheBodyIsValidatedWithAPointerPerProblem) {
  auto key = unique("key");
  auto r = post(R"({"amount":-5,"term_months":13,"apr":"x","colour":"red"})", key);
  ASSERT_EQ(r.status, 422) << r.body;
  std::set<std::string> pointers;
  const auto doc = json::parse(r.body);  // named: a loop over a temporary's member dangles
  for (const auto& e : doc.at("errors").as_array()) {
    const auto* source = e.as_object().if_contains("source");
    if (source != nullptr && source->as_object().contains("pointer"))
      pointers.insert(std::string(source->at("pointer").as_string()));
  }
  EXPECT_TRUE(pointers.contains("/amount")) << r.body;
  EXPECT_TRUE(pointers.contains("/term_months")) << r.body;
  EXPECT_GE(doc.at("errors").as_array().size(), 3U) << r.body;

  auto precise = post(R"({"amount":"100.005","term_months":12})", unique("key"));
  EXPECT_EQ(precise.status, 422) << precise.body;
  auto zero = post(R"({"amount":0,"term_months":12,"apr":6.905})", unique("key"));
  ASSERT_EQ(zero.status, 422) << zero.body;
  EXPECT_EQ(json::parse(zero.body).at("errors").as_array().size(), 2U) << zero.body;
  EXPECT_EQ(first_error_field(zero, "pointer"), "/amount");
}

TEST_F(Idempotency, AnApplicationIsReadByItsOwnerAndStaffOnly) {
  auto created = post(application_body(unique("read")), unique("key"));
  ASSERT_EQ(created.status, 201) << created.body;
  auto location = created.header("location");
  auto mine = http_get(port(), location, headers_for(kSeedCustomerId));
  EXPECT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.body, created.body);
  EXPECT_EQ(mine.header("cache-control"), "no-store");
  EXPECT_EQ(http_get(port(), location, headers_for(kSeedStaffId)).status, 200);
  auto theirs = http_get(port(), location, headers_for(kSeedCustomer2Id));
  EXPECT_EQ(theirs.status, 404) << "no existence leak: " << theirs.body;
  auto missing = http_get(port(), std::string(kPath) + "/00000000-0000-4000-8000-0000000000ff",
                          headers_for(kSeedCustomerId));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(theirs.body.find("\"code\":\"not_found\"") != std::string::npos,
            missing.body.find("\"code\":\"not_found\"") != std::string::npos);
  EXPECT_EQ(http_get(port(), location).status, 401);
}

}  // namespace
}  // namespace forecourt::testing
