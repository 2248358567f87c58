#pragma once
// The demo seed's media files: vehicle_media rows name storage keys; this links each one
// to a sample file (data/sample-media/) under <DATA_DIR>/storage/, so signed URLs of the
// seeded cars serve real bytes. Idempotent; existing files are left alone.
#include "cli/pg_blocking.hpp"
#include "core/config.hpp"

namespace forecourt::cli {

// Returns how many files it created. At most `limit` media rows are considered (the demo
// seed has ~3,200; large generated inventories are not materialised).
long long materialise_sample_media(BlockingPg& pg, const Config& config, long long limit = 20000);

}  // namespace forecourt::cli
