#pragma once
// Idempotency-Key for the POSTs that create or pay for something (Stripe's semantics, stored
// in PostgreSQL: supabase/migrations/20261125180200_idempotency.sql). The route declares
// `idempotency_key_param()` among its params (so the parameter validator checks the
// header's length and the OpenAPI document lists it, Idempotent-Replayed and the 409/422
// answers), and its handler runs its write through `idempotent_write`.
//
//   no header                      the write runs once, as any write would
//   new key                        claim (own short transaction) -> write + record the
//                                  response in ONE transaction -> answer
//   same key, same request         the first response, byte for byte, with
//                                  `Idempotent-Replayed: true`
//   same key, different request    422 idempotency_key_reused
//   same key, first still running  409 idempotency_key_in_flight (+ Retry-After)
//   malformed key                  400 naming the header
//
// A write that fails (it throws: 4xx or 5xx) records nothing and frees the key: nothing was
// written, so a retry with the same key runs again and gets a fresh answer. Keys expire
// after 24 h (purged lazily by claims and by `forecourt idempotency purge`).
#include <boost/asio/awaitable.hpp>
#include <boost/json/fwd.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "db/tx.hpp"
#include "http/route.hpp"
#include "http/types.hpp"

namespace forecourt::api {

// The write of one create: runs inside the caller's RLS transaction and returns the
// response to send (and to store). Throw to fail: the transaction rolls back.
using IdempotentWrite = std::function<boost::asio::awaitable<http::Response>(db::Transaction&)>;

boost::asio::awaitable<http::Response> idempotent_write(http::Request& req, IdempotentWrite write);

// The optional Idempotency-Key header parameter: put it in the route's `params`.
http::ParamSpec idempotency_key_param();

// The pieces, exposed for unit tests.
inline constexpr std::string_view kIdempotencyHeader = "Idempotency-Key";
// Why `key` is not acceptable (1-255 printable ASCII characters), or nullopt.
std::optional<std::string> idempotency_key_problem(std::string_view key);
// Objects with their keys sorted, no insignificant whitespace: two bodies that mean the
// same (reordered keys, pretty-printed) hash the same.
std::string canonical_json(const boost::json::value& value);
// sha256 hex over method, target (path and query), caller scope and the canonical body.
std::string idempotency_request_hash(std::string_view method, std::string_view target,
                                     std::string_view scope, std::string_view canonical_body);
// 'user:<uuid>' for signed-in callers, 'ip:<address>' for anonymous ones.
std::string idempotency_scope(const http::Request& req);

}  // namespace forecourt::api
