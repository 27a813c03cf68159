// Per-TableMap rendering plan, and the catalog lookup of MariaDB's JSON columns.

import type { ColumnSpec, ZongjiColumn, ZongjiColumnSchema } from '../render/column-spec.ts'
import { loadJsonColumns, type QueryRunner } from '../render/select.ts'
import type { TableRef } from './ddl.ts'
import { LruCache, tableKey } from './table-cache.ts'
import type { ZongjiEvent, ZongjiTableMapEntry } from './zongji-types.ts'

export interface TableInfo {
  database: string
  table: string
  specs: ColumnSpec[]
  columnNames: string[]
  /** Binlog type codes, to tell whether a later TableMap of the same id still fits. */
  types: number[]
  primaryKey: string[]
}

export function buildTableInfo(
  event: ZongjiEvent,
  entry: ZongjiTableMapEntry,
  json: ReadonlySet<string>,
  specFor: (c: ZongjiColumn, s: ZongjiColumnSchema, isJson: boolean) => ColumnSpec,
): TableInfo {
  const columns = entry.columns ?? []
  const specs = columns.map((c, i) =>
    specFor(c, entry.columnSchemas[i] as ZongjiColumnSchema, json.has(c.name)),
  )
  const columnNames = columns.map((c) => c.name)
  const pk = (event.primaryKey as number[] | undefined) ?? []
  return {
    database: event.schemaName as string,
    table: event.tableName as string,
    specs,
    columnNames,
    types: columns.map((c) => c.type),
    primaryKey: pk.map((i) => columnNames[i] as string),
  }
}

export interface JsonCatalog {
  cached(database: string, table: string): ReadonlySet<string> | undefined
  load(database: string, table: string): Promise<ReadonlySet<string>>
  invalidate(tables: readonly TableRef[], database?: string): void
  setConnection(conn: QueryRunner): void
  readonly size: number
}

export function createJsonCatalog(capacity: number): JsonCatalog {
  const cache = new LruCache<ReadonlySet<string>>(capacity)
  let conn: QueryRunner | undefined
  return {
    cached: (database, table) => cache.get(tableKey(database, table)),
    async load(database, table) {
      if (!conn) throw new Error('catalog connection not set')
      const json = await loadJsonColumns(conn, database, table)
      cache.set(tableKey(database, table), json)
      return json
    },
    invalidate(tables, database) {
      for (const t of tables) cache.delete(tableKey(t.database, t.table))
      if (database !== undefined) cache.deleteWhere((k) => k.startsWith(`${database}\u0000`))
    },
    setConnection(c) {
      conn = c
    },
    get size() {
      return cache.size
    },
  }
}
