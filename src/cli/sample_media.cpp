#include "cli/sample_media.hpp"

#include <filesystem>
#include <string>
#include <system_error>

#include "cli/commands.hpp"

namespace forecourt::cli {
namespace fs = std::filesystem;

namespace {

// Which sample stands in for a key, by its ending; empty when none fits.
std::string sample_for(std::string_view key) {
  if (key.ends_with(".jpg") || key.ends_with(".jpeg")) return "photo.jpg";
  if (key.ends_with("/manifest.json")) return "spin-manifest.json";
  if (key.ends_with(".mp4")) return "walkaround.mp4";
  return {};
}

// Keys come from the database; the schema's CHECK already refuses "..", and this refuses
// anything that is not a plain relative path once more before touching the disk.
bool safe_key(const std::string& key) {
  fs::path p(key);
  if (p.is_absolute()) return false;
  for (const auto& part : p) {
    if (part == ".." || part == "." || part.empty()) return false;
  }
  return true;
}

}  // namespace

long long materialise_sample_media(BlockingPg& pg, const Config& config, long long limit) {
  const fs::path samples = project_root() / "data" / "sample-media";
  const fs::path root = fs::path(config.data_dir) / "storage";
  auto keys = pg.rows("select m.path from public.vehicle_media m order by m.path limit $1",
                      {std::to_string(limit)});
  long long created = 0;
  for (const auto& row : keys) {
    const std::string& key = row.at(0);
    auto sample = sample_for(key);
    if (sample.empty() || !safe_key(key)) continue;
    fs::path target = root / key;
    std::error_code ec;
    if (fs::exists(target, ec)) continue;
    fs::create_directories(target.parent_path(), ec);
    // A hard link costs no space; a copy when the data folder is on another file system.
    fs::create_hard_link(samples / sample, target, ec);
    if (ec) fs::copy_file(samples / sample, target, ec);
    if (!ec) ++created;
  }
  return created;
}

}  // namespace forecourt::cli
