#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing: Chromium for the
# sandbox's browser tests (playwright-core drives it; browsers are never downloaded by npm
# packages here) and libfaketime for the faked-clock runs (scripts/test-at-times.sh).
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v faketime >/dev/null 2>&1 || missing+=(faketime)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing: ${missing[*]}; install with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
