// Applies one load to MariaDB in one transaction, with StarRocks Primary Key semantics (§7):
// last occurrence per key wins (op included), deletes by key, upserts replace the whole row
// (absent columns take their default) unless partial_update, and merge_condition applies an
// upsert only when the incoming value is >= the stored one (ties apply).
import type { Pool, PoolConnection } from 'mysql2/promise'
import type { TableSchema } from './catalog.ts'
import type { SqlValue } from './convert.ts'
import { quoteIdent as q } from './ddl.ts'
import type { LoadPlan } from './plan.ts'
import { type ConvertedRow, LoadFailure } from './rows.ts'

const CHUNK = 1000

export interface PendingCommit {
  commit(): Promise<void>
  rollback(): Promise<void>
}

function keyOf(values: Array<SqlValue | undefined>, keyIdx: number[]): string {
  return keyIdx
    .map((i) => {
      const v = values[i]
      return Buffer.isBuffer(v) ? v.toString('hex') : String(v)
    })
    .join('\u0000')
}

async function applyPk(conn: PoolConnection, s: TableSchema, plan: LoadPlan, rows: ConvertedRow[]) {
  const table = `${q(s.mariaDatabase)}.${q(s.name)}`
  const keyIdx = s.keys.map((k) => s.columns.findIndex((c) => c.name.toLowerCase() === k.toLowerCase()))
  const last = new Map<string, ConvertedRow>()
  for (const r of rows) {
    const k = keyOf(r.values, keyIdx)
    last.delete(k) // keep arrival order of the winning row
    last.set(k, r)
  }
  const deletes: ConvertedRow[] = []
  const upserts: ConvertedRow[] = []
  for (const r of last.values()) (r.isDelete ? deletes : upserts).push(r)

  for (let i = 0; i < deletes.length; i += CHUNK) {
    const chunk = deletes.slice(i, i + CHUNK)
    const tuple = `(${keyIdx.map(() => '?').join(',')})`
    const cols = `(${keyIdx.map((k) => q(s.columns[k]!.name)).join(',')})`
    await conn.query(
      `DELETE FROM ${table} WHERE ${cols} IN (${chunk.map(() => tuple).join(',')})`,
      chunk.flatMap((r) => keyIdx.map((k) => r.values[k])),
    )
  }

  const loaded = s.columns.map((_, i) => plan.targets[i]!.kind !== 'absent')
  const insertCols = s.columns
    .map((c, i) => ({ c, i }))
    .filter(({ c, i }) => loaded[i] || (!plan.partialUpdate && !c.autoIncrement))
  const isKey = (name: string) => s.keys.some((k) => k.toLowerCase() === name.toLowerCase())
  const updCols = insertCols.filter(({ c, i }) => !isKey(c.name) && (loaded[i] || !c.autoIncrement))
  const cond = plan.mergeCondition
  const assign = (name: string) =>
    cond
      ? `${q(name)} = IF(VALUES(${q(cond)}) >= ${q(cond)}, VALUES(${q(name)}), ${q(name)})`
      : `${q(name)} = VALUES(${q(name)})`
  // the condition column must be assigned last: later assignments see earlier ones
  const ordered = [
    ...updCols.filter(({ c }) => c.name !== cond),
    ...updCols.filter(({ c }) => c.name === cond),
  ]
  const update = ordered.length
    ? ` ON DUPLICATE KEY UPDATE ${ordered.map(({ c }) => assign(c.name)).join(', ')}`
    : ` ON DUPLICATE KEY UPDATE ${q(s.keys[0]!)} = ${q(s.keys[0]!)}`
  await insertRows(conn, table, insertCols, upserts, update)
}

async function insertRows(
  conn: PoolConnection,
  table: string,
  cols: Array<{ c: { name: string }; i: number }>,
  rows: ConvertedRow[],
  suffix: string,
) {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK)
    const params: SqlValue[] = []
    const tuples = chunk.map((r) => {
      const parts = cols.map(({ i: ci }) => {
        const v = r.values[ci]
        if (v === undefined) return 'DEFAULT'
        params.push(v)
        return '?'
      })
      return `(${parts.join(',')})`
    })
    await conn.query(
      `INSERT INTO ${table} (${cols.map(({ c }) => q(c.name)).join(',')}) VALUES ${tuples.join(',')}${suffix}`,
      params,
    )
  }
}

// StarRocks applies concurrent loads of one table without conflicts (each is a new
// version). MariaDB's row and gap locks would make two concurrent upserts of one table
// deadlock, a failure a real cluster never returns, so loads of one table take turns.
const tableTurns = new Map<string, Promise<void>>()

async function takeTurn(key: string): Promise<() => void> {
  const previous = tableTurns.get(key) ?? Promise.resolve()
  let release!: () => void
  const mine = new Promise<void>((r) => {
    release = r
  })
  const chained = previous.then(() => mine)
  tableTurns.set(key, chained)
  await previous
  return () => {
    release()
    if (tableTurns.get(key) === chained) tableTurns.delete(key)
  }
}

/** Runs the load inside a transaction left open for the caller to commit (Publish Timeout delays it). */
export async function applyLoad(
  pool: Pool,
  schema: TableSchema,
  plan: LoadPlan,
  rows: ConvertedRow[],
): Promise<PendingCommit> {
  const endTurn = await takeTurn(`${schema.mariaDatabase}.${schema.name}`)
  let conn: Awaited<ReturnType<Pool['getConnection']>>
  try {
    conn = await pool.getConnection()
  } catch (err) {
    endTurn()
    throw err
  }
  try {
    await conn.query("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'")
    await conn.beginTransaction()
    if (schema.model === 'DUPLICATE') {
      const cols = schema.columns
        .map((c, i) => ({ c, i }))
        .filter(({ c, i }) => plan.targets[i]!.kind !== 'absent' || !c.autoIncrement)
      await insertRows(
        conn,
        `${q(schema.mariaDatabase)}.${q(schema.name)}`,
        cols,
        rows.filter((r) => !r.isDelete),
        '',
      )
    } else await applyPk(conn, schema, plan, rows)
  } catch (err) {
    await conn.rollback().catch(() => {})
    conn.release()
    endTurn()
    throw new LoadFailure(`write failed: ${(err as Error).message}`)
  }
  let done = false
  const finish = async (how: 'commit' | 'rollback') => {
    if (done) return
    done = true
    try {
      await (how === 'commit' ? conn.commit() : conn.rollback())
    } finally {
      conn.release()
      endTurn()
    }
  }
  return { commit: () => finish('commit'), rollback: () => finish('rollback') }
}
