#!/usr/bin/env bash
# One request at a time, caches off: the latency of each query shape of bench/inventory_mix.lua
# (and a few VDP reads) against the stack in $FORECOURT_DATA_DIR (default .local). Each query
# runs once to warm the connection's prepared statement, then BENCH_REPEAT (9) times; the
# median is shown. Single requests on an otherwise idle server are what a busy machine still
# measures fairly (wrk throughput is not).
# Usage: bench/inventory_each.sh [preset (dev) | path to a forecourt binary]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$FORECOURT_ROOT"
bin=${1:-dev}
[ -x "$bin" ] || bin=build/$bin/forecourt
repeat=${BENCH_REPEAT:-9}
eval "$(scripts/stack.sh env)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PORT=$port IO_THREADS=1 DB_POOL_SIZE=1 CACHE_ENABLED=false RATE_LIMIT_ENABLED=false LOG_LEVEL=warn \
  DB_STATEMENT_TIMEOUT_MS=60000 \
  "$bin" serve >"${TMPDIR:-/tmp}/forecourt-inventory-each.log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/meta/live" && break; sleep 0.1; done
# Wait for the facet index (loaded in the background after the first search).
for _ in $(seq 1 300); do
  curl -fs "http://127.0.0.1:$port/inventory/search?page_size=1&year_min=1901" | grep -q '"facet_source":"index"' && break
  sleep 1
done
vdp=$(psql -X -A -t -d "$MIGRATIONS_DATABASE_URL" -c \
  "select id from public.vehicles where visible order by id limit 3" | sed 's|^|/vehicles/|')
{ grep -o '"/inventory[^"]*"' bench/inventory_mix.lua | tr -d '"'; echo "$vdp"; } | while read -r q; do
  curl -s -o /dev/null "http://127.0.0.1:$port$q"
  times=()
  for _ in $(seq 1 "$repeat"); do
    times+=("$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port$q")")
  done
  printf '%8.1f ms  %s\n' "$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]*1000}')" "$q"
done
info "server RSS: $(ps -o rss= -p "$pid") KiB"
