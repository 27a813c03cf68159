// The installed path: `pnpm --filter "ops-cli..." build`, then bin/ops-cli.js loads dist/ and
// the packages' dist/ (no source condition, no tsx), from any working directory.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestDatabase } from '@sync/test-kit'
import { beforeAll, describe, expect, it } from 'vitest'
import { sourceEnv } from '../helpers/stack.ts'

const app = join(import.meta.dirname, '../..')
const bin = join(app, 'bin/ops-cli.js')

function runInstalled(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  // a clean environment: no NODE_OPTIONS carrying the source condition or a loader
  const r = spawnSync(command, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

beforeAll(() => {
  execFileSync('pnpm', ['--filter', 'ops-cli...', 'run', 'build'], {
    cwd: join(app, '../..'),
    stdio: 'ignore',
    timeout: 600_000,
  })
  expect(existsSync(join(app, 'dist/main.js'))).toBe(true)
}, 600_000)

describe('the built bin', () => {
  it('prints the command list and a command help with examples', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ops-bin-'))
    const help = runInstalled(process.execPath, [bin, '--help'], cwd)
    expect(help.stderr).toBe('')
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/Commands:\n {2}gen /)
    const gen = runInstalled(process.execPath, [bin, 'gen', '--help'], cwd)
    expect(gen.code).toBe(0)
    expect(gen.stdout).toContain('Examples:\n  sync-ops gen')
  })

  it("generates a table's DDL from the stack's MariaDB", async () => {
    const db = await createTestDatabase('bin')
    await db.query('CREATE TABLE items (Id BIGINT UNSIGNED NOT NULL PRIMARY KEY, Price DECIMAL(12,3))')
    const cwd = mkdtempSync(join(tmpdir(), 'ops-bin-'))
    const r = runInstalled(
      process.execPath,
      [bin, 'gen', '--database', db.name, '--table', 'items', '--only', 'ddl'],
      cwd,
      sourceEnv(),
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('CREATE TABLE IF NOT EXISTS `ods_items` (')
    expect(r.stdout).toContain('`id` LARGEINT NOT NULL')
    expect(r.stdout).toContain('`price` DECIMAL(12,3) NULL')
  })

  it('runs as `npx sync-ops` inside the app, as the README says', () => {
    const r = runInstalled('npx', ['--no-install', 'sync-ops', '--help'], app)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Usage: sync-ops <command>/)
  })
})
