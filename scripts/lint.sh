#!/usr/bin/env bash
# The code quality gates (make lint; tests/run-suite.sh runs them too, so CI does):
#   clang-format  formatting of src/ tests/ bench/ (*.cpp, *.hpp) against .clang-format
#   cppcheck      warning, performance and portability findings in src/
#   flawfinder    risk level 4 and 5 hits in src/
#   clang-tidy    .clang-tidy's checks on the .cpp files changed since origin/main (or since
#                 HEAD~1 when that is nothing, as in CI's fresh clone), uncommitted ones
#                 included; all of them with FORECOURT_TIDY_ALL=1
# Every gate runs, then the script fails if any did. Accepted findings are suppressed inline
# with a reason: `// cppcheck-suppress id`, `// Flawfinder: ignore`, `// NOLINT(check)`.
# clang-tidy uses the compile_commands.json of FORECOURT_LINT_BUILD_DIR (default: build/ci,
# else build/dev); for a unity build (ci, asan) that of a configure-only twin, build/tidy.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$FORECOURT_ROOT"

jobs=$(nproc 2>/dev/null || echo 2)
failures=()
tidy_db=''
trap 'if [ -n "$tidy_db" ]; then rm -rf "$tidy_db"; fi' EXIT

gate() {
  local name=$1 start=$SECONDS
  shift
  printf -- '-- %s\n' "$name"
  if "$@"; then
    printf -- '-- %s: ok (%ss)\n' "$name" $((SECONDS - start))
  else
    printf -- '-- %s: FAILED (%ss)\n' "$name" $((SECONDS - start))
    failures+=("$name")
  fi
}

mapfile -t format_files < <(find src tests bench -type f \( -name '*.cpp' -o -name '*.hpp' \) \
  -not -path '*/node_modules/*' 2>/dev/null | sort)

check_format() {
  command -v clang-format >/dev/null 2>&1 || { say "clang-format not found: run scripts/setup.sh"; return 1; }
  [ "${#format_files[@]}" -gt 0 ] || { say "no C++ files"; return 0; }
  local out
  if out=$(clang-format --style=file --dry-run --Werror "${format_files[@]}" 2>&1); then
    return 0
  fi
  printf '%s\n' "$out" | head -n 60
  say "files not formatted as .clang-format says:"
  printf '%s\n' "$out" | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error:.*/  \1/p' | sort -u
  say "fix with: make format"
  return 1
}

check_cppcheck() {
  command -v cppcheck >/dev/null 2>&1 || { say "cppcheck not found: run scripts/setup.sh"; return 1; }
  # The build dir keeps cppcheck's per-file results, so unchanged files are not re-analysed.
  # missingReturn is off: cppcheck 2.10 does not know coroutines and flags every
  # awaitable<void> without co_return; GCC's -Wreturn-type (an error in the ci build) covers
  # the real cases.
  mkdir -p build/cppcheck
  cppcheck --quiet -j "$jobs" --cppcheck-build-dir=build/cppcheck \
    --enable=warning,performance,portability --error-exitcode=1 --inline-suppr \
    --std=c++20 --language=c++ --library=boost -Isrc \
    --suppress=missingIncludeSystem --suppress=missingReturn \
    --template='{file}:{line}: {severity} ({id}): {message}' \
    src
}

check_flawfinder() {
  command -v flawfinder >/dev/null 2>&1 || { say "flawfinder not found: run scripts/setup.sh"; return 1; }
  # Levels 4 and 5 are the "high" ones (format strings, buffer overflows, races).
  flawfinder --quiet --dataonly --minlevel=4 --error-level=4 src
}

# The .cpp files clang-tidy looks at, one a line.
tidy_files() {
  if [ "${FORECOURT_TIDY_ALL:-0}" = 1 ] || ! git rev-parse -q --verify HEAD >/dev/null 2>&1; then
    # Asked for, or no commit yet: everything.
    find src tests bench -type f -name '*.cpp' 2>/dev/null | sort
    return
  fi
  local base head
  head=$(git rev-parse HEAD)
  base=$(git merge-base HEAD origin/main 2>/dev/null || true)
  if [ -z "$base" ] || [ "$base" = "$head" ]; then
    # On main itself (CI's clone): the files the last commit touched. For a first commit,
    # the empty tree, i.e. all its files.
    base=$(git rev-parse -q --verify HEAD~1 || git hash-object -t tree /dev/null)
  fi
  {
    git diff --name-only --diff-filter=d "$base" -- 'src/*.cpp' 'tests/*.cpp' 'bench/*.cpp'
    git ls-files --others --exclude-standard -- 'src/*.cpp' 'tests/*.cpp' 'bench/*.cpp'
  } | sort -u
}

