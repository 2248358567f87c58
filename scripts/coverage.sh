#!/usr/bin/env bash
# `make coverage`: the suite built with gcov instrumentation (preset coverage), then an lcov
# report of the domain logic (src/domain) in build/coverage/html, and its line coverage.
# The target of the spec is 95%+ on domain logic; this reports, it does not enforce.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$FORECOURT_ROOT"

dir=build/coverage
out=$dir/html
command -v lcov >/dev/null 2>&1 || "$FORECOURT_ROOT/scripts/setup.sh"

# Counters from an earlier run would add up with this one's.
if [ -d "$dir" ]; then lcov --quiet --zerocounters --directory "$dir"; fi

# The same suite as make test (unit, integration, pgTAP), without the gates and the ASan
# run, which add nothing to the coverage.
FORECOURT_PRESET=coverage FORECOURT_SKIP_ASAN=1 FORECOURT_SKIP_LINT=1 \
  "$FORECOURT_ROOT/tests/run-suite.sh" || die "the test suite failed: no coverage report"

info "coverage: collecting the counters"
# Debian's lcov 1.16 prints "Subroutine ... redefined" warnings of its own perl: noise, dropped.
lcov --quiet --capture --directory "$dir" --output-file "$dir/all.info" --rc lcov_branch_coverage=0 \
  2> >(grep -v '^Subroutine .* redefined at' >&2) ||
  die "lcov could not read the counters in $dir"
lcov --quiet --extract "$dir/all.info" "$FORECOURT_ROOT/src/domain/*" --output-file "$dir/domain.info" ||
  die "no coverage data for src/domain (no domain code yet, or no test runs it)"
rm -rf "$out"
genhtml --quiet --title "Forecourt domain logic" --output-directory "$out" "$dir/domain.info"

# lcov --summary prints "  lines......: 96.1% (123 of 128 lines)".
line=$(lcov --summary "$dir/domain.info" 2>&1 | sed -n 's/^ *lines\.*: *//p')
info "coverage: report in $out/index.html"
printf 'Line coverage of src/domain: %s\n' "${line:-unknown}"
