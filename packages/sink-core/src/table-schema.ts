// Target table columns, read over the MySQL protocol (StarRocks FE query port, or MySQL)
// when the configuration does not list them. Cached per table; a failed read is retried on
// the next batch.
import type { Pool, RowDataPacket } from 'mysql2/promise'
import { SinkError } from './errors.ts'

export interface TableSchema {
  columns: string[]
  /** Primary-key columns (MySQL target: the delete key). */
  keys: string[]
}

export interface SchemaReader {
  schema(table: string): Promise<TableSchema>
}

export function createSchemaReader(
  pool: Pool | undefined,
  database: string,
  overrides: Readonly<Record<string, { columns?: readonly string[] }>>,
): SchemaReader {
  const cache = new Map<string, Promise<TableSchema>>()
  async function read(table: string): Promise<TableSchema> {
    const given = overrides[table]?.columns
    if (given && !pool) return { columns: [...given], keys: [] }
    if (!pool)
      throw new SinkError('SINK_SCHEMA', `no columns configured for table ${table} and no query address`, {
        table,
      })
    const [rows] = await pool.query<RowDataPacket[]>(
      'SELECT COLUMN_NAME AS name, COLUMN_KEY AS colKey FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [database, table],
    )
    if (rows.length === 0)
      throw new SinkError('SINK_SCHEMA', `table ${database}.${table} does not exist or has no columns`, {
        table,
        retriable: true,
      })
    const all = rows.map((r) => String(r.name))
    return {
      columns: given ? [...given] : all,
      keys: rows.filter((r) => r.colKey === 'PRI').map((r) => String(r.name)),
    }
  }
  return {
    schema(table) {
      let p = cache.get(table)
      if (!p) {
        p = read(table)
        cache.set(table, p)
        p.catch(() => cache.delete(table))
      }
      return p
    },
  }
}
