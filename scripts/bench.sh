#!/usr/bin/env bash
# `make bench`: builds the release preset, then runs bench/run.sh when the benchmark driver
# exists (wrk and pgbench against a running stack, see bench/README.md), or else each Google
# Benchmark program built from bench/*.cpp. A benchmark, not a test: it reports, never fails
# on a number.
#
# `scripts/bench.sh inventory [sizes...]` (issue 5): builds the preset, then for each size
# (default: 100000 1000000, ascending) seeds the dev stack (scripts/stack.sh, .local/) up to
# that many generated vehicles (`forecourt seed --vehicles N` only adds the missing ones),
# and runs bench/inventory.sh (wrk mix, caches off then warm, RSS), bench/inventory_each.sh
# (one request at a time, medians) and bench/vdp.sh. Non-interactive; prints the numbers.
# A size below what the stack already holds is skipped (scripts/stack.sh reset-db first).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$FORECOURT_ROOT"

preset=${FORECOURT_BENCH_PRESET:-release}
"$FORECOURT_ROOT/scripts/setup.sh"
"$FORECOURT_ROOT/scripts/build.sh" "$preset"

if [ "${1:-}" = inventory ]; then
  shift
  sizes=("$@")
  [ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
  bin=build/$preset/forecourt
  scripts/stack.sh start >/dev/null
  eval "$(scripts/stack.sh env)"
  "$bin" migrate
  sql() { psql -X -A -t -d "$MIGRATIONS_DATABASE_URL" -c "$1"; }
  for n in "${sizes[@]}"; do
    have=$(sql 'select coalesce(max(seed_number), 0) from private.generated_vehicles')
    if [ "$have" -gt "$n" ]; then
      say "skipping $n vehicles: the stack already has $have generated (scripts/stack.sh reset-db)"
      continue
    fi
    "$bin" seed --vehicles "$n"
    info "=== inventory benchmark at $n generated vehicles ($(sql 'select count(*) from public.vehicles where visible') visible), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    bench/inventory.sh "$preset"
    info "one request at a time, caches off (median of ${BENCH_REPEAT:-9})"
    bench/inventory_each.sh "$preset"
    FORECOURT_PRESET=$preset bench/vdp.sh
  done
  exit 0
fi

if [ -x bench/run.sh ]; then
  FORECOURT_PRESET=$preset exec bench/run.sh "$@"
fi

ran=0
for src in bench/*.cpp; do
  [ -f "$src" ] || continue
  name=$(basename "$src" .cpp)
  info "bench: $name"
  "build/$preset/$name" "$@"
  ran=1
done
[ "$ran" = 1 ] || say "no benchmarks yet (bench/run.sh or bench/*.cpp)"
