// `gen` against the stack's MariaDB, for the tests of what it writes: one source table in a
// new database, gen run on it, and a run that must have succeeded without a word on stderr.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestDatabase, type TestDatabase } from '@sync/test-kit'
import { expect } from 'vitest'
import { type RunResult, runOps } from './run.ts'
import { sourceEnv } from './stack.ts'

/** `sync-ops gen …args` with the stack's MariaDB as the source. */
export function runGen(args: readonly string[]): Promise<RunResult> {
  return runOps(['gen', ...args], { env: sourceEnv() })
}

export interface GenTableOptions {
  /** Prefix of the new database's name. */
  database: string
  /** The CREATE TABLE statement of the one source table. */
  ddl: string
  table: string
  /** gen's other flags (--only, --snake, --json …). */
  args: readonly string[]
  /** Write the files into a new directory (--out); false: gen prints them (with --json). */
  out?: boolean
}

export interface GenTableRun extends RunResult {
  db: TestDatabase
  /** The --out directory, when there is one. */
  out: string
}

/** Creates the table, runs gen on it, and fails the test unless gen exited 0 with an empty stderr. */
export async function genTable(options: GenTableOptions): Promise<GenTableRun> {
  const db = await createTestDatabase(options.database)
  await db.query(options.ddl)
  const out = options.out === false ? '' : mkdtempSync(join(tmpdir(), `ops-${options.database}-`))
  const r = await runGen([
    '--database',
    db.name,
    '--table',
    options.table,
    ...options.args,
    ...(out ? ['--out', out] : []),
  ])
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return { ...r, db, out }
}
