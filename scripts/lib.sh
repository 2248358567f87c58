# shellcheck shell=bash
# Shared helpers for the developer scripts. Sourced, never executed: it only defines
# functions and the repository root, so sourcing it has no side effects.

# The repository root, wherever the caller was started from (scripts/ is one level down).
FORECOURT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
export FORECOURT_ROOT

# Messages go to stderr so that commands whose stdout is consumed (stack.sh env) stay clean.
say() { printf '%s\n' "$*" >&2; }
info() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# True when this process runs as root (CI and the workplace machines do).
is_root() { [ "$(id -u)" -eq 0 ]; }

# Runs a command with root rights: directly as root, through sudo otherwise.
as_root() {
  if is_root; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "'$*' needs root rights, and sudo is not installed: run this script as root once"
  fi
}

# The configured build directory of a CMake preset (binaryDir is build/<preset> for all presets).
build_dir() { printf '%s/build/%s' "$FORECOURT_ROOT" "$1"; }
