#!/usr/bin/env bash
# The committed OpenAPI document (docs/openapi.json) and its checks.
#   scripts/openapi.sh write [BINARY]   regenerate docs/openapi.json (`make openapi`)
#   scripts/openapi.sh check [BINARY]   fail when docs/openapi.json is stale (a ctest test)
#   scripts/openapi.sh lint  [BINARY]   @redocly/cli lint with redocly.yaml (a ctest test;
#                                       exit 77 = skipped, when node is not installed)
# The document is generated with a fixed PUBLIC_BASE_URL and no .env, so it is the same on
# every machine: only the route table changes it.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mode=${1:-}
bin=${2:-$FORECOURT_ROOT/build/${FORECOURT_PRESET:-dev}/forecourt}
bin=$(realpath "$bin" 2>/dev/null || printf %s "$bin")
committed=$FORECOURT_ROOT/docs/openapi.json
[ -x "$bin" ] || die "no forecourt binary at $bin (build first: scripts/build.sh dev)"

generate() {
  # An empty folder as working directory: a developer's .env must not leak into the document.
  local scratch
  scratch=$(mktemp -d)
  (cd "$scratch" && env -i PATH="$PATH" PUBLIC_BASE_URL=http://127.0.0.1:8080 "$bin" openapi) >"$1"
  rm -rf "$scratch"
}

case $mode in
  write)
    generate "$committed"
    info "wrote docs/openapi.json"
    ;;
  check)
    fresh=$(mktemp)
    trap 'rm -f "$fresh"' EXIT
    generate "$fresh"
    if ! diff -u "$committed" "$fresh" >"$fresh.diff" 2>&1; then
      head -n 60 "$fresh.diff" >&2
      rm -f "$fresh.diff"
      die "docs/openapi.json is stale (the route table changed): run \`make openapi\` and commit docs/openapi.json"
    fi
    rm -f "$fresh.diff"
    say "docs/openapi.json matches the route table"
    ;;
  lint)
    if ! command -v node >/dev/null 2>&1; then
      say "SKIPPED: node is not installed, so @redocly/cli cannot run (scripts/setup.sh installs it)"
      exit 77
    fi
    redocly=$FORECOURT_ROOT/js/node_modules/.bin/redocly
    [ -x "$redocly" ] || die "js/node_modules has no @redocly/cli: run \`npm ci\` in js/ (scripts/setup.sh does)"
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
    generate "$dir/openapi.json"
    # Telemetry off: the lint must not try to reach the network.
    REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
      "$redocly" lint --config "$FORECOURT_ROOT/redocly.yaml" "$dir/openapi.json"
    ;;
  *)
    die "usage: scripts/openapi.sh write|check|lint [BINARY]"
    ;;
esac
