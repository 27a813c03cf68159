// Does the warehouse equal the source? Reads every captured source table, maps it with
// the same rules the shipper uses, and compares key sets and values with the target
// tables, read over the MySQL protocol as from a StarRocks FE.

import { createTableMatcher, type RuleSet } from '@sync/table-matcher'
import type { Connection } from 'mysql2/promise'

export interface TableDiff {
  target: string
  sourceRows: number
  targetRows: number
  missing: string[]
  extra: string[]
  different: Array<{ key: string; column: string; source: unknown; target: unknown }>
}

const datetime = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:\.(\d+))?$/
const decimal = /^(-?\d+)\.(\d+)$/

/** One text form for a value whether MariaDB or the emulator's column type produced it. */
export function normalise(v: unknown): string | null {
  if (v === null || v === undefined) return null
  if (Buffer.isBuffer(v)) return v.toString('base64')
  let s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v)
  const dt = datetime.exec(s)
  if (dt) {
    const frac = (dt[2] ?? '').replace(/0+$/, '')
    return frac ? `${dt[1]}.${frac}` : dt[1]!
  }
  const dec = decimal.exec(s)
  if (dec) {
    const frac = dec[2]!.replace(/0+$/, '')
    return frac ? `${dec[1]}.${frac}` : dec[1]!
  }
  if (s.startsWith('{') || s.startsWith('[')) {
    try {
      s = JSON.stringify(sortKeys(JSON.parse(s)))
    } catch {
      // not JSON after all: compare as text
    }
  }
  return s
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    )
  }
  return v
}

async function rows(conn: Connection, sql: string): Promise<Array<Record<string, unknown>>> {
  const [r] = await conn.query({ sql, typeCast: true })
  return r as Array<Record<string, unknown>>
}

/**
 * Compares every target of the rule set. `source` and `target` are mysql2 connections made
 * with dateStrings, supportBigNumbers and bigNumberStrings (exact text for every value).
 */
export async function compareWarehouse(options: {
  rules: RuleSet
  source: Connection
  sourceDatabase: string
  target: Connection
  targetDatabase: string
}): Promise<TableDiff[]> {
  const matcher = createTableMatcher(options.rules)
  const [tables] = (await options.source.query(
    "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'",
    [options.sourceDatabase],
  )) as [Array<{ t: string }>, unknown]

  const expected = new Map<
    string,
    { keyColumns: readonly string[]; rows: Map<string, Record<string, unknown>> }
  >()
  for (const { t } of tables) {
    let plan = matcher.match(options.sourceDatabase, t)
    if (!plan) continue
    if (plan.keyColumns.length === 0) {
      // a seed rule names no key: the shipper keys rows by the source table's primary key
      const [pk] = (await options.source.query(
        "SELECT COLUMN_NAME AS c FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION",
        [options.sourceDatabase, t],
      )) as [Array<{ c: string }>, unknown]
      plan = plan.withSourceKey(pk.map((r) => r.c))
    }
    let entry = expected.get(plan.target.table)
    if (!entry) {
      entry = { keyColumns: plan.keyColumns, rows: new Map() }
      expected.set(plan.target.table, entry)
    }
    for (const row of await rows(options.source, `SELECT * FROM \`${options.sourceDatabase}\`.\`${t}\``)) {
      const mapped = plan.mapRow(row)
      entry.rows.set(JSON.stringify(plan.keyColumns.map((k) => normalise(mapped[k]))), mapped)
    }
  }

  const diffs: TableDiff[] = []
  for (const [target, { keyColumns, rows: want }] of expected) {
    const got = new Map<string, Record<string, unknown>>()
    for (const row of await rows(
      options.target,
      `SELECT * FROM \`${options.targetDatabase}\`.\`${target}\``,
    )) {
      got.set(JSON.stringify(keyColumns.map((k) => normalise(row[k]))), row)
    }
    const diff: TableDiff = {
      target,
      sourceRows: want.size,
      targetRows: got.size,
      missing: [],
      extra: [],
      different: [],
    }
    for (const [key, w] of want) {
      const g = got.get(key)
      if (!g) {
        diff.missing.push(key)
        continue
      }
      for (const column of Object.keys(g)) {
        if (!(column in w)) continue // a column the warehouse has and the rule does not send
        const a = normalise(w[column])
        const b = normalise(g[column])
        if (a !== b) diff.different.push({ key, column, source: a, target: b })
      }
    }
    for (const key of got.keys()) if (!want.has(key)) diff.extra.push(key)
    diffs.push(diff)
  }
  return diffs
}

export function isEqual(diffs: TableDiff[]): boolean {
  return diffs.every((d) => d.missing.length === 0 && d.extra.length === 0 && d.different.length === 0)
}

export function describeDiffs(diffs: TableDiff[]): string {
  return diffs
    .map((d) => {
      const head = `${d.target}: source ${d.sourceRows} rows, target ${d.targetRows} rows`
      if (d.missing.length + d.extra.length + d.different.length === 0) return `${head}, equal`
      const first = d.different[0]
      return `${head}, ${d.missing.length} missing, ${d.extra.length} extra, ${d.different.length} values differ${
        first ? ` (e.g. ${first.key} ${first.column}: ${first.source} ≠ ${first.target})` : ''
      }${d.missing[0] ? ` (missing e.g. ${d.missing[0]})` : ''}`
    })
    .join('\n')
}
