#!/usr/bin/env bash
# The private services Forecourt runs against: a PostgreSQL 15 cluster and a Redis server,
# both under the data folder (FORECOURT_DATA_DIR, default .local/ in the repo), listening on
# loopback ports picked once and kept in <data>/ports.env. The system's own PostgreSQL and
# Redis services (if any) are never used or touched.
#
# Usage: scripts/stack.sh start|stop|status|env|test-env|psql [psql args]|reset-db
#   start     create (first time) and start both services; waits until they answer
#   stop      stop what start started (PostgreSQL by pg_ctl, Redis by the PID in its pidfile)
#   status    print what runs; exit 0 when both run, 3 otherwise
#   env       print `export DATABASE_URL=... MIGRATIONS_DATABASE_URL=... REDIS_URL=...
#             FORECOURT_DATA_DIR=...` for eval "$(scripts/stack.sh env)"
#   test-env  env, plus FORECOURT_TEST_PGDATA/PGCTL/PGLOG for tests that stop and start PostgreSQL
#   psql      psql on the forecourt database as the superuser postgres
#   reset-db  drop and re-create the forecourt database (empty, to migrate again) and flush Redis
#
# Layout of the data folder:
#   pg/            PostgreSQL data directory (owned by the postgres system user when run as root)
#   run/           PostgreSQL's unix socket
#   log/           postgres.log, redis.log
#   redis/         redis.conf (regenerated at each start), redis.pid, dump.rdb
#   ports.env      PG_PORT=..., REDIS_PORT=...
# Port ranges: FORECOURT_PG_PORT_BASE (54322), FORECOURT_REDIS_PORT_BASE (56379); ports listed
# in FORECOURT_AVOID_PORTS are never picked (the test suite passes the dev stack's ports).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_BIN=${FORECOURT_PG_BIN:-/usr/lib/postgresql/15/bin}
DB_NAME=forecourt
PG_USER=postgres # the cluster's superuser, and the system user that runs it as root

# Absolute, so that the URLs, the pidfiles and the ancestor check don't depend on the cwd;
# realpath -m also accepts a folder that does not exist yet.
DATA_DIR=$(realpath -m "${FORECOURT_DATA_DIR:-$FORECOURT_ROOT/.local}")
PGDATA_DIR=$DATA_DIR/pg
RUN_DIR=$DATA_DIR/run
LOG_DIR=$DATA_DIR/log
REDIS_DIR=$DATA_DIR/redis
PORTS_FILE=$DATA_DIR/ports.env
PG_LOG=$LOG_DIR/postgres.log
REDIS_LOG=$LOG_DIR/redis.log
REDIS_CONF=$REDIS_DIR/redis.conf
REDIS_PID=$REDIS_DIR/redis.pid
WAIT_S=${FORECOURT_STACK_WAIT_S:-60}

# PostgreSQL refuses to run as root: as root, its commands run as the postgres system user.
# cd / first: runuser keeps the cwd, which that user may not be allowed to enter.
pg_run() {
  if is_root; then
    (cd / && runuser -u "$PG_USER" -- "$@")
  else
    "$@"
  fi
}

# The pg_ctl command line, as a prefix tests can run (FORECOURT_TEST_PGCTL).
pgctl_prefix() {
  if is_root; then
    printf 'runuser -u %s -- %s/pg_ctl' "$PG_USER" "$PG_BIN"
  else
    printf '%s/pg_ctl' "$PG_BIN"
  fi
}

load_ports() {
  PG_PORT='' REDIS_PORT=''
  if [ -f "$PORTS_FILE" ]; then
    # Only the two known keys are read: the file is data, not a script to source.
    PG_PORT=$(sed -n 's/^PG_PORT=\([0-9]\{1,5\}\)$/\1/p' "$PORTS_FILE")
    REDIS_PORT=$(sed -n 's/^REDIS_PORT=\([0-9]\{1,5\}\)$/\1/p' "$PORTS_FILE")
  fi
}

save_ports() {
  printf 'PG_PORT=%s\nREDIS_PORT=%s\n' "$PG_PORT" "$REDIS_PORT" >"$PORTS_FILE"
}

require_ports() {
  load_ports
  if [ -z "$PG_PORT" ] || [ -z "$REDIS_PORT" ]; then
    die "no stack in $DATA_DIR yet (no ports.env): run scripts/stack.sh start first"
  fi
}

# A port is taken when something listens on it on any address (ss), or, without ss, when a
# connection to it on loopback succeeds.
port_in_use() {
  local port=$1
  if command -v ss >/dev/null 2>&1; then
    ss -Htln "sport = :$port" 2>/dev/null | grep -q .
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
  fi
}

