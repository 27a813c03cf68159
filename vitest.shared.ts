// Shared vitest settings for every workspace package. Tests import workspace packages
// through the "@sync/source" export condition, so they run against src/ with no build.
import { basename } from 'node:path'
import { defineConfig } from 'vitest/config'

export type TestKind = 'unit' | 'integration'

export function syncVitestConfig(kind: TestKind) {
  const integration = kind === 'integration'
  return defineConfig({
    resolve: { conditions: ['@sync/source', 'import', 'module', 'node', 'default'] },
    ssr: { resolve: { conditions: ['@sync/source', 'import', 'module', 'node', 'default'] } },
    test: {
      include: integration ? ['test/integration/**/*.test.ts'] : ['test/**/*.test.ts'],
      exclude: integration ? ['**/node_modules/**'] : ['**/node_modules/**', 'test/integration/**'],
      testTimeout: integration ? 120_000 : 20_000,
      hookTimeout: integration ? 120_000 : 20_000,
      // Integration tests share one MariaDB and one broker; a single fork keeps the
      // 2-core machine from thrashing, and every test still uses its own names.
      pool: 'forks',
      fileParallelism: !integration,
      passWithNoTests: !integration,
      // scripts/test.sh collects one JSON report per package and kind for its summary line
      ...(process.env.SYNC_TEST_REPORT_DIR
        ? {
            reporters: ['default', 'json'],
            outputFile: {
              json: `${process.env.SYNC_TEST_REPORT_DIR}/${basename(process.cwd())}-${kind}.json`,
            },
          }
        : {}),
    },
  })
}
