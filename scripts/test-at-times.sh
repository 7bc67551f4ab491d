#!/usr/bin/env bash
# Runs the unit and end-to-end jest projects again (not the load suites) with the clock of every
# Node process (the test runner, the emulator, the bots the end-to-end tests start) moved to chosen instants, so that no test can
# pass only at some hours of the day. The clock keeps running from there; monotonic timers are
# left alone. Chromium runs on the real clock (it only renders what the bot posted).
#
#   scripts/test-at-times.sh                        # the default instants below
#   scripts/test-at-times.sh 2026-12-02T13:30:00Z   # one instant
#
# Needs `faketime` (scripts/install-test-tools.sh) and a built tree (npm test builds it).
set -euo pipefail
cd "$(dirname "$0")/.."

instants=("$@")
if [ ${#instants[@]} -eq 0 ]; then
  instants=(
    2026-12-02T13:30:00Z  # now + 3 h is past midnight in Singapore (GMT+8)
    2026-03-29T00:55:00Z  # five minutes before Europe leaves winter time (01:00 UTC)
    2026-11-01T05:55:00Z  # five minutes before New York goes back to EST (06:00 UTC)
  )
fi

for instant in "${instants[@]}"; do
  offset=$(( $(date -ud "$instant" +%s) - $(date -u +%s) ))
  [ "$offset" -ge 0 ] && offset="+$offset"
  echo "== jest with the clock at $instant (offset ${offset} s) =="
  TZ=UTC FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "$offset" npx jest --selectProjects unit e2e
done
