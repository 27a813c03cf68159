// The key a table is read by, in chunks: its primary key, or else the shortest unique key
// whose columns are all NOT NULL (so it orders every row, and ties cannot occur). A table
// with neither is refused with SNAP_NO_KEY: reading it in pages without a total order could
// skip or repeat rows, and reading it whole would hold one snapshot open over the table.

import { quoteIdentifier } from '@sync/binlog-reader'
import { SnapshotError } from './errors.ts'

export interface QueryRunner {
  query(sql: string, params?: unknown[]): Promise<[unknown, unknown]>
}

export interface ChunkKey {
  /** Index name ('PRIMARY' or a unique index). */
  index: string
  columns: string[]
  isPrimary: boolean
}

interface IndexRow {
  INDEX_NAME: string
  NON_UNIQUE: number | string
  SEQ_IN_INDEX: number | string
  COLUMN_NAME: string
  NULLABLE: string
  SUB_PART: number | string | null
}

export async function findChunkKey(conn: QueryRunner, database: string, table: string): Promise<ChunkKey> {
  const [rows] = await conn.query(
    `SELECT INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, NULLABLE, SUB_PART
       FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0
      ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    [database, table],
  )
  const byIndex = new Map<string, IndexRow[]>()
  for (const r of rows as IndexRow[]) {
    const list = byIndex.get(r.INDEX_NAME) ?? []
    list.push(r)
    byIndex.set(r.INDEX_NAME, list)
  }
  const primary = byIndex.get('PRIMARY')
  if (primary !== undefined) {
    return { index: 'PRIMARY', columns: primary.map((c) => c.COLUMN_NAME), isPrimary: true }
  }
  const usable = [...byIndex.entries()]
    .filter(([, cols]) => cols.every((c) => c.NULLABLE !== 'YES' && c.SUB_PART === null))
    .sort(([an, a], [bn, b]) => a.length - b.length || (an < bn ? -1 : an > bn ? 1 : 0))
  const best = usable[0]
  if (best === undefined) {
    throw new SnapshotError(
      'SNAP_NO_KEY',
      `table ${database}.${table} has no primary key and no unique key over NOT NULL columns; add one to snapshot it`,
      { database, table, retriable: false },
    )
  }
  return { index: best[0], columns: best[1].map((c) => c.COLUMN_NAME), isPrimary: false }
}

/**
 * The keyset condition "(k1, k2, …) > (v1, v2, …)" spelled out as
 * `k1 >= v1 AND (k1 > v1 OR (k1 = v1 AND (k2 > v2 OR …)))`: both MySQL and MariaDB turn
 * it into an index range, which not every version does for a row-constructor comparison.
 */
export function keysetCondition(columns: readonly string[]): {
  sql: string
  params: (last: unknown[]) => unknown[]
} {
  const q = columns.map(quoteIdentifier)
  const nest = (i: number): string => {
    const c = q[i] as string
    if (i === q.length - 1) return `${c} > ?`
    return `(${c} > ? OR (${c} = ? AND ${nest(i + 1)}))`
  }
  const first = q[0] as string
  const sql = q.length === 1 ? `${first} > ?` : `${first} >= ? AND ${nest(0)}`
  return {
    sql,
    params(last) {
      if (q.length === 1) return [last[0]]
      const out: unknown[] = [last[0]]
      for (let i = 0; i < q.length; i++) {
        out.push(last[i])
        if (i < q.length - 1) out.push(last[i])
      }
      return out
    },
  }
}

/** The SELECT of one chunk: after `last` (or from the start), in key order, at most `limit` rows. */
export function chunkQuery(
  database: string,
  table: string,
  selectSql: string,
  key: readonly string[],
  limit: number,
  last: unknown[] | null,
): { sql: string; params: unknown[] } {
  const from = `${quoteIdentifier(database)}.${quoteIdentifier(table)}`
  const order = key.map((c) => quoteIdentifier(c)).join(', ')
  if (last === null) {
    return { sql: `SELECT ${selectSql} FROM ${from} ORDER BY ${order} LIMIT ${limit}`, params: [] }
  }
  const cond = keysetCondition(key)
  return {
    sql: `SELECT ${selectSql} FROM ${from} WHERE ${cond.sql} ORDER BY ${order} LIMIT ${limit}`,
    params: cond.params(last),
  }
}
