// The binlog position of a chunk's consistent read.
//
// MariaDB (tested): inside `START TRANSACTION WITH CONSISTENT SNAPSHOT`, the status
// variables Binlog_snapshot_file / Binlog_snapshot_position name the exact binlog offset
// the snapshot corresponds to: every transaction that ends at or before it is visible,
// none after it. BINLOG_GTID_POS(file, pos) turns that offset into the GTID position.
//
// MySQL (implemented, not tested here: no MySQL server on this machine): there is no such
// variable, so the loader takes FLUSH TABLES WITH READ LOCK for the instant it needs to
// open the snapshot and read SHOW MASTER STATUS (SHOW BINARY LOG STATUS on 8.4), then
// UNLOCK TABLES; the lock is held for milliseconds per chunk, never across the table.
// (performance_schema.log_status gives file/pos and GTIDs without a lock, but not tied to
// a consistent read, so it cannot tell which transactions a chunk saw.)

import type { QueryRunner } from './chunk-key.ts'
import { SnapshotError } from './errors.ts'

export const positionModes = {
  auto: 'auto',
  'mariadb-status': 'mariadb-status',
  'mysql-lock': 'mysql-lock',
} as const
export type PositionMode = keyof typeof positionModes

export interface SnapshotPosition {
  file: string
  pos: number
  /** GTID position (MariaDB '0-1-42') or executed set (MySQL), when the server has one. */
  gtid?: string
}

function fail(message: string, cause?: unknown): never {
  throw new SnapshotError('SNAP_POSITION', message, { cause, retriable: false })
}

/** Opens a consistent-read transaction on `conn` and returns its exact binlog position. */
export async function beginConsistentRead(
  conn: QueryRunner,
  mode: Exclude<PositionMode, 'auto'>,
): Promise<SnapshotPosition> {
  if (mode === 'mariadb-status') {
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY')
    const [rows] = await conn.query("SHOW STATUS LIKE 'binlog_snapshot_%'")
    const vars = new Map(
      (rows as Array<{ Variable_name: string; Value: string }>).map((r) => [
        r.Variable_name.toLowerCase(),
        r.Value,
      ]),
    )
    const file = vars.get('binlog_snapshot_file')
    const pos = Number(vars.get('binlog_snapshot_position'))
    if (!file || !Number.isSafeInteger(pos)) {
      fail('the server reported no Binlog_snapshot_file/position: is the binary log on (log_bin)?')
    }
    let gtid: string | undefined
    try {
      const [g] = await conn.query('SELECT BINLOG_GTID_POS(?, ?) AS gtid', [file, pos])
      const value = (g as Array<{ gtid: string | null }>)[0]?.gtid
      if (typeof value === 'string') gtid = value
    } catch {
      // Without GTIDs the file/pos alone orders everything; the GTID is informative
    }
    return gtid === undefined ? { file, pos } : { file, pos, gtid }
  }
  try {
    await conn.query('FLUSH TABLES WITH READ LOCK')
  } catch (cause) {
    fail('FLUSH TABLES WITH READ LOCK was refused (the account needs RELOAD)', cause)
  }
  try {
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY')
    let rows: unknown
    try {
      ;[rows] = await conn.query('SHOW MASTER STATUS')
    } catch {
      ;[rows] = await conn.query('SHOW BINARY LOG STATUS')
    }
    const row = (rows as Array<{ File: string; Position: number | string; Executed_Gtid_Set?: string }>)[0]
    if (!row) fail('SHOW MASTER STATUS returned nothing: is the binary log on (log_bin)?')
    const gtid = row.Executed_Gtid_Set?.replace(/\s+/g, '')
    return gtid
      ? { file: row.File, pos: Number(row.Position), gtid }
      : { file: row.File, pos: Number(row.Position) }
  } finally {
    await conn.query('UNLOCK TABLES')
  }
}

/** MariaDB has the status variables; anything else gets the brief lock. */
export function positionModeFor(version: string): Exclude<PositionMode, 'auto'> {
  return /mariadb/i.test(version) ? 'mariadb-status' : 'mysql-lock'
}
