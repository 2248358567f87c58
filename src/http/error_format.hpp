#pragma once
// The one place that decides how an error is written, per route family. Forecourt's own
// routes answer JSON:API error documents (http/errors.hpp); the embedded GoTrue API under
// /auth/v1/ answers GoTrue's error JSON, because @supabase/auth-js parses that and nothing
// else (shared/guide/supabase-compat.md §1.1):
//   with X-Supabase-Api-Version >= 2024-01-01 (auth-js always sends it; it is echoed):
//     {"code": "<error_code>", "message": "..."}
//   without it (legacy):  {"code": <status>, "error_code": "...", "msg": "..."[, "error_id"]}
// plus the x-sb-error-code header either way.
#include <boost/json/object.hpp>
#include <string_view>

#include "http/errors.hpp"
#include "http/types.hpp"

namespace forecourt::http {

enum class ErrorFormat { json_api, gotrue };

ErrorFormat error_format_for(std::string_view path);

// GoTrue's code for a Forecourt error code (for errors and their documentation).
std::string_view gotrue_error_code(int status, std::string_view code, bool about_a_field);

// GoTrue's error JSON for one refusal; `extra` members are added to the body (e.g.
// weak_password: {reasons}); retry_after > 0 sets Retry-After.
Response gotrue_error_response(const Request& req, int status, std::string_view code,
                               std::string_view message, const boost::json::object& extra = {},
                               long long retry_after = 0);

// An HttpError raised by a pipeline stage (parameter or body validation, rate limit, 404,
// ...) in GoTrue's shape, with the same status: parameter and body-schema violations are
// `validation_failed` (the field leads the message), others take GoTrue's code where it
// has one (bad_json, over_request_rate_limit, unexpected_failure).
Response gotrue_error_response(const Request& req, const HttpError& error);

}  // namespace forecourt::http
