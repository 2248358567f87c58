#!/usr/bin/env bash
# Configures and builds one CMake preset (CMakePresets.json): binaries land in build/<preset>/.
# Usage: scripts/build.sh [preset]   (default: $FORECOURT_PRESET, else dev)
# It does not run setup.sh: its callers (run.sh, run-suite.sh, make build) do that first.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

preset=${1:-${FORECOURT_PRESET:-dev}}
cd "$FORECOURT_ROOT"

command -v cmake >/dev/null 2>&1 || die "cmake not found: run scripts/setup.sh"
command -v ninja >/dev/null 2>&1 || die "ninja not found: run scripts/setup.sh"

# ccache (CMakeLists.txt uses it when installed), set up so that it can cache at all and
# across clones: CMake's precompiled headers make every call uncacheable unless the PCH
# sloppiness is allowed (ccache's documented requirement), and paths under the repo are
# hashed relative to it, so a fresh clone in another folder (CI's) hits what an earlier
# build compiled.
export CCACHE_SLOPPINESS=${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$FORECOURT_ROOT}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}

info "build: configuring preset '$preset'"
# Configuring each time is cheap once the cache exists, and picks up edits to the presets.
cmake --preset "$preset" --log-level=WARNING ||
  die "CMake could not configure preset '$preset' (see the messages above)"

# FORECOURT_BUILD_TARGET limits the build to one target (run.sh only needs `forecourt`,
# not the test and benchmark programs): a cold `make run` compiles about half as much.
target_args=()
[ -n "${FORECOURT_BUILD_TARGET:-}" ] && target_args=(--target "$FORECOURT_BUILD_TARGET")
info "build: compiling preset '$preset' (build/$preset)${FORECOURT_BUILD_TARGET:+, target $FORECOURT_BUILD_TARGET}"
cmake --build --preset "$preset" "${target_args[@]}" ||
  die "the build of preset '$preset' failed: see the compiler errors above"

[ -x "build/$preset/forecourt" ] ||
  die "the build of preset '$preset' succeeded but build/$preset/forecourt is missing"
