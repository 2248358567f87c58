#pragma once
// The one mapping from the caller the auth stage established to the database identity its
// statements run as (role, JWT claims, auth.uid(), and the request headers that audit_log
// reads). Handlers open their transactions with `db_identity(req)`, never by hand.
#include "db/tx.hpp"
#include "http/types.hpp"

namespace forecourt::http {

db::DbIdentity db_identity(const Request& req);

}  // namespace forecourt::http
