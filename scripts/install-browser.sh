#!/usr/bin/env bash
# Installs Debian's Chromium for the sandbox's browser tests, when it is missing.
# Browsers are never downloaded by npm packages here; playwright-core drives this one.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Chromium is missing; install it with: sudo apt-get install -y chromium" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
