#!/usr/bin/env bash
# The main job: set up, then replay the seed scenario locally in harness pods (needs root).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/setup.sh
node test/e2e/replay.ts "$@"
