// The physical tables of a source, as table-matcher's `knownTables`: a rule set under which
// one of them matches two rules is refused when it is loaded, not at the table's first row.

import type { QueryRunner } from '@sync/binlog-reader'

/** Schemas of the server itself; no rule captures them. */
export const systemSchemas: readonly string[] = ['mysql', 'information_schema', 'performance_schema', 'sys']

export interface SourceTable {
  database: string
  table: string
}

/**
 * Every base table (MariaDB's system-versioned ones included) outside the system schemas
 * that the connection's user can see, in schema then table order.
 */
export async function listSourceTables(conn: QueryRunner): Promise<SourceTable[]> {
  const [rows] = await conn.query(
    `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS name FROM information_schema.TABLES
      WHERE TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')
        AND TABLE_SCHEMA NOT IN (${systemSchemas.map(() => '?').join(', ')})
      ORDER BY TABLE_SCHEMA, TABLE_NAME`,
    [...systemSchemas],
  )
  return (rows as Array<{ db: string; name: string }>).map((r) => ({ database: r.db, table: r.name }))
}
