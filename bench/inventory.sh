#!/usr/bin/env bash
# Issue 5's search benchmark: wrk with 32 connections over bench/inventory_mix.lua (a fixed
# mix of /inventory/search requests: filters, facets, sorts, pages 1-5) against the stack in
# $FORECOURT_DATA_DIR (default .local), which must already be migrated and seeded at the
# size you want to measure (e.g. `forecourt seed --vehicles 1000000`).
#   1. caches off (CACHE_ENABLED=false): every request runs the search SQL
#   2. caches on, after one warm-up pass: the in-process/Redis tiers answer
# Usage: bench/inventory.sh [preset (dev)]   BENCH_DURATION (20) BENCH_WARMUP (15) BENCH_CONNECTIONS (32)
#        BENCH_CACHE_MODES ("false true": caches off, then warm)
# It reports; it never fails on a number.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$FORECOURT_ROOT"

bin=build/${1:-dev}
duration=${BENCH_DURATION:-20}
warmup=${BENCH_WARMUP:-15}
conns=${BENCH_CONNECTIONS:-32}
# 2 connections (one per I/O thread; queued reads share round trips): on these 2 cores
# that gave the best tail for this mix (p95 153 vs 196 ms with 4; bench/README.md).
pool=${BENCH_DB_POOL:-2}
eval "$(scripts/stack.sh env)"
command -v wrk >/dev/null || die "wrk is missing: scripts/setup.sh installs it"
pid=
cleanup() { [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 100); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done; die "no answer from $1"; }

run() {
  local label=$1 cache=$2 port
  port=$(free_port)
  # RATE_LIMIT_ENABLED=false: the search rate class would answer most of the mix with 429.
  PORT=$port IO_THREADS=${BENCH_IO_THREADS:-2} DB_POOL_SIZE=$pool CACHE_ENABLED=$cache DB_STATEMENT_TIMEOUT_MS=60000 DB_ACQUIRE_TIMEOUT_MS=60000 \
    RATE_LIMIT_ENABLED=false \
    LOG_LEVEL=warn "$bin/forecourt" serve \
    >"${TMPDIR:-/tmp}/forecourt-inventory-bench.log" 2>&1 &
  pid=$!
  wait_http "http://127.0.0.1:$port/meta/live"
  # The facet index loads in the background once the first search names the version.
  curl -fs -o /dev/null "http://127.0.0.1:$port/inventory/search?page_size=1"
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$port/inventory/search?page_size=1&year_min=1901" | grep -q '"facet_source":"index"' && break
    sleep 1
  done
  if [ "$cache" = true ]; then
    # The version listener starts with the first inventory request and connects in the
    # background; then one sequential pass fills the caches (each shape once).
    curl -fs -o /dev/null "http://127.0.0.1:$port/stats/summary"
    sleep 1
    grep -o '"/inventory[^"]*"' bench/inventory_mix.lua | tr -d '"' |
      while read -r q; do curl -fs -o /dev/null "http://127.0.0.1:$port$q"; done
  fi
  # Warm-up, not measured: every pooled connection's backend touches the working set once.
  # A PostgreSQL backend's first touch of each shared buffer is a page fault (no huge
  # pages on this VM): 324 ms for a Camry search in a fresh backend, 22 ms afterwards.
  wrk -t2 -c"$conns" -d"${warmup}s" -s bench/inventory_mix.lua "http://127.0.0.1:$port" >/dev/null
  say ""
  info "$label: wrk -t2 -c$conns -d${duration}s -s bench/inventory_mix.lua (DB pool $pool, after a ${warmup} s warm-up)"
  wrk -t2 -c"$conns" -d"${duration}s" --timeout 30s --latency -s bench/inventory_mix.lua "http://127.0.0.1:$port" |
    grep -E 'Requests/sec|^ +(50|75|90|99)%|Latency|Non-2xx|Socket errors|^p95'
  info "server RSS: $(ps -o rss= -p "$pid") KiB"
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  pid=
}
info "visible vehicles: $(psql -X -A -t -d "$MIGRATIONS_DATABASE_URL" -c 'select count(*) from public.vehicles where visible')"
for mode in ${BENCH_CACHE_MODES:-false true}; do
  if [ "$mode" = true ]; then run "search + facets, caches warm" true; else run "search + facets, caches off" false; fi
done
