#!/usr/bin/env bash
# Installs the system programs the test suite runs for real: redis-server (the vote front end's tests
# start their own instances) and Chromium (the browser end-to-end test drives it headless).
# Safe to run again: when both are present it does nothing and never touches apt.
#
# Debian ships Chromium as the `chromium` package at /usr/bin/chromium. On Ubuntu that package does
# not exist and `chromium-browser` is only a stub that installs a snap, which CI runners and
# containers usually cannot run; there, install a Debian-packaged Chromium or link a Chromium/Chrome
# binary to /usr/bin/chromium, then run this script again.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

have_redis() { command -v redis-server >/dev/null 2>&1; }
have_chromium() { [[ -x "$CHROMIUM" ]]; }

if have_redis && have_chromium; then
  echo "install-test-deps: redis-server and $CHROMIUM already installed"
  exit 0
fi

if [[ "$(id -u)" -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "install-test-deps: not root and sudo is missing; install redis-server and chromium by hand" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: apt-get not found; install redis-server and Chromium ($CHROMIUM) by hand" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
APT=("${SUDO[@]}" apt-get -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

# The index may be stale or empty on a fresh machine or container.
"${SUDO[@]}" apt-get update -q

packages=()
have_redis || packages+=(redis-server)
if ! have_chromium; then
  if ! apt-cache show chromium >/dev/null 2>&1; then
    echo "install-test-deps: no 'chromium' apt package here (Ubuntu's chromium-browser is a snap stub)." >&2
    echo "  Install a Chromium or Chrome binary and link it to $CHROMIUM, then run this again." >&2
    exit 1
  fi
  packages+=(chromium)
fi
"${APT[@]}" install --no-install-recommends "${packages[@]}"

# The package starts a redis-server service on 6379. The tests start their own on free ports, but a
# stray system instance wastes memory and confuses anyone debugging, so stop and disable it.
if have_redis; then
  if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
    "${SUDO[@]}" systemctl disable --now redis-server >/dev/null 2>&1 || true
  elif command -v service >/dev/null 2>&1; then
    "${SUDO[@]}" service redis-server stop >/dev/null 2>&1 || true
  fi
fi

missing=()
have_redis || missing+=(redis-server)
have_chromium || missing+=("$CHROMIUM")
if ((${#missing[@]} > 0)); then
  echo "install-test-deps: still missing after install: ${missing[*]}" >&2
  exit 1
fi
echo "install-test-deps: ready ($(redis-server --version | cut -d' ' -f1-3), $("$CHROMIUM" --version 2>/dev/null || echo chromium))"
