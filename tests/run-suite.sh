#!/usr/bin/env bash
# `make test` (and CI, through .ci/run): the whole suite against a throwaway stack.
#   setup -> build (preset ci, or FORECOURT_PRESET) -> a private PostgreSQL + Redis in a new
#   temp folder (never the dev stack or its ports) -> migrate -> seed -> pgTAP (pg_prove over
#   supabase/tests) -> ctest (unit + integration) -> quality gates (scripts/lint.sh)
#   -> unless FORECOURT_SKIP_ASAN=1: build preset asan, fresh database, ctest again.
# Fails fast: the first failing stage ends the run. The last line is always
# `N passed, N failed` (tests counted by ctest and pg_prove; a failed stage that runs no
# tests, such as the build or lint, counts as one failure), and the exit status is non-zero
# when anything failed or when no test ran at all.
# Other knobs: FORECOURT_SKIP_LINT=1, FORECOURT_TEST_TIMEOUT (seconds per test, 300),
# FORECOURT_KEEP_SUITE_DIR=1 (keep the temp folder with the logs and the cluster).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$FORECOURT_ROOT"

scripts=$FORECOURT_ROOT/scripts
preset=${FORECOURT_PRESET:-ci}
test_timeout=${FORECOURT_TEST_TIMEOUT:-300}
passed=0
failed=0
ran=0
finished=0
suite_start=$SECONDS

suite_dir=$(mktemp -d "${TMPDIR:-/tmp}/forecourt-suite.XXXXXX")
# The stack of this run lives in the temp folder; ports come from ranges apart from the dev
# stack's, and the dev stack's own ports (even while it is stopped) are never taken.
export FORECOURT_DATA_DIR=$suite_dir/data
export FORECOURT_PG_PORT_BASE=${FORECOURT_TEST_PG_PORT_BASE:-55432}
export FORECOURT_REDIS_PORT_BASE=${FORECOURT_TEST_REDIS_PORT_BASE:-57379}
if [ -f "$FORECOURT_ROOT/.local/ports.env" ]; then
  FORECOURT_AVOID_PORTS=$(sed -n 's/^[A-Z_]*PORT=\([0-9]*\)$/\1/p' "$FORECOURT_ROOT/.local/ports.env" | tr '\n' ' ')
  export FORECOURT_AVOID_PORTS
fi
stack_up=0

stage_start=$SECONDS
stage() {
  stage_start=$SECONDS
  printf '\n==== %s ====\n' "$*"
}
stage_done() { printf -- '---- %s: ok (%ss)\n' "$1" $((SECONDS - stage_start)); }

# Stops the stack (by the PIDs stack.sh recorded) and removes the temp folder. Quiet unless
# something goes wrong, so that the summary stays the last line.
cleanup() {
  if [ "$stack_up" = 1 ]; then
    "$scripts/stack.sh" stop >"$suite_dir/stack-stop.log" 2>&1 ||
      { cat "$suite_dir/stack-stop.log" >&2; warn "could not stop the test stack in $FORECOURT_DATA_DIR"; }
    stack_up=0
  fi
  if [ "${FORECOURT_KEEP_SUITE_DIR:-0}" = 1 ]; then
    say "kept $suite_dir (logs, cluster)"
  else
    rm -rf "$suite_dir"
  fi
}

summary() { printf '%s passed, %s failed\n' "$passed" "$failed"; }

# Every way out goes through here: clean up, then the summary as the very last line.
finish() {
  local rc=$1
  finished=1
  trap - EXIT
  cleanup
  printf '\n(total %ss)\n' $((SECONDS - suite_start))
  summary
  exit "$rc"
}

# A failed stage: say which and why, show the service logs that may explain it, stop.
fail() {
  local stage_name=$1 message=$2
  failed=$((failed + ${3:-1}))
  printf '\nFAILED: %s: %s\n' "$stage_name" "$message"
  if [ "$stack_up" = 1 ] && [ -f "$FORECOURT_DATA_DIR/log/postgres.log" ]; then
    printf -- '--- last lines of the test PostgreSQL log:\n'
    tail -n 15 "$FORECOURT_DATA_DIR/log/postgres.log" || true
  fi
  finish 1
}

# shellcheck disable=SC2317 # called by the EXIT trap
on_exit() {
  local rc=$?
  [ "$finished" = 1 ] && return
  # An unexpected exit (a command failed under set -e): still clean up and summarise.
  printf '\nFAILED: unexpected error (status %s), see above\n' "$rc"
  failed=$((failed + 1))
  finish 1
}
trap on_exit EXIT
trap 'printf "\ninterrupted\n"; failed=$((failed + 1)); finish 130' INT TERM

