#!/usr/bin/env bash
# `make run`: from a fresh clone to a serving API in one command.
#   setup.sh (missing Debian packages) -> build (preset dev, or FORECOURT_PRESET)
#   -> stack.sh start (private PostgreSQL + Redis under .local/) -> forecourt migrate
#   -> forecourt seed (loads the demo data once) -> forecourt serve, in the foreground.
# Ctrl-C (or SIGTERM/SIGHUP) stops the server, waiting for its graceful drain, then the
# services this script started. Running it again reuses the data: no re-init, no re-seed.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$FORECOURT_ROOT"

scripts=$FORECOURT_ROOT/scripts
preset=${FORECOURT_PRESET:-dev}
bin=$FORECOURT_ROOT/build/$preset/forecourt

# The server reads .env itself; this script only needs a few of its values for the messages
# and the shutdown wait. The process environment wins over .env, as in the server.
dotenv_get() {
  [ -f .env ] || return 0
  sed -n "s/^[[:space:]]*\(export[[:space:]]\{1,\}\)\{0,1\}$1=//p" .env | tail -n 1 |
    sed -e 's/[[:space:]]*#.*$//' -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'$/\1/"
}
port=${PORT:-$(dotenv_get PORT)}
port=${port:-8080}
host=${HOST:-$(dotenv_get HOST)}
case ${host:-127.0.0.1} in 0.0.0.0 | '::' | '') url_host=127.0.0.1 ;; *) url_host=${host:-127.0.0.1} ;; esac
grace_ms=${SHUTDOWN_GRACE_MS:-$(dotenv_get SHUTDOWN_GRACE_MS)}
grace_ms=${grace_ms:-10000}
# The server validates these with clear messages; here they only need to be numbers.
[[ $port =~ ^[0-9]+$ ]] || die "PORT must be a number, got '$port'"
[[ $grace_ms =~ ^[0-9]+$ ]] || grace_ms=10000

server_pid=''
stack_started=0
cleaned=0

# True while the process runs; an exited child stays a zombie until waited for, and kill -0
# would still succeed on it, so the state is read from /proc.
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat:0:1}" != Z ]
}

stop_server() {
  [ -n "$server_pid" ] || return 0
  if alive "$server_pid"; then
    say ""
    info "stopping the server (PID $server_pid), up to $((grace_ms / 1000 + 5))s for in-flight requests"
    kill -TERM "$server_pid" 2>/dev/null || true
    local deadline=$((SECONDS + grace_ms / 1000 + 5))
    while alive "$server_pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    if alive "$server_pid"; then
      warn "the server did not exit within its grace period: killing it"
      kill -KILL "$server_pid" 2>/dev/null || true
    fi
  fi
  wait "$server_pid" 2>/dev/null || true
  server_pid=''
}

cleanup() {
  [ "$cleaned" = 0 ] || return 0
  cleaned=1
  # A second Ctrl-C must not cut the clean-up short: every step below is bounded in time.
  trap '' INT TERM HUP
  stop_server
  if [ "$stack_started" = 1 ]; then
    "$scripts/stack.sh" stop || warn "stack.sh stop failed: check with scripts/stack.sh status"
  fi
}

on_signal() {
  cleanup
  # The conventional status of a death by that signal.
  case $1 in INT) exit 130 ;; TERM) exit 143 ;; *) exit 129 ;; esac
}
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM
trap 'on_signal HUP' HUP
trap cleanup EXIT

"$scripts/setup.sh"
FORECOURT_BUILD_TARGET=forecourt "$scripts/build.sh" "$preset"

# Fail before starting anything when the API port is busy (another `make run`, say).
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  die "something already listens on 127.0.0.1:$port: stop it, or pick another port (PORT=8081 make run)"
fi

# Leave a stack that was already running (make stack-start) running when we are done.
if ! "$scripts/stack.sh" status >/dev/null 2>&1; then stack_started=1; fi
"$scripts/stack.sh" start
eval "$("$scripts/stack.sh" env)"

info "migrate: applying db/bootstrap and supabase/migrations"
"$bin" migrate || die "forecourt migrate failed (see above); the database stays at its previous version"
info "seed: loading the demo data (skipped when already loaded)"
"$bin" seed || die "forecourt seed failed (see above)"

# The local stack shows sign-in emails (OTP codes, magic links) at the dev mailbox instead of
# sending them; a value from the environment or .env wins. Never on in production.
DEV_MAILBOX=${DEV_MAILBOX:-$(dotenv_get DEV_MAILBOX)}
export DEV_MAILBOX=${DEV_MAILBOX:-true}

cat >&2 <<EOF

  Forecourt on http://$url_host:$port/
    API          http://$url_host:$port/
    API docs     http://$url_host:$port/docs
    Health       http://$url_host:$port/meta/health
    Demo logins  see README.md
    Dev mailbox  http://$url_host:$port/auth/v1/dev/mailbox?email=...  (DEV_MAILBOX=$DEV_MAILBOX)
    Data         $FORECOURT_DATA_DIR (PostgreSQL, Redis, stored files)
  Ctrl-C stops the server, then PostgreSQL and Redis.

EOF

# A child in a session of its own rather than exec: this script stays to stop the stack,
# and a Ctrl-C reaches the server once, through stop_server, so it drains instead of taking
# a second signal as "quit now". Its output still goes to this terminal.
setsid "$bin" serve </dev/null &
server_pid=$!
status=0
wait "$server_pid" || status=$?
server_pid=''
if [ "$status" -ne 0 ]; then
  die "forecourt serve exited with status $status (see its log above)"
fi
info "forecourt serve exited"