port_avoided() {
  local p
  for p in ${FORECOURT_AVOID_PORTS:-}; do
    [ "$p" = "$1" ] && return 0
  done
  return 1
}

# The first port from $1 up that is free, not avoided, and not $2 (the other service's port).
pick_port() {
  local port=$1 other=${2:-}
  while [ "$port" -lt $(($1 + 1000)) ]; do
    if [ "$port" != "$other" ] && ! port_avoided "$port" && ! port_in_use "$port"; then
      echo "$port"
      return 0
    fi
    port=$((port + 1))
  done
  die "no free port in $1..$(($1 + 999)) on 127.0.0.1"
}

# True when the PID is alive and its command line mentions $2 (guards against a stale
# pidfile whose PID now belongs to another process).
pid_matches() {
  local pid=$1 needle=$2
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$needle"
}

pg_pid() { if [ -f "$PGDATA_DIR/postmaster.pid" ]; then head -n 1 "$PGDATA_DIR/postmaster.pid"; fi; }
# Any postgres process counts, whatever -D it was given (a test may restart the cluster with
# a pg_ctl of its own): postmaster.pid lives in our data folder, and PostgreSQL keeps it
# valid; a live PID that is not postgres at all means a stale file.
pg_running() { pid_matches "$(pg_pid)" postgres; }
redis_pid() { if [ -f "$REDIS_PID" ]; then tr -dc '0-9' <"$REDIS_PID"; fi; }
redis_running() { pid_matches "$(redis_pid)" "$REDIS_CONF"; }

# As root, the postgres user must be able to reach the data folder: add o+x (traverse only,
# no listing or reading) to each ancestor that lacks it, e.g. a `mktemp -d` folder (0700).
ensure_traversable() {
  is_root || return 0
  runuser -u "$PG_USER" -- test -x "$DATA_DIR" 2>/dev/null && return 0
  local dir=$DATA_DIR
  local -a chain=()
  while [ "$dir" != / ]; do
    chain=("$dir" "${chain[@]}")
    dir=$(dirname "$dir")
  done
  for dir in "${chain[@]}"; do
    if ! runuser -u "$PG_USER" -- test -x "$dir" 2>/dev/null; then
      chmod o+x "$dir"
      say "stack: chmod o+x $dir (so the $PG_USER user can reach the data folder)"
    fi
  done
}

ensure_pg_user() {
  is_root || return 0
  id -u "$PG_USER" >/dev/null 2>&1 && return 0
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$PG_USER"
  say "stack: created the system user $PG_USER (PostgreSQL does not run as root)"
}

# Directories PostgreSQL writes to belong to the user that runs it.
make_pg_dir() {
  mkdir -p "$1"
  chmod "$2" "$1"
  if is_root; then chown "$PG_USER:$PG_USER" "$1"; fi
}

init_pg() {
  [ -x "$PG_BIN/initdb" ] || die "$PG_BIN/initdb not found: run scripts/setup.sh (postgresql-15)"
  [ -f "$PGDATA_DIR/PG_VERSION" ] && return 0
  info "stack: creating the PostgreSQL cluster in $PGDATA_DIR"
  make_pg_dir "$PGDATA_DIR" 0700
  pg_run "$PG_BIN/initdb" -D "$PGDATA_DIR" -U postgres -A trust --encoding UTF8 \
    --locale C.UTF-8 --no-instructions >"$DATA_DIR/initdb.log" 2>&1 || {
    tail -n 20 "$DATA_DIR/initdb.log" >&2
    die "initdb failed (full log: $DATA_DIR/initdb.log)"
  }
  # Our settings live in an included file, rewritten at each start (port and paths may
  # change); postgresql.conf keeps initdb's defaults.
  printf "\n# Forecourt's settings (scripts/stack.sh rewrites this file at each start)\ninclude_if_exists = 'forecourt.conf'\n" \
    >>"$PGDATA_DIR/postgresql.conf"
}

