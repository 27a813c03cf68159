// zongji parses DATETIME/TIMESTAMP in the Node process's local zone unless it is given
// dateStrings (the notes saw a DST-gap DATETIME shifted by an hour), and the rendering
// must not depend on where the process runs. This re-runs the identity test, with its
// literal DATETIME/TIMESTAMP expectations, in child processes whose zone is not UTC.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const packageDir = fileURLToPath(new URL('../..', import.meta.url))

function runIdentityTest(zone: string): Promise<{ status: number | null; output: string }> {
  const { SYNC_TEST_REPORT_DIR: _report, ...env } = process.env
  const child = spawn(
    process.execPath,
    [
      'node_modules/vitest/vitest.mjs',
      'run',
      '--config',
      'vitest.integration.config.ts',
      'test/integration/render-identity.test.ts',
    ],
    { cwd: packageDir, env: { ...env, TZ: zone, NO_COLOR: '1' } },
  )
  let output = ''
  child.stdout.on('data', (d) => {
    output += d
  })
  child.stderr.on('data', (d) => {
    output += d
  })
  const timer = setTimeout(() => child.kill(), 110_000)
  return new Promise((resolve) => {
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({ status, output })
    })
  })
}

for (const zone of ['America/New_York', 'Asia/Shanghai']) {
  it(`renders DATETIME and TIMESTAMP text unchanged when the process runs in ${zone}`, async () => {
    const { status, output } = await runIdentityTest(zone)
    expect(status, output).toBe(0)
    expect(output).toMatch(/Tests\s+1 passed/)
  })
}
