// Which physical tables a snapshot covers: one named table, or every shard a rule captures
// now (listed from information_schema.TABLES and matched with the same matcher the stream
// uses, so new organisation shards are found without configuration).

import type { TableMatcher, TablePlan } from '@sync/table-matcher'
import type { QueryRunner } from './chunk-key.ts'
import { SnapshotError } from './errors.ts'

export type SnapshotScope =
  | { table: { database: string; table: string } }
  | {
      rule: string
      /** Restrict the search to these databases (default: every non-system database). */
      databases?: string[]
    }

export interface FoundTable {
  database: string
  table: string
  plan: TablePlan
  /** information_schema.TABLES.TABLE_ROWS: an estimate, for the ETA only. */
  estimatedRows: number
}

const systemDatabases = ['mysql', 'information_schema', 'performance_schema', 'sys']

export function scopeName(scope: SnapshotScope): string {
  return 'table' in scope ? `table:${scope.table.database}.${scope.table.table}` : `rule:${scope.rule}`
}

export function checkScope(scope: unknown): asserts scope is SnapshotScope {
  const s = scope as Record<string, unknown>
  const bad = () =>
    new SnapshotError(
      'SNAP_OPTIONS',
      'scope must be { table: { database, table } } or { rule, databases? }',
      { option: 'scope' },
    )
  if (typeof s !== 'object' || s === null) throw bad()
  if ('table' in s) {
    const t = s.table as Record<string, unknown>
    if (Object.keys(s).length !== 1 || typeof t !== 'object' || t === null) throw bad()
    if (
      typeof t.database !== 'string' ||
      t.database === '' ||
      typeof t.table !== 'string' ||
      t.table === ''
    ) {
      throw bad()
    }
    return
  }
  if (typeof s.rule !== 'string' || s.rule === '') throw bad()
  for (const k of Object.keys(s)) if (k !== 'rule' && k !== 'databases') throw bad()
  if (s.databases !== undefined) {
    if (!Array.isArray(s.databases) || s.databases.some((d) => typeof d !== 'string' || d === '')) throw bad()
  }
}

export async function discoverTables(
  conn: QueryRunner,
  matcher: TableMatcher,
  scope: SnapshotScope,
): Promise<FoundTable[]> {
  if ('table' in scope) {
    const { database, table } = scope.table
    const [rows] = await conn.query(
      "SELECT TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND TABLE_TYPE = 'BASE TABLE'",
      [database, table],
    )
    const row = (rows as Array<{ n: number | string | null }>)[0]
    if (row === undefined) {
      throw new SnapshotError(
        'SNAP_NO_TABLES',
        `table ${database}.${table} does not exist (or is not a base table)`,
        {
          database,
          table,
          retriable: false,
        },
      )
    }
    const plan = matcher.match(database, table)
    if (plan === undefined) {
      throw new SnapshotError('SNAP_NO_TABLES', `no rule captures ${database}.${table}`, {
        database,
        table,
        retriable: false,
      })
    }
    return [{ database, table, plan, estimatedRows: Number(row.n ?? 0) }]
  }
  if (!matcher.rules().some((r) => r.name === scope.rule)) {
    throw new SnapshotError('SNAP_NO_TABLES', `there is no rule named ${JSON.stringify(scope.rule)}`, {
      retriable: false,
    })
  }
  const params: unknown[] = [systemDatabases]
  let where = 'TABLE_SCHEMA NOT IN (?)'
  if (scope.databases !== undefined && scope.databases.length > 0) {
    where += ' AND TABLE_SCHEMA IN (?)'
    params.push(scope.databases)
  }
  const [rows] = await conn.query(
    `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS t, TABLE_ROWS AS n FROM information_schema.TABLES
      WHERE TABLE_TYPE = 'BASE TABLE' AND ${where} ORDER BY TABLE_SCHEMA, TABLE_NAME`,
    params,
  )
  const found: FoundTable[] = []
  for (const r of rows as Array<{ db: string; t: string; n: number | string | null }>) {
    let plan: TablePlan | undefined
    try {
      plan = matcher.match(r.db, r.t)
    } catch (err) {
      // An ambiguity between other rules is not this snapshot's business; one involving it is
      const rules = (err as { rules?: string[] }).rules
      if (Array.isArray(rules) && !rules.includes(scope.rule)) continue
      throw err
    }
    if (plan?.rule === scope.rule) {
      found.push({ database: r.db, table: r.t, plan, estimatedRows: Number(r.n ?? 0) })
    }
  }
  if (found.length === 0) {
    throw new SnapshotError(
      'SNAP_NO_TABLES',
      `rule ${JSON.stringify(scope.rule)} captures no existing table`,
      {
        retriable: false,
      },
    )
  }
  return found
}
