// The SELECT side of the canonical rendering: how a snapshot reads a table so that its
// rows render byte for byte like the same rows read from the binlog.
//
// Use a connection made with `selectConnectionOptions`, call `prepareSelectSession` on
// it, read the specs with `loadTableColumns`, SELECT `selectList(specs)`, and render
// each row with `renderer.renderRow(specs, row)`.

import { BinlogError } from '../errors.ts'
import { type CatalogColumn, type ColumnSpec, specFromCatalog } from './column-spec.ts'
import type { RenderedRow } from './raw-json.ts'
import type { RenderCallOptions, ValueRenderer } from './renderer.ts'

/**
 * mysql2 options for SELECTs whose rows are rendered: every temporal value as the server's
 * text, BIGINT and DECIMAL as exact text, JSON as text (MySQL), no JS Date anywhere.
 */
export const selectConnectionOptions = {
  dateStrings: true,
  supportBigNumbers: true,
  bigNumberStrings: true,
  decimalNumbers: false,
  jsonStrings: true,
  charset: 'utf8mb4',
} as const

/** The subset of a mysql2/promise connection or pool used here. */
export interface QueryRunner {
  query(sql: string, params?: unknown[]): Promise<[unknown, unknown]>
}

/**
 * TIMESTAMP values must reach the renderer in UTC (it shows them in the source zone), as
 * they do from the binlog; this pins the session zone.
 */
export async function prepareSelectSession(conn: QueryRunner): Promise<void> {
  await conn.query("SET time_zone = '+00:00'")
}

/** Columns declared JSON: MySQL's JSON type, or MariaDB's LONGTEXT with CHECK (json_valid(col)). */
export async function loadJsonColumns(
  conn: QueryRunner,
  database: string,
  table: string,
): Promise<Set<string>> {
  const json = new Set<string>()
  const [columns] = await conn.query(
    "SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND DATA_TYPE = 'json'",
    [database, table],
  )
  for (const c of columns as Array<{ name: string }>) json.add(c.name)
  try {
    const [checks] = await conn.query(
      'SELECT CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?',
      [database, table],
    )
    for (const c of checks as Array<{ clause: string }>) {
      const m = /^json_valid\(`((?:[^`]|``)+)`\)$/i.exec(c.clause.trim())
      if (m?.[1]) json.add(m[1].replace(/``/g, '`'))
    }
  } catch (err) {
    // MySQL 5.7 has no CHECK_CONSTRAINTS table, and no JSON-as-text either
    if ((err as { errno?: number }).errno !== 1109) throw err
  }
  return json
}

/** The table's columns in ordinal order, as render specs. */
export async function loadTableColumns(
  conn: QueryRunner,
  database: string,
  table: string,
): Promise<ColumnSpec[]> {
  const [rows] = await conn.query(
    `SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_SET_NAME
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [database, table],
  )
  const columns = rows as CatalogColumn[]
  if (columns.length === 0) {
    throw new BinlogError('BINLOG_SERVER', `table ${database}.${table} does not exist or is not visible`, {
      database,
      table,
      retriable: false,
    })
  }
  const json = await loadJsonColumns(conn, database, table)
  return columns.map((c) => specFromCatalog(c, json.has(c.COLUMN_NAME)))
}

export function quoteIdentifier(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`'
}

/**
 * The select list for `specs`. FLOAT is widened to DOUBLE because the server's text for a
 * FLOAT keeps only 6 digits (16777217 stored as float32 16777216 prints as 16777200); the
 * widened value is the exact float32, which the renderer shortens like the binlog path.
 */
export function selectList(specs: readonly ColumnSpec[]): string {
  return specs
    .map((s) => {
      const q = quoteIdentifier(s.name)
      return s.kind === 'float' ? `(${q} + 0E0) AS ${q}` : q
    })
    .join(', ')
}

/** Renders one SELECT row (read as above) exactly as the binlog path renders the same row. */
export function renderSelectRow(
  renderer: ValueRenderer,
  specs: readonly ColumnSpec[],
  row: Record<string, unknown>,
  call?: RenderCallOptions,
): RenderedRow {
  return renderer.renderRow(specs, row, call)
}
