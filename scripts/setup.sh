#!/usr/bin/env bash
# Installs what Forecourt needs on Debian 12 that is not installed yet, then the npm
# dependencies of the JS test tools. Idempotent, and quick when nothing is missing: one
# dpkg-query call and no network.
# Usage: scripts/setup.sh        (FORECOURT_SKIP_SETUP=1 skips it, e.g. on a non-Debian box
#                                 where the dependencies were installed by other means)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ "${FORECOURT_SKIP_SETUP:-0}" = 1 ]; then
  info "setup: skipped (FORECOURT_SKIP_SETUP=1)"
  exit 0
fi

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config ccache
  # libraries
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libvalijson-dev libhiredis-dev
  libsodium-dev libspdlog-dev libfmt-dev libssl-dev libpq-dev libqrencode-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # the private services (their system instances are never used, see scripts/stack.sh)
  postgresql-15 postgresql-15-pgtap redis-server
  # pg_prove, the pgTAP runner
  libtap-parser-sourcehandler-pgtap-perl
  # quality gates, coverage, load tests, health checks
  clang-format clang-tidy cppcheck flawfinder lcov wrk curl
  # the browser test of /docs (driven by playwright-core from js/)
  chromium
  # runuser and ss (stack.sh), usually present already
  util-linux iproute2
)

# Debian 12 ships the contrib extensions (pgcrypto, citext, ...) inside postgresql-15; other
# releases split them into postgresql-contrib-15. Ask for that package only where the
# extensions are absent, so the fast path needs no apt-cache look-up.
pg_share=/usr/share/postgresql/15/extension
need_contrib=0
if dpkg-query -W -f='${Status}' postgresql-15 2>/dev/null | grep -q 'ok installed' &&
  [ ! -f "$pg_share/pgcrypto.control" ]; then
  need_contrib=1
fi

# The JS test tools need node and npm; any install of them counts (nvm, nodesource, Debian).
js_dir="$FORECOURT_ROOT/js"
if [ -f "$js_dir/package.json" ] && ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

# One dpkg-query for all packages; unknown names print nothing on stdout, so every package
# without an "installed" line is missing.
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null |
  awk '$NF == "installed" && $(NF-1) == "ok" { print $1 }' || true)
missing=()
for p in "${packages[@]}"; do
  grep -qxF "$p" <<<"$installed" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ] || [ "$need_contrib" = 1 ]; then
  command -v apt-get >/dev/null 2>&1 ||
    die "apt-get not found: this script supports Debian 12; install these by hand: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  info "setup: installing ${missing[*]:-(none)}$([ "$need_contrib" = 1 ] && echo ' + PostgreSQL contrib')"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  if [ "$need_contrib" = 1 ]; then
    # Checked after the update: before it apt-cache may not know the package at all.
    if apt-cache show postgresql-contrib-15 >/dev/null 2>&1; then
      missing+=(postgresql-contrib-15)
    else
      warn "postgresql-contrib-15 does not exist here and $pg_share/pgcrypto.control is missing"
    fi
  fi
  # Installing postgresql-15 or redis-server may start their system services (ports 5432,
  # 6379). That is harmless: the project's stack runs its own instances on other ports.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}"
  info "setup: packages installed"
fi

# npm dependencies of the JS test tools: install when node_modules is missing, or older than
# the lockfile (npm ci writes node_modules/.package-lock.json, which marks the install time).
if [ -f "$js_dir/package.json" ]; then
  marker="$js_dir/node_modules/.package-lock.json"
  if [ ! -f "$js_dir/package-lock.json" ]; then
    if [ ! -d "$js_dir/node_modules" ] || [ "$js_dir/package.json" -nt "$marker" ]; then
      # Without a lockfile npm ci refuses to run; npm install writes one to commit.
      info "setup: js/ has no package-lock.json, running npm install (commit the lockfile)"
      (cd "$js_dir" && npm install --no-audit --no-fund)
    fi
  elif [ ! -f "$marker" ] || [ "$js_dir/package-lock.json" -nt "$marker" ]; then
    info "setup: installing the npm dependencies of js/"
    (cd "$js_dir" && npm ci --no-audit --no-fund)
  fi
fi
