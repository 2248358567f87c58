#!/usr/bin/env bash
# The Postman collection and environment (postman/), generated from docs/openapi.json by
# js/tools/postman.mjs, and newman runs of it.
#   scripts/postman.sh write            regenerate postman/ (`make postman`; `make openapi` too)
#   scripts/postman.sh check            fail when postman/ is stale (a ctest test; exit 77 =
#                                       skipped, when node is not installed)
#   scripts/postman.sh run [BASE_URL]   newman against a running server (default
#                                       http://127.0.0.1:8080); extra newman options may follow
# The collection is generated from the committed document, which openapi.sh check keeps
# equal to the route table: together they make the collection follow the routes.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mode=${1:-}
out=$FORECOURT_ROOT/postman
collection=$out/forecourt.postman_collection.json
environment=$out/forecourt.postman_environment.json

need_node() {
  if ! command -v node >/dev/null 2>&1; then
    say "SKIPPED: node is not installed (scripts/setup.sh installs it)"
    exit 77
  fi
}

generate() {
  node "$FORECOURT_ROOT/js/tools/postman.mjs" "$FORECOURT_ROOT/docs/openapi.json" "$1"
}

case $mode in
  write)
    need_node
    generate "$out"
    info "wrote postman/ from docs/openapi.json"
    ;;
  check)
    need_node
    fresh=$(mktemp -d)
    trap 'rm -rf "$fresh"' EXIT
    generate "$fresh"
    for f in "$collection" "$environment"; do
      if ! diff -u "$f" "$fresh/$(basename "$f")" >"$fresh/diff" 2>&1; then
        head -n 60 "$fresh/diff" >&2
        die "postman/ is stale (docs/openapi.json or js/tools/postman.mjs changed): run \`make postman\` and commit postman/"
      fi
    done
    say "postman/ matches docs/openapi.json"
    ;;
  run)
    need_node
    base_url=${2:-http://127.0.0.1:8080}
    shift $(($# >= 2 ? 2 : 1))
    newman=$FORECOURT_ROOT/js/node_modules/.bin/newman
    [ -x "$newman" ] || die "js/node_modules has no newman: run \`npm ci\` in js/ (scripts/setup.sh does)"
    "$newman" run "$collection" -e "$environment" --env-var "base_url=$base_url" \
      --reporters cli --color off "$@"
    ;;
  *)
    die "usage: scripts/postman.sh write|check|run [BASE_URL [newman options]]"
    ;;
esac
