#!/usr/bin/env bash
# The whole test suite from a fresh clone: set-up, the local stack, lint, types, unit and
# integration tests, the build, then one summary line. Exits non-zero on any failure.
set -uo pipefail
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --tests || exit 1
export PATH="$HOME/.local/bin:$PATH"

reports="$(pwd)/.stack/test-reports"
rm -rf "$reports" && mkdir -p "$reports"
export SYNC_TEST_REPORT_DIR="$reports"

started_stack=0
if ! pnpm -s stack status >/dev/null 2>&1; then started_stack=1; fi
pnpm -s stack up || exit 1
cleanup() { if [ "$started_stack" = 1 ] && [ -z "${SYNC_KEEP_STACK:-}" ]; then pnpm -s stack down; fi; }
trap cleanup EXIT

status=0
pnpm -s lint || status=1
pnpm -s turbo run typecheck --output-logs=errors-only || status=1
# Tests run against src/ through the "@sync/source" export condition, before any build: in
# a fresh clone no dist/ exists while they run. The tests of the built artefacts build what
# they need themselves (apps/ops-cli's bin test: `pnpm --filter ops-cli... build`;
# crypto-envelope's pack test: its own tsc).
echo "test: unit and integration tests with $(find packages apps tools -mindepth 2 -maxdepth 2 -name dist -type d | wc -l) dist/ folder(s) present"
pnpm -s turbo run test --force --continue --concurrency=2 --output-logs=full || status=1
pnpm -s turbo run test:integration --force --continue --concurrency=1 --output-logs=full || status=1
pnpm -s turbo run build --output-logs=errors-only || status=1
node scripts/test-summary.mjs "$reports" || status=1
exit $status
