#!/usr/bin/env bash
# The main job on the embedded local stack: set-up, stack up, then the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export PATH="$HOME/.local/bin:$PATH"
pnpm -s stack up
# Until the demo command exists, the main job is the shipper on the local stack.
exec pnpm --filter shipper start "$@"
