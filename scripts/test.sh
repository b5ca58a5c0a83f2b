#!/usr/bin/env bash
# Run every test (unit, CLI and real-server integration) after set-up. Ends with `N passed, N failed`.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
tsc -p tsconfig.json || { echo "typecheck failed"; echo "0 passed, 1 failed"; exit 1; }
mkdir -p .cache
node test/harness/sweep.ts
tap --reporter=tap "$@" | tee .cache/tap.log
rc=${PIPESTATUS[0]}
node scripts/tap-summary.ts .cache/tap.log
exit "$rc"
