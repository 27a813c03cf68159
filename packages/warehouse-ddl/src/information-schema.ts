// Reads what `gen` and `verify` need from a source's information_schema.
import { loadJsonColumns, type QueryRunner } from '@sync/binlog-reader'
import { WarehouseDdlError } from './errors.ts'
import type { SourceColumn } from './starrocks-types.ts'

export interface PhysicalTable {
  database: string
  table: string
}

interface ColumnRow {
  name: string
  dataType: string
  columnType: string
  nullable: string
  columnKey: string
  charMax: number | string | null
  precision: number | string | null
  scale: number | string | null
  comment: string | null
}

const num = (v: number | string | null) => (v === null || v === undefined ? null : Number(v))

export async function readColumns(
  conn: QueryRunner,
  database: string,
  table: string,
): Promise<SourceColumn[]> {
  const [rows] = await conn.query(
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType, IS_NULLABLE AS nullable,
            COLUMN_KEY AS columnKey, CHARACTER_MAXIMUM_LENGTH AS charMax, NUMERIC_PRECISION AS \`precision\`,
            NUMERIC_SCALE AS scale, COLUMN_COMMENT AS comment
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [database, table],
  )
  const list = rows as ColumnRow[]
  if (list.length === 0) {
    throw new WarehouseDdlError(
      'WDDL_NOT_FOUND',
      `table ${database}.${table} does not exist or is not visible to this user`,
    )
  }
  const json = await loadJsonColumns(conn, database, table)
  const pk = await primaryKey(conn, database, table)
  return list.map((r) => ({
    name: r.name,
    dataType: String(r.dataType).toLowerCase(),
    columnType: String(r.columnType).toLowerCase(),
    nullable: r.nullable === 'YES',
    primaryKey: pk.includes(r.name),
    ...(pk.includes(r.name) ? { keyIndex: pk.indexOf(r.name) } : {}),
    charMaxLength: num(r.charMax),
    numericPrecision: num(r.precision),
    numericScale: num(r.scale),
    comment: r.comment ?? '',
    json: json.has(r.name),
  }))
}

/** Primary-key columns in key order (COLUMN_KEY = 'PRI' does not give the order). */
export async function primaryKey(conn: QueryRunner, database: string, table: string): Promise<string[]> {
  const [rows] = await conn.query(
    `SELECT COLUMN_NAME AS name FROM information_schema.KEY_COLUMN_USAGE
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION`,
    [database, table],
  )
  return (rows as Array<{ name: string }>).map((r) => r.name)
}

export async function tableComment(conn: QueryRunner, database: string, table: string): Promise<string> {
  const [rows] = await conn.query(
    'SELECT TABLE_COMMENT AS c FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [database, table],
  )
  return String((rows as Array<{ c: string | null }>)[0]?.c ?? '')
}

const systemSchemas = ['information_schema', 'mysql', 'performance_schema', 'sys']

/** Base tables of the given databases (all non-system databases when none are given). */
export async function listTables(
  conn: QueryRunner,
  databases: readonly string[] = [],
): Promise<PhysicalTable[]> {
  const filter =
    databases.length > 0
      ? `TABLE_SCHEMA IN (${databases.map(() => '?').join(', ')})`
      : `TABLE_SCHEMA NOT IN (${systemSchemas.map(() => '?').join(', ')})`
  const [rows] = await conn.query(
    `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS t FROM information_schema.TABLES
      WHERE TABLE_TYPE = 'BASE TABLE' AND ${filter} ORDER BY TABLE_SCHEMA, TABLE_NAME`,
    databases.length > 0 ? [...databases] : systemSchemas,
  )
  return (rows as Array<{ db: string; t: string }>).map((r) => ({ database: r.db, table: r.t }))
}
