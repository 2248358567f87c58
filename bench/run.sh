#!/usr/bin/env bash
# The HTTP benchmark of issue 2 (called by `make bench`): wrk, 32 connections, 20 s each,
#   1. a bare Boost.Beast hello-world (bench/hello_beast.cpp): the ceiling for a no-DB route
#   2. GET /meta/live: Forecourt's no-DB route through the whole middleware pipeline
#   3. GET /locations/{id}: a one-row primary-key read through the full RLS transaction
#   4. pgbench running the same statements as 3 (bench/one_row_read.pgbench), 32 clients
# on a throwaway stack. It reports; it never fails on a number. Results go to bench/README.md
# by hand, with the machine and date.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$FORECOURT_ROOT"

preset=${FORECOURT_PRESET:-release}
bin=build/$preset
duration=${BENCH_DURATION:-20}
conns=${BENCH_CONNECTIONS:-32}
work=$(mktemp -d "${TMPDIR:-/tmp}/forecourt-bench.XXXXXX")
export FORECOURT_DATA_DIR=$work/data
export FORECOURT_PG_PORT_BASE=58432 FORECOURT_REDIS_PORT_BASE=58379
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  scripts/stack.sh stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

command -v wrk >/dev/null || die "wrk is missing: scripts/setup.sh installs it"
scripts/stack.sh start >/dev/null
eval "$(scripts/stack.sh env)"
"$bin/forecourt" migrate >/dev/null
"$bin/forecourt" seed >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 100); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done; die "no answer from $1"; }

hello_port=$(free_port)
"$bin/hello_beast" "$hello_port" 2 & pids+=($!)
api_port=$(free_port)
# The server's own pool: BENCH_DB_POOL connections (default 2, one per I/O thread) serve
# the 32 HTTP clients, the queued reads sharing round trips (PgPool::run_segment); on these
# 2 cores 32 PostgreSQL backends (one per client, as pgbench must use) contend. 2, 4 and 8
# are compared in bench/README.md.
pool=${BENCH_DB_POOL:-2}
PORT=$api_port IO_THREADS=2 DB_POOL_SIZE=$pool DB_POOL_MIN=$pool RATE_LIMIT_ENABLED=false LOG_LEVEL=warn "$bin/forecourt" serve >"$work/serve.log" 2>&1 & pids+=($!)
wait_http "http://127.0.0.1:$hello_port/"
wait_http "http://127.0.0.1:$api_port/meta/live"
location_id=$(psql -X -A -t -d "$MIGRATIONS_DATABASE_URL" -c "select id from public.locations where is_active order by id limit 1")

run_wrk() {
  local name=$1 url=$2
  say ""
  info "$name: wrk -t2 -c$conns -d${duration}s $url"
  wrk -t2 -c"$conns" -d"${duration}s" --latency "$url" | grep -E 'Requests/sec|^ +(50|90|99)%|Latency|Non-2xx'
}
run_wrk "bare Beast hello-world" "http://127.0.0.1:$hello_port/"
run_wrk "forecourt GET /meta/live (no DB)" "http://127.0.0.1:$api_port/meta/live"
run_wrk "forecourt GET /locations/{id} (one row, RLS transaction)" "http://127.0.0.1:$api_port/locations/$location_id"

say ""
info "pgbench: the same statements, pipelined, $conns clients, ${duration}s"
pgbench -n -M prepared -c "$conns" -j 2 -T "$duration" -D id="$location_id" -f bench/one_row_read.pgbench \
  "$DATABASE_URL" 2>&1 | grep -E 'tps|latency|error' || true
