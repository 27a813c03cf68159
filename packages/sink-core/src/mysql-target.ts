// MySQL/MariaDB target (the seed's DTS use case): each batch is one transaction that applies
// the rows in order, consecutive upserts as multi-row INSERT … ON DUPLICATE KEY UPDATE and
// consecutive deletes as DELETE … WHERE (key) IN (…). The offset is committed after COMMIT,
// so a crash replays whole batches; upserts and deletes by key are idempotent, and replaying
// a batch in order gives the same final state.
import { stringifyCanonical } from '@sync/change-message'
import type { Pool, PoolConnection } from 'mysql2/promise'
import { SinkError } from './errors.ts'
import { loadIsolating } from './row-isolation.ts'
import type { SchemaReader, TableSchema } from './table-schema.ts'
import type { BufferedRow, LoadTarget } from './types.ts'

/** Errors that blame the data of a row (bisected to the dead-letter topic), not the server. */
const dataErrors = new Set([1048, 1264, 1265, 1292, 1366, 1406, 1452, 3140, 4025])
const q = (id: string) => `\`${id.replace(/`/g, '``')}\``
/** Rows per statement: stays far below max_allowed_packet for ordinary rows. */
const chunkRows = 1000

function sqlValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString()
  if (typeof v === 'object' && v !== null) return stringifyCanonical(v)
  return v
}

async function applyRun(
  conn: PoolConnection,
  table: string,
  schema: TableSchema,
  run: readonly BufferedRow[],
) {
  const known = new Set(schema.columns)
  if (run[0]!.op === 'delete') {
    if (schema.keys.length === 0)
      throw new SinkError('SINK_SCHEMA', `table ${table} has no primary key: cannot delete by key`, {
        table,
      })
    const tuple = `(${schema.keys.map(() => '?').join(',')})`
    for (let i = 0; i < run.length; i += chunkRows) {
      const part = run.slice(i, i + chunkRows)
      const params = part.flatMap((r) => schema.keys.map((k) => sqlValue(r.row[k])))
      await conn.query(
        `DELETE FROM ${q(table)} WHERE (${schema.keys.map(q).join(',')}) IN (${part.map(() => tuple).join(',')})`,
        params,
      )
    }
    return
  }
  const cols = Object.keys(run[0]!.row).filter((c) => known.has(c))
  const tuple = `(${cols.map(() => '?').join(',')})`
  const update = cols.map((c) => `${q(c)}=VALUES(${q(c)})`).join(',')
  for (let i = 0; i < run.length; i += chunkRows) {
    const part = run.slice(i, i + chunkRows)
    const params = part.flatMap((r) => cols.map((c) => sqlValue(r.row[c])))
    await conn.query(
      `INSERT INTO ${q(table)} (${cols.map(q).join(',')}) VALUES ${part.map(() => tuple).join(',')} ON DUPLICATE KEY UPDATE ${update}`,
      params,
    )
  }
}

/** Splits rows into runs of one op and one column set, keeping their order. */
function runsOf(rows: readonly BufferedRow[]): BufferedRow[][] {
  const runs: BufferedRow[][] = []
  let sig = ''
  for (const r of rows) {
    const s = r.op === 'delete' ? 'd' : `u:${Object.keys(r.row).join(',')}`
    if (s !== sig || runs.length === 0) {
      runs.push([])
      sig = s
    }
    runs[runs.length - 1]!.push(r)
  }
  return runs
}

export interface MysqlTargetOptions {
  pool: Pool
  schemas: SchemaReader
}

export function createMysqlTarget(options: MysqlTargetOptions): LoadTarget {
  const { pool, schemas } = options
  return {
    kind: 'mysql',
    async load(table, label, rows) {
      const schema = await schemas.schema(table)
      let bytes = 0
      const attempt = async (part: readonly BufferedRow[]) => {
        const conn = await pool.getConnection()
        try {
          await conn.beginTransaction()
          for (const run of runsOf(part)) await applyRun(conn, table, schema, run)
          await conn.commit()
          for (const r of part) bytes += r.bytes
          return part.length
        } catch (err) {
          await conn.rollback().catch(() => {})
          throw err
        } finally {
          conn.release()
        }
      }
      const result = await loadIsolating(rows, label, attempt, (err) => {
        const e = err as { errno?: number; code?: string; sqlMessage?: string }
        return e.errno !== undefined && dataErrors.has(e.errno)
          ? { code: e.code ?? `ER_${e.errno}`, message: (e.sqlMessage ?? String(err)).slice(0, 500) }
          : undefined
      })
      return {
        loadedRows: result.loaded,
        loadedBytes: bytes,
        rejected: result.rejected.map(({ row, code, message }) => ({
          origin: row.origin,
          code,
          message,
          table,
        })),
      }
    },
    close: () => pool.end(),
  }
}
