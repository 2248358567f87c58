#pragma once
// The body stage: a route that declares `body_schema` gets its JSON body parsed and
// validated here, before its handler runs. Malformed JSON -> 400 bad_json; a body that is
// not application/json -> 415; every schema violation -> 422, one error object each, with
// a JSON pointer to the field. The parsed body lands in req.body_json.
#include "http/pipeline.hpp"

namespace forecourt::http {

// Compiles every route's body schema once (throws std::invalid_argument on a bad one).
Middleware make_body_validation_stage(const Router& router);

}  // namespace forecourt::http
