#!/usr/bin/env bash
# One request at a time, caches off: the latency of each query shape of bench/inventory_mix.lua
# against the stack in $FORECOURT_DATA_DIR (default .local). Each query runs 3 times; the
# first warms the connection's prepared statement; the better of the other two is shown.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$FORECOURT_ROOT"
bin=build/${1:-dev}
eval "$(scripts/stack.sh env)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PORT=$port IO_THREADS=1 DB_POOL_SIZE=1 CACHE_ENABLED=false LOG_LEVEL=warn "$bin/forecourt" serve \
  >"${TMPDIR:-/tmp}/forecourt-inventory-each.log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/meta/live" && break; sleep 0.1; done
# Wait for the facet index (loaded in the background after the first search).
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/inventory/search?page_size=1&year_min=1901" | grep -q '"facet_source":"index"' && break
  sleep 1
done
grep -o '"/inventory[^"]*"' bench/inventory_mix.lua | tr -d '"' | while read -r q; do
  times=()
  for _ in 1 2 3; do
    times+=("$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port$q")")
  done
  printf '%8.1f ms  %s\n' "$(python3 -c "print(sorted([${times[1]},${times[2]}])[0]*1000)")" "$q"
done