# Runs ctest in a build folder and adds its counts. ctest's closing line reads
# "100% tests passed, 0 tests failed out of 42".
run_ctest() {
  local name=$1 dir=$2 log=$suite_dir/ctest-$1.log rc=0 line total=0 nfail=0
  ctest --test-dir "$dir" --output-on-failure -j1 --no-tests=error --timeout "$test_timeout" 2>&1 |
    tee "$log" || rc=${PIPESTATUS[0]}
  line=$(grep -Eo '[0-9]+ tests failed out of [0-9]+' "$log" | tail -n 1 || true)
  if [ -n "$line" ]; then
    nfail=${line%% *}
    total=${line##* }
  fi
  ran=$((ran + total))
  passed=$((passed + total - nfail))
  if [ "$rc" -ne 0 ]; then
    # A crash or "no tests found" has no failed count of its own: count it as one.
    if [ "$total" -eq 0 ]; then
      fail "$name" "ctest exited with status $rc and ran no test (none found, or it crashed)"
    fi
    [ "$nfail" -gt 0 ] || nfail=1
    fail "$name" "ctest exited with status $rc ($nfail of $total failed)" "$nfail"
  fi
}

# pg_prove over supabase/tests (the Supabase CLI's layout, any depth). Its summary reads
# "Files=3, Tests=57, ..." then "Result: PASS" or "Result: FAIL"; on failure each failing
# file has a "(Wstat: ... Tests: N Failed: F)" line.
run_pgtap() {
  local -a files
  mapfile -t files < <(find supabase/tests -type f -name '*.sql' 2>/dev/null | sort)
  if [ "${#files[@]}" -eq 0 ]; then
    say "no pgTAP files in supabase/tests: skipped"
    return 0
  fi
  command -v pg_prove >/dev/null 2>&1 || fail pgTAP "pg_prove not found (scripts/setup.sh installs it)"
  psql -X -q -v ON_ERROR_STOP=1 -d "$MIGRATIONS_DATABASE_URL" -c 'create extension if not exists pgtap' ||
    fail pgTAP "could not create the pgtap extension (postgresql-15-pgtap installed?)"
  local log=$suite_dir/pgtap.log rc=0 total nfail
  pg_prove --dbname "$MIGRATIONS_DATABASE_URL" "${files[@]}" 2>&1 | tee "$log" || rc=${PIPESTATUS[0]}
  total=$(sed -n 's/^Files=[0-9]*, Tests=\([0-9]*\),.*/\1/p' "$log" | tail -n 1)
  total=${total:-0}
  nfail=$(sed -n 's/.*Failed: \([0-9]*\)).*/\1/p' "$log" | awk '{ s += $1 } END { print s + 0 }')
  ran=$((ran + total))
  if [ "$rc" -ne 0 ] || ! grep -q '^Result: PASS' "$log"; then
    # A file that dies before its plan (an SQL error) fails with no count: one failure.
    [ "$nfail" -gt 0 ] || nfail=1
    passed=$((passed + (total > nfail ? total - nfail : 0)))
    fail pgTAP "pg_prove reported failures ($nfail of $total)" "$nfail"
  fi
  passed=$((passed + total))
}

# Applies the migrations and the seed with the given build's binary.
migrate_and_seed() {
  local bin=$1/forecourt
  "$bin" migrate || fail migrate "forecourt migrate failed (see above)"
  "$bin" seed || fail seed "forecourt seed failed (see above)"
}

# --- the stages --------------------------------------------------------------------------

stage "setup: Debian packages"
"$scripts/setup.sh" || fail setup "scripts/setup.sh failed (see above)"
stage_done setup

stage "build: preset $preset"
"$scripts/build.sh" "$preset" || fail build "the build of preset $preset failed (see above)"
stage_done build

stage "stack: private PostgreSQL and Redis in $FORECOURT_DATA_DIR"
stack_up=1
"$scripts/stack.sh" start || fail stack "the test stack did not start (see above)"
# The servers' URLs, plus what integration tests need to stop and start PostgreSQL.
eval "$("$scripts/stack.sh" test-env)"
stage_done stack

stage "migrate + seed ($preset)"
migrate_and_seed "build/$preset"
stage_done "migrate + seed"

stage "pgTAP: supabase/tests"
run_pgtap
stage_done pgTAP

stage "ctest: preset $preset"
run_ctest "ctest ($preset)" "build/$preset"
stage_done ctest

if [ "${FORECOURT_SKIP_LINT:-0}" != 1 ]; then
  stage "quality gates: scripts/lint.sh"
  FORECOURT_LINT_BUILD_DIR=$FORECOURT_ROOT/build/$preset "$scripts/lint.sh" ||
    fail lint "a quality gate failed (see above; make format fixes the formatting)"
  stage_done lint
fi

if [ "${FORECOURT_SKIP_ASAN:-0}" != 1 ] && [ "$preset" != asan ]; then
  stage "build: preset asan (AddressSanitizer + UndefinedBehaviorSanitizer)"
  "$scripts/build.sh" asan || fail "build asan" "the build of preset asan failed (see above)"
  stage_done "build asan"

  stage "fresh database, migrate + seed (asan)"
  # Tests may have stopped services; start is a no-op for what already runs.
  "$scripts/stack.sh" start || fail stack "the test stack did not restart"
  "$scripts/stack.sh" reset-db || fail stack "could not re-create the test database"
  migrate_and_seed build/asan
  stage_done "migrate + seed (asan)"

  stage "ctest: preset asan"
  # Any sanitizer report fails the test it happens in; leaks included.
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_init_order=1:check_initialization_order=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    run_ctest "ctest (asan)" build/asan
  stage_done "ctest asan"
fi

if [ "$ran" -eq 0 ]; then
  printf '\nFAILED: no test ran (ctest and pg_prove found nothing to run)\n'
  finish 1
fi
finish 0
