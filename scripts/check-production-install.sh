#!/usr/bin/env bash
# A production install as a platform does it: `npm ci --omit=dev` of the lock file in an empty
# folder, with the build beside it. Fails when node_modules is over the size limit (MB, default
# 150), then runs end-to-end suites against that install's `node dist/index.js`.
set -euo pipefail
cd "$(dirname "$0")/.."
limit_mb="${PRODUCTION_INSTALL_LIMIT_MB:-150}"
suites=(test/e2e/foundation.test.ts test/e2e/recording.test.ts test/e2e/account.test.ts)

dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
npm run build --silent
cp package.json package-lock.json .npmrc "$dir/"
cp -r dist "$dir/dist"

start=$(date +%s)
(cd "$dir" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
seconds=$(( $(date +%s) - start ))
size_mb=$(du -sm "$dir/node_modules" | cut -f1)
packages=$(cd "$dir" && npm ls --omit=dev --all --parseable 2>/dev/null | sort -u | wc -l)
echo "production install: ${size_mb} MB of node_modules, ${packages} packages, npm ci --omit=dev took ${seconds} s (limit ${limit_mb} MB)"
if (( size_mb > limit_mb )); then
  echo "production install is over ${limit_mb} MB; the largest packages:" >&2
  (cd "$dir/node_modules" && du -sm -- * @*/* 2>/dev/null | sort -n | tail -15) >&2
  exit 1
fi

E2E_BOT_ENTRY="$dir/dist/index.js" npx jest "${suites[@]}" --maxWorkers=1
