#!/usr/bin/env bash
# VDP latency (issue 5 goal: p95 <= 10 ms with caches off): GET /vehicles/{id} over 1,000
# random visible vehicles of the CURRENT stack (scripts/stack.sh; seed it first, e.g.
# `forecourt seed --vehicles 1000000`), wrk -c32, the server started here with
# CACHE_ENABLED=false (every request builds the page from PostgreSQL) and then with caches on.
# Usage: [FORECOURT_PRESET=dev] [BENCH_DURATION=20] [BENCH_WARMUP=15] bench/vdp.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$FORECOURT_ROOT"

bin=build/${FORECOURT_PRESET:-release}
duration=${BENCH_DURATION:-20}
warmup=${BENCH_WARMUP:-15}
# 2 connections (one per I/O thread; queued reads share round trips): on these 2 cores
# fewer PostgreSQL backends serve more (pool 2: 1,105 req/s; 4: 849; 8: 641; bench/README.md).
pool=${BENCH_DB_POOL:-2}
conns=${BENCH_CONNECTIONS:-32}
command -v wrk >/dev/null || die "wrk is missing: scripts/setup.sh installs it"
eval "$(scripts/stack.sh env)"
work=$(mktemp -d "${TMPDIR:-/tmp}/forecourt-vdp.XXXXXX")
pid=""
cleanup() {
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

psql -X -A -t -d "$MIGRATIONS_DATABASE_URL" \
  -c "select id from public.vehicles where visible order by random() limit 1000" >"$work/ids"
export VDP_IDS=$work/ids
info "$(wc -l <"$work/ids") vehicle ids; $(psql -X -A -t -d "$MIGRATIONS_DATABASE_URL" -c 'select count(*) from public.vehicles') vehicles"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
for cache in false true; do
  port=$(free_port)
  # RATE_LIMIT_ENABLED=false: the per-IP limit would answer most requests with 429.
  CACHE_ENABLED=$cache PORT=$port IO_THREADS=2 DB_POOL_SIZE=$pool LOG_LEVEL=warn RATE_LIMIT_ENABLED=false \
    "$bin/forecourt" serve >"$work/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/meta/live" && break; sleep 0.1; done
  # The facet index (similar-car candidates come from it) loads in the background once a
  # request names the inventory version: wait until it answers, as bench/inventory.sh does.
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$port/inventory/search?page_size=1&year_min=1901&page=$RANDOM" |
      grep -q '"facet_source":"index"' && break
    sleep 1
  done
  # Warm-up, not measured (see bench/inventory.sh): the backends map the pages of these ids.
  wrk -t2 -c"$conns" -d"${warmup}s" -s bench/vdp.lua "http://127.0.0.1:$port" >/dev/null
  info "GET /vehicles/{id}, CACHE_ENABLED=$cache: wrk -t2 -c$conns -d${duration}s (after a ${warmup} s warm-up)"
  wrk -t2 -c"$conns" -d"${duration}s" --latency -s bench/vdp.lua "http://127.0.0.1:$port" |
    grep -E 'Requests/sec|^ +(50|75|90|99)%|Latency|Non-2xx|^p95'
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=""
done
