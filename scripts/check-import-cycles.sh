#!/usr/bin/env bash
# Fails (exit 1) when a module under the given folder (default: src) imports itself through others.
# Type-only imports count too: a cycle of types says two modules are one concept.
set -euo pipefail
cd "$(dirname "$0")/.."
root="${1:-src}"
exec npx --no-install dpdm --no-warning --no-tree --no-progress --exit-code circular:1 "$root/**/*.ts"
