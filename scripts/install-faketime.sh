#!/usr/bin/env bash
# Installs Debian's libfaketime (the `faketime` command) for the faked-clock test runs
# (scripts/test-at-times.sh), when it is missing.
set -euo pipefail
if command -v faketime >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "faketime is missing; install it with: sudo apt-get install -y faketime" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null