write_pg_conf() {
  # unix socket paths are limited to 107 bytes: with a very deep data folder, TCP only.
  local sockets=$RUN_DIR
  if [ $((${#RUN_DIR} + 20)) -gt 107 ]; then
    sockets=''
    warn "the data folder path is too long for a unix socket: PostgreSQL listens on TCP only"
  fi
  # Loopback only, trust: a developer's private cluster, reachable from this machine alone.
  cat >"$PGDATA_DIR/pg_hba.conf" <<'EOF'
# Written by scripts/stack.sh: local connections only, no passwords (a private dev cluster).
local   all  all                 trust
host    all  all  127.0.0.1/32   trust
EOF
  # Sized for the 2-core / 24 GB machines; durability stays on (fsync, synchronous_commit).
  cat >"$PGDATA_DIR/forecourt.conf" <<EOF
# Written by scripts/stack.sh at each start: edit the script, not this file.
port = $PG_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sockets'
unix_socket_permissions = 0700
max_connections = ${FORECOURT_PG_MAX_CONNECTIONS:-200}
shared_buffers = ${FORECOURT_PG_SHARED_BUFFERS:-2GB}
effective_cache_size = 12GB
work_mem = 32MB
maintenance_work_mem = 256MB
max_wal_size = 2GB
random_page_cost = 1.1
fsync = on
timezone = 'UTC'
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d '
log_min_duration_statement = ${FORECOURT_PG_LOG_SLOW_MS:-500}
EOF
  if is_root; then chown "$PG_USER:$PG_USER" "$PGDATA_DIR/pg_hba.conf" "$PGDATA_DIR/forecourt.conf"; fi
}

start_pg() {
  if pg_running; then
    say "stack: PostgreSQL already running (PID $(pg_pid), port $PG_PORT)"
    return 0
  fi
  # A postmaster.pid left by a crash whose PID is now another process would block the start.
  if [ -f "$PGDATA_DIR/postmaster.pid" ]; then
    say "stack: removing the stale $PGDATA_DIR/postmaster.pid (PID $(pg_pid) is not our postgres)"
    rm -f "$PGDATA_DIR/postmaster.pid"
  fi
  write_pg_conf
  make_pg_dir "$LOG_DIR" 0755
  # pg_ctl -w waits until the server accepts connections; its postmaster detaches into a
  # session of its own, so `stop` has to stop it explicitly (a Ctrl-C never reaches it).
  if ! pg_run "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PG_LOG" -w -t "$WAIT_S" start >/dev/null; then
    say "--- last lines of $PG_LOG:"
    tail -n 30 "$PG_LOG" >&2 || true
    die "PostgreSQL did not start on 127.0.0.1:$PG_PORT within ${WAIT_S}s (log above)"
  fi
  local i
  for ((i = 0; i < WAIT_S * 2; i++)); do
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -t 1 && break
    sleep 0.5
  done
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -t 1 || {
    tail -n 30 "$PG_LOG" >&2 || true
    die "PostgreSQL started but pg_isready gets no answer on 127.0.0.1:$PG_PORT (log above)"
  }
  # The application database, created once.
  if [ -z "$(psql_super postgres -tAc "select 1 from pg_database where datname = '$DB_NAME'")" ]; then
    psql_super postgres -qc "create database $DB_NAME" >/dev/null
    info "stack: created the database $DB_NAME"
  fi
}

psql_super() {
  local db=$1
  shift
  "$PG_BIN/psql" -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$db" "$@"
}

stop_pg() {
  if ! pg_running; then
    say "stack: PostgreSQL is not running"
    return 0
  fi
  # fast: roll back open transactions and disconnect clients, then a clean checkpoint.
  pg_run "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t "$WAIT_S" stop >/dev/null ||
    die "pg_ctl stop failed for $PGDATA_DIR (see $PG_LOG)"
  say "stack: PostgreSQL stopped"
}

write_redis_conf() {
  cat >"$REDIS_CONF" <<EOF
# Written by scripts/stack.sh at each start: edit the script, not this file.
bind 127.0.0.1
protected-mode yes
port $REDIS_PORT
daemonize no
supervised no
pidfile $REDIS_PID
logfile $REDIS_LOG
dir $REDIS_DIR
dbfilename dump.rdb
# Cache, rate limits and queues: a snapshot now and then keeps dev data across restarts.
save 900 1 300 100
appendonly no
always-show-logo no
# Keep the config path in the process title, so the pidfile check (and pgrep) can tell
# this Redis from any other.
proc-title-template "{title} {listen-addr} {server-mode} {config-file}"
EOF
}

start_redis() {
  command -v redis-server >/dev/null 2>&1 || die "redis-server not found: run scripts/setup.sh"
  if redis_running; then
    say "stack: Redis already running (PID $(redis_pid), port $REDIS_PORT)"
    return 0
  fi
  mkdir -p "$REDIS_DIR" "$LOG_DIR"
  rm -f "$REDIS_PID"
  write_redis_conf
  # setsid: its own session, so a Ctrl-C meant for the caller does not kill it before the
  # server drains; `stop` ends it by its PID. stdout is empty (logfile), errors go to the log.
  setsid redis-server "$REDIS_CONF" </dev/null >/dev/null 2>>"$REDIS_LOG" &
  local pid=$! i
  for ((i = 0; i < WAIT_S * 2; i++)); do
    [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] && return 0
    kill -0 "$pid" 2>/dev/null || break # exited: no point in waiting
    sleep 0.5
  done
  say "--- last lines of $REDIS_LOG:"
  tail -n 30 "$REDIS_LOG" >&2 || true
  kill "$pid" 2>/dev/null || true
  die "Redis did not answer PING on 127.0.0.1:$REDIS_PORT within ${WAIT_S}s (log above)"
}

stop_redis() {
  local pid i
  pid=$(redis_pid)
  if ! redis_running; then
    say "stack: Redis is not running"
    return 0
  fi
  kill -TERM "$pid"
  # On SIGTERM Redis saves its snapshot (save points are set) and exits.
  for ((i = 0; i < WAIT_S * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || {
      say "stack: Redis stopped"
      return 0
    }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  warn "Redis (PID $pid) ignored SIGTERM for ${WAIT_S}s: killed"
}

# Ports: the persisted ones when free (or held by our own running service), new ones otherwise.
choose_ports() {
  load_ports
  local changed=0
  if [ -z "$PG_PORT" ] || { ! pg_running && { port_in_use "$PG_PORT" || port_avoided "$PG_PORT"; }; }; then
    [ -n "$PG_PORT" ] && say "stack: port $PG_PORT is taken by another program, picking another for PostgreSQL"
    PG_PORT=$(pick_port "${FORECOURT_PG_PORT_BASE:-54322}" "$REDIS_PORT")
    changed=1
  fi
  if [ -z "$REDIS_PORT" ] || { ! redis_running && { port_in_use "$REDIS_PORT" || port_avoided "$REDIS_PORT"; }; }; then
    [ -n "$REDIS_PORT" ] && say "stack: port $REDIS_PORT is taken by another program, picking another for Redis"
    REDIS_PORT=$(pick_port "${FORECOURT_REDIS_PORT_BASE:-56379}" "$PG_PORT")
    changed=1
  fi
  if [ "$changed" = 1 ]; then save_ports; fi
}

cmd_start() {
  mkdir -p "$DATA_DIR"
  ensure_pg_user
  ensure_traversable
  choose_ports
  init_pg
  make_pg_dir "$RUN_DIR" 0700
  start_pg
  start_redis
  info "stack: PostgreSQL 15 on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT (data: $DATA_DIR)"
}

cmd_stop() {
  if [ ! -d "$DATA_DIR" ]; then
    say "stack: nothing to stop ($DATA_DIR does not exist)"
    return 0
  fi
  load_ports
  # Redis first: the server's clients are gone by now; PostgreSQL last, it holds the data.
  stop_redis
  stop_pg
}

cmd_status() {
  load_ports
  local rc=0
  if pg_running; then
    say "PostgreSQL: running, PID $(pg_pid), 127.0.0.1:$PG_PORT, data $PGDATA_DIR"
  else
    say "PostgreSQL: stopped (data $PGDATA_DIR)"
    rc=3
  fi
  if redis_running; then
    say "Redis:      running, PID $(redis_pid), 127.0.0.1:$REDIS_PORT"
  else
    say "Redis:      stopped"
    rc=3
  fi
  return "$rc"
}

cmd_env() {
  require_ports
  printf 'export DATABASE_URL=%q MIGRATIONS_DATABASE_URL=%q REDIS_URL=%q FORECOURT_DATA_DIR=%q\n' \
    "postgresql://authenticator@127.0.0.1:$PG_PORT/$DB_NAME" \
    "postgresql://postgres@127.0.0.1:$PG_PORT/$DB_NAME" \
    "redis://127.0.0.1:$REDIS_PORT/0" \
    "$DATA_DIR"
}

cmd_test_env() {
  cmd_env
  printf 'export FORECOURT_TEST_PGDATA=%q FORECOURT_TEST_PGCTL=%q FORECOURT_TEST_PGLOG=%q\n' \
    "$PGDATA_DIR" "$(pgctl_prefix)" "$PG_LOG"
}

cmd_reset_db() {
  require_ports
  pg_running || die "PostgreSQL is not running: scripts/stack.sh start first"
  psql_super postgres -qc "drop database if exists $DB_NAME with (force)" -c "create database $DB_NAME" >/dev/null
  if redis_running; then redis-cli -h 127.0.0.1 -p "$REDIS_PORT" flushall >/dev/null; fi
  info "stack: database $DB_NAME re-created empty, Redis flushed"
}

case ${1:-} in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
env) cmd_env ;;
test-env) cmd_test_env ;;
psql)
  shift
  require_ports
  exec "$PG_BIN/psql" -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$DB_NAME" "$@"
  ;;
reset-db) cmd_reset_db ;;
*)
  say "usage: $0 start|stop|status|env|test-env|psql [args]|reset-db"
  exit 2
  ;;
esac
