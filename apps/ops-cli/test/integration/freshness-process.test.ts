// freshness against tables in the emulator's store (queried over the MySQL protocol, as a
// StarRocks FE is), and the installed bin's process behaviour: exit codes, one-line errors.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestDatabase } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import { runOps } from '../helpers/run.ts'
import { password, sourceEnv, starRocksEnv } from '../helpers/stack.ts'

describe('freshness', () => {
  it('gives each table its newest time, age and verdict against the server clock', async () => {
    const db = await createTestDatabase('fresh')
    await db.query('CREATE TABLE ods_fresh (id INT PRIMARY KEY, update_time DATETIME)')
    await db.query('CREATE TABLE ods_stale (id INT PRIMARY KEY, create_date DATE)')
    await db.query('CREATE TABLE ods_empty (id INT PRIMARY KEY, t DATETIME)')
    await db.query(
      'INSERT INTO ods_fresh VALUES (1, NOW() - INTERVAL 1 HOUR), (2, NOW() - INTERVAL 10 SECOND)',
    )
    await db.query('INSERT INTO ods_stale VALUES (1, CURDATE() - INTERVAL 3 DAY)')
    const dir = mkdtempSync(join(tmpdir(), 'ops-fresh-'))
    const list = join(dir, 'starrocks_table.json')
    // the seed's file format, plus a per-table threshold
    writeFileSync(
      list,
      JSON.stringify([
        { TABLE_NAME: 'ods_fresh', COLUMN_NAME: 'update_time' },
        { TABLE_NAME: 'ods_stale', COLUMN_NAME: 'create_date', CRITICAL_AFTER: '10d', WARN_AFTER: '1d' },
      ]),
    )
    const env = starRocksEnv(db.name)
    const ok = await runOps(['freshness', '--tables', list, '--json'], { env })
    const rows = ok.json<Array<{ table: string; ageSeconds: number; verdict: string }>>()
    expect(rows.map((r) => [r.table, r.verdict])).toEqual([
      ['ods_fresh', 'ok'],
      ['ods_stale', 'warning'],
    ])
    expect(rows[0]!.ageSeconds).toBeGreaterThanOrEqual(10)
    expect(rows[0]!.ageSeconds).toBeLessThan(120)
    expect(rows[1]!.ageSeconds).toBeGreaterThanOrEqual(2 * 86_400)
    expect(ok.code).toBe(4)

    const crit = await runOps(
      ['freshness', '--check', 'ods_fresh:update_time', '--warn', '1s', '--critical', '5s'],
      { env },
    )
    expect(crit.code).toBe(3)
    expect(crit.stdout).toMatch(/ods_fresh +update_time +\S+ \S+ +\d+s +critical/)
    const empty = await runOps(['freshness', '--check', 'ods_empty:t'], { env })
    expect(empty.code).toBe(3)
    expect(empty.stdout).toContain('no rows')
    const fine = await runOps(['freshness', '--check', 'ods_fresh:update_time', '--critical', '2h'], { env })
    expect(fine.code).toBe(0)
    const missing = await runOps(['freshness', '--check', 'nope:t'], { env })
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(
      /^sync-ops freshness: StarRocks at .*: Table .*nope.* doesn't exist \(ER_NO_SUCH_TABLE\)\n$/,
    )
    expect((await runOps(['freshness', '--check', 'x:y', '--warn', 'soon'], { env })).code).toBe(2)
  })
})

function runBin(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(
    process.execPath,
    ['--conditions=@sync/source', '--import', 'tsx', 'src/main.ts', ...args],
    {
      cwd: join(import.meta.dirname, '../..'),
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
      timeout: 30_000,
    },
  )
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('the process', () => {
  it('exits 2 on a bad flag and 1 on an unreachable host, with one line and no stack trace', () => {
    const bad = runBin(['verify', '--no-such-flag'])
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
    const down = runBin(['gen', '--database', 'd', '--table', 't', '--mysql-port', '1'])
    expect(down).toMatchObject({ code: 1, stdout: '' })
    expect(down.stderr).toBe(
      'sync-ops gen: cannot reach MySQL at 127.0.0.1:1: connection refused (ECONNREFUSED)\n',
    )
  })

  it('never echoes a rejected password', () => {
    const env = { ...sourceEnv(), MYSQL_PASSWORD: `${password()}-wrong` }
    const r = runBin(['gen', '--database', 'd', '--table', 't'], env)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^sync-ops gen: access denied by MySQL at .*: wrong user or password/)
    expect(r.stderr).not.toContain(`${password()}-wrong`)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('prints help with examples and exits 0; no command exits 2', () => {
    const help = runBin(['freshness', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Examples:')
    const list = runBin([])
    expect(list.code).toBe(2)
    expect(list.stdout).toMatch(/Commands:\n {2}gen /)
  })
})