lint_build_dir() {
  local d=${FORECOURT_LINT_BUILD_DIR:-}
  if [ -z "$d" ]; then
    d=build/ci
    [ -f build/ci/compile_commands.json ] || [ ! -f build/dev/compile_commands.json ] || d=build/dev
  fi
  # A unity build's database lists its unity files, not the sources: configure (only
  # configure, a few seconds) a one-file-per-object twin whose database names each file.
  if [ -f "$d/compile_commands.json" ] && grep -q 'Unity/unity_' "$d/compile_commands.json"; then
    if cmake -S "$FORECOURT_ROOT" -B "$FORECOURT_ROOT/build/tidy" -G Ninja \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFORECOURT_WERROR=ON -DFORECOURT_BENCHMARKS=OFF \
      -DFORECOURT_UNITY_BUILD=OFF --log-level=WARNING >/dev/null; then
      d=$FORECOURT_ROOT/build/tidy
    fi
  fi
  echo "$d"
}

check_tidy() {
  command -v clang-tidy >/dev/null 2>&1 || { say "clang-tidy not found: run scripts/setup.sh"; return 1; }
  local dir db
  dir=$(lint_build_dir)
  db=$dir/compile_commands.json
  [ -f "$db" ] || { say "$db is missing: build first (make build, or scripts/build.sh ci)"; return 1; }
  local -a files=()
  local f
  while IFS= read -r f; do
    [ -f "$f" ] || continue
    # Only translation units the build knows: clang-tidy would guess the flags of others.
    if grep -qF "\"file\": \"$FORECOURT_ROOT/$f\"" "$db"; then
      files+=("$f")
    else
      say "clang-tidy: $f is not in $db yet (configure again), skipped"
    fi
  done < <(tidy_files)
  if [ "${#files[@]}" -eq 0 ]; then
    say "clang-tidy: no changed .cpp files (FORECOURT_TIDY_ALL=1 checks all)"
    return 0
  fi
  say "clang-tidy: ${#files[@]} file(s), $jobs at a time, compile flags from $db"
  # A global, so that the EXIT trap removes it even when the run is interrupted.
  tidy_db=$(mktemp -d)
  clang_compile_db "$db" "$tidy_db"
  # The build's flags are GCC's: clang warns about the options it does not know, not an issue.
  # It exits non-zero on errors (WarningsAsErrors in .clang-tidy, or code it cannot compile).
  # Its "N warnings generated" lines count what the filters hid (Boost's, the standard
  # library's): noise, dropped.
  local rc=0
  printf '%s\0' "${files[@]}" |
    xargs -0 -n 1 -P "$jobs" clang-tidy -p "$tidy_db" --quiet \
      --extra-arg=-Wno-unknown-warning-option --extra-arg=-Wno-unused-command-line-argument 2>&1 |
    grep -vE '^[0-9]+ (warning|error)s? generated\.$' || rc=${PIPESTATUS[1]}
  return "$rc"
}

# The build's compile database, made readable for clang: CMake's precompiled headers are
# force-included as <target>/cmake_pch.hxx, next to GCC's cmake_pch.hxx.gch, which clang
# finds and rejects ("not a valid precompiled PCH file"). A copy of each .hxx (a plain header
# including src/pch.hpp) in a temp folder, without the .gch, gives clang the same includes.
# Usage: clang_compile_db <build's compile_commands.json> <folder for the rewritten one>
clang_compile_db() {
  local db=$1 tmp=$2 i=0 pch copy
  cp "$db" "$tmp/compile_commands.json"
  while IFS= read -r pch; do
    [ -f "$pch" ] || continue
    copy=$tmp/pch$i.hxx
    cp "$pch" "$copy"
    # Plain string replacement (no regex: paths may hold regex characters).
    PCH=$pch COPY=$copy perl -pi -e 's/\Q$ENV{PCH}\E/$ENV{COPY}/g' "$tmp/compile_commands.json"
    i=$((i + 1))
  done < <(grep -o -- '-include [^ "]*cmake_pch\.hxx' "$db" | cut -d' ' -f2 | sort -u)
}

gate "clang-format" check_format
gate "cppcheck" check_cppcheck
gate "flawfinder" check_flawfinder
gate "clang-tidy" check_tidy

if [ "${#failures[@]}" -gt 0 ]; then
  say "lint: failed: ${failures[*]}"
  exit 1
fi
say "lint: all gates passed"
