// MySQL/MariaDB target (the seed's DTS use case): each batch is one transaction that applies
// the rows in order, consecutive upserts as multi-row INSERT … ON DUPLICATE KEY UPDATE and
// consecutive deletes as DELETE … WHERE (key) IN (…). The offset is committed after COMMIT,
// so a crash replays whole batches; upserts and deletes by key are idempotent, and replaying
// a batch in order gives the same final state.
import { stringifyCanonical } from '@sync/change-message'
import type { Pool, PoolConnection } from 'mysql2/promise'
import { isSinkError, SinkError } from './errors.ts'
import { loadIsolating } from './row-isolation.ts'
import type { SchemaReader, TableSchema } from './table-schema.ts'
import type { BufferedRow, LoadTarget } from './types.ts'

/** Errors that blame the data of a row (bisected to the dead-letter topic), not the server. */
const dataErrors = new Set([1048, 1264, 1265, 1292, 1366, 1406, 1452, 3140, 4025])

/**
 * Server errors that the same batch meets again however often it is retried: the load throws
 * them with `retriable: false`, so the sinker stops the partition (nothing committed past it,
 * /healthz 503) instead of retrying forever. Fixing the cause needs a person (create the
 * table or column, grant, fix the password or the column list) and a restart. Everything
 * else MySQL reports stays retriable: connection errors (ECONNREFUSED, 2002/2003, 2006/2013,
 * PROTOCOL_CONNECTION_LOST), deadlock 1213, lock wait timeout 1205, too many connections
 * 1040, a read-only server during a failover 1290/1792, a killed query 1317/1927/1969, a
 * duplicate on another unique key 1062 (a row of another partition may move away first).
 */
export const mysqlPermanentErrors: Readonly<Record<number, string>> = {
  1044: 'ER_DBACCESS_DENIED_ERROR',
  1045: 'ER_ACCESS_DENIED_ERROR',
  1049: 'ER_BAD_DB_ERROR',
  1051: 'ER_BAD_TABLE_ERROR',
  1054: 'ER_BAD_FIELD_ERROR',
  1064: 'ER_PARSE_ERROR',
  1109: 'ER_UNKNOWN_TABLE',
  1110: 'ER_FIELD_SPECIFIED_TWICE',
  1136: 'ER_WRONG_VALUE_COUNT_ON_ROW',
  1142: 'ER_TABLEACCESS_DENIED_ERROR',
  1143: 'ER_COLUMNACCESS_DENIED_ERROR',
  1146: 'ER_NO_SUCH_TABLE',
  1149: 'ER_SYNTAX_ERROR',
  1153: 'ER_NET_PACKET_TOO_LARGE',
  1227: 'ER_SPECIFIC_ACCESS_DENIED_ERROR',
  1347: 'ER_WRONG_OBJECT',
  1370: 'ER_PROCACCESS_DENIED_ERROR',
  1698: 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR',
  1820: 'ER_MUST_CHANGE_PASSWORD',
  1862: 'ER_MUST_CHANGE_PASSWORD_LOGIN',
  3118: 'ER_ACCOUNT_HAS_BEEN_LOCKED',
  4151: 'ER_ACCOUNT_HAS_BEEN_LOCKED (MariaDB)',
}

/**
 * Gives a mysql2 error (one with an `errno` from the server) its `retriable` flag, keeping its
 * `code` (`ER_NO_SUCH_TABLE` …) for the sinker's health, metrics and logs. Other errors are
 * returned as they are: a SinkError has its flag, and a connection error without `retriable`
 * is retried.
 */
export function classifyMysqlError(err: unknown): unknown {
  const e = err as { errno?: unknown; retriable?: unknown } | null
  if (typeof e !== 'object' || e === null || typeof e.errno !== 'number' || isSinkError(err)) return err
  if (typeof e.retriable !== 'boolean') e.retriable = !(e.errno in mysqlPermanentErrors)
  return err
}
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
      try {
        return await loadTable(table, label, rows)
      } catch (err) {
        throw classifyMysqlError(err)
      }
    },
    close: () => pool.end(),
  }

  async function tableSchema(table: string): Promise<TableSchema> {
    try {
      return await schemas.schema(table)
    } catch (err) {
      // The schema reader sees no columns both for a table that does not exist and for one
      // this account may not see, and calls that retriable; the server's own answer to the
      // table itself (ER_NO_SUCH_TABLE, ER_TABLEACCESS_DENIED_ERROR) is not.
      if (isSinkError(err) && err.code === 'SINK_SCHEMA' && err.retriable)
        await pool.query(`SELECT * FROM ${q(table)} LIMIT 0`)
      throw err
    }
  }

  async function loadTable(table: string, label: string, rows: readonly BufferedRow[]) {
    const schema = await tableSchema(table)
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
  }
}
