#!/usr/bin/env bash
# `make bench`: builds the release preset, then runs bench/run.sh when the benchmark driver
# exists (wrk and pgbench against a running stack, see bench/README.md), or else each Google
# Benchmark program built from bench/*.cpp. A benchmark, not a test: it reports, never fails
# on a number.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$FORECOURT_ROOT"

preset=${FORECOURT_BENCH_PRESET:-release}
"$FORECOURT_ROOT/scripts/setup.sh"
"$FORECOURT_ROOT/scripts/build.sh" "$preset"

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
