#pragma once
// AUTH_MODE=supabase: the spec's /auth/login, /auth/refresh and /auth/logout forwarded to the
// project's Supabase Auth (GoTrue at SUPABASE_URL/auth/v1) with the anon key. Tokens are
// Supabase's; this server verifies them with the project's JWKS (auth/jwks_source.hpp).
// Refusals are auth_flows::AuthFailure, so the routes render them exactly as in embedded mode.
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "api/auth_flows.hpp"
#include "http/client.hpp"
#include "http/types.hpp"

namespace forecourt::api::auth_proxy {

// Pure mapping of an upstream answer. A 2xx with a session (access_token, refresh_token,
// expires_in) is returned as is; GoTrue's 400/401/403/404/409/422/429 refusals keep their
// status and code (the new {code, message}, legacy {error_code, msg} and OAuth {error,
// error_description} bodies; Retry-After of a 429 kept); a 5xx is 502 upstream_error, and
// anything else (no error code, not JSON, a 2xx without a session) 502 upstream_bad_response.
boost::json::object session_from_answer(const http_client::Response& answer);
auth_flows::AuthFailure failure_from_answer(const http_client::Response& answer);
// A request that got no answer: 504 upstream_timeout, else 502 upstream_unavailable.
auth_flows::AuthFailure failure_from_transport(const http_client::Error& error);

// POST /token?grant_type=password. The brute-force throttle applies as in embedded mode:
// locked accounts/IPs get 429 before anything is sent, wrong passwords are counted.
boost::asio::awaitable<boost::json::object> sign_in_with_password(http::Request& req,
                                                                  const boost::json::object& body);
// POST /token?grant_type=refresh_token.
boost::asio::awaitable<boost::json::object> refresh(http::Request& req,
                                                    const boost::json::object& body);
// POST /logout?scope=... as the caller (their access token as the bearer).
boost::asio::awaitable<void> logout(http::Request& req, std::string_view access_token,
                                    std::string_view scope);

}  // namespace forecourt::api::auth_proxy
