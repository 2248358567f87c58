#include "http/identity.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace forecourt::http {

db::DbIdentity db_identity(const Request& req) {
  // request.headers is what PostgREST sets; audit triggers read the client IP and agent.
  boost::json::object headers;
  if (!req.client_ip.empty()) headers["x-forwarded-for"] = req.client_ip;
  if (auto agent = req.header("user-agent"); !agent.empty()) headers["user-agent"] = agent;
  if (!req.request_id.empty()) headers["x-request-id"] = req.request_id;
  return db::DbIdentity{req.caller.db_role, req.caller.claims_json, req.caller.user_id,
                        boost::json::serialize(headers)};
}

}  // namespace forecourt::http
