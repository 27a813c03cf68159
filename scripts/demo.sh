#!/usr/bin/env bash
# The main job on the embedded local stack: set-up, stack up, then the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export PATH="$HOME/.local/bin:$PATH"
pnpm -s stack up
exec pnpm --filter @sync/demo start "$@"
