// The binlog position S of a chunk's consistent read. What the handoff rule needs from S is
// that the read sees every transaction that ends at or before S (a transaction after S may
// be seen too: its changes are held and replayed after the chunk, full rows, last wins).
//
// mariadb-status (tested against MariaDB): inside `START TRANSACTION WITH CONSISTENT
// SNAPSHOT` the status variables Binlog_snapshot_file / Binlog_snapshot_position name the
// exact binlog offset of the snapshot; BINLOG_GTID_POS(file, pos) gives its GTID position.
//
// mysql-lock (MySQL; statement order unit-tested, the real server untested here):
//   FLUSH TABLES WITH READ LOCK      waits for running commits, blocks new ones
//   START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY
//   SHOW MASTER STATUS               (SHOW BINARY LOG STATUS on 8.4): file, pos, Executed_Gtid_Set
//   UNLOCK TABLES                    always, in finally; the snapshot stays open
// The global lock lasts milliseconds per chunk. Managed MySQL (AWS RDS, Aurora, and most
// other clouds' RDS for accounts without SUPER) refuses it.
//
// mysql-table-lock (MySQL without FTWRL; statement order unit-tested, the statements
// themselves run against MariaDB in the integration tests):
//   LOCK TABLES `db`.`t` READ        waits until every open transaction that wrote t ended
//                                    (its metadata lock is held until after its commit)
//   SHOW MASTER STATUS               S: every transaction that wrote t and ends at or before
//                                    S is committed, so visible to any later read view
//   UNLOCK TABLES                    in finally
//   START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY
// Writes to t that commit between UNLOCK and the snapshot end after S: seen or not, they
// are held and replayed. Only writers of the chunk's own table wait, for milliseconds.
// (A plain SHOW MASTER STATUS without any lock is not enough: MySQL writes a transaction
// to the binlog before it commits it in InnoDB, so a position read in between would name a
// transaction the following snapshot cannot see yet. performance_schema.log_status has the
// same gap.)

import type { QueryRunner } from './chunk-key.ts'
import { SnapshotError } from './errors.ts'
import type { Logger } from './types.ts'

export const positionModes = {
  auto: 'auto',
  'mariadb-status': 'mariadb-status',
  'mysql-lock': 'mysql-lock',
  'mysql-table-lock': 'mysql-table-lock',
} as const
export type PositionMode = keyof typeof positionModes
export type ReadMode = Exclude<PositionMode, 'auto'>

export interface SnapshotPosition {
  file: string
  pos: number
  /** GTID position (MariaDB '0-1-42') or executed set (MySQL), when the server has one. */
  gtid?: string
}

/** The table a chunk reads; mysql-table-lock locks it while it reads S. */
export interface ReadTable {
  database: string
  table: string
}

const consistentSnapshot = 'START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY'
/** ER_DBACCESS_DENIED, ER_ACCESS_DENIED, ER_TABLEACCESS_DENIED, ER_SPECIFIC_ACCESS_DENIED. */
const privilegeErrnos = new Set([1044, 1045, 1142, 1227])
const errnoOf = (err: unknown) => (err as { errno?: unknown })?.errno

export function isPrivilegeError(err: unknown): boolean {
  return privilegeErrnos.has(errnoOf(err) as number)
}

function fail(message: string, cause?: unknown, retriable = false): never {
  const errno = errnoOf(cause)
  throw new SnapshotError('SNAP_POSITION', message, {
    cause,
    retriable,
    ...(typeof errno === 'number' ? { errno } : {}),
  })
}

/** A refused lock is a privilege problem (not retriable); a lock wait timeout is worth a retry. */
function lockRefused(statement: string, hint: string, cause: unknown): never {
  if (errnoOf(cause) === 1205) fail(`${statement} timed out waiting for running statements`, cause, true)
  fail(
    `${statement} was refused: ${(cause as Error)?.message ?? String(cause)} (${hint})`,
    cause,
    !isPrivilegeError(cause),
  )
}

const quoteName = (name: string) => `\`${name.replace(/`/g, '``')}\``

/** SHOW MASTER STATUS, or SHOW BINARY LOG STATUS where the old statement is gone (MySQL 8.4). */
export async function readBinlogStatus(conn: QueryRunner): Promise<SnapshotPosition> {
  let rows: unknown
  try {
    ;[rows] = await conn.query('SHOW MASTER STATUS')
  } catch (err) {
    // only a syntax error means "the other statement": a refusal is reported as such
    if (errnoOf(err) !== 1064) {
      if (isPrivilegeError(err))
        fail('SHOW MASTER STATUS was refused: the account needs REPLICATION CLIENT', err)
      throw err
    }
    ;[rows] = await conn.query('SHOW BINARY LOG STATUS')
  }
  const row = (rows as Array<{ File: string; Position: number | string; Executed_Gtid_Set?: string }>)[0]
  if (!row) fail('SHOW MASTER STATUS returned nothing: is the binary log on (log_bin)?')
  const pos = Number(row.Position)
  if (typeof row.File !== 'string' || row.File === '' || !Number.isSafeInteger(pos))
    fail(`SHOW MASTER STATUS returned no usable file and position (${JSON.stringify(row)})`)
  // the executed set comes with a newline after every comma
  const gtid = row.Executed_Gtid_Set?.replace(/\s+/g, '')
  return gtid ? { file: row.File, pos, gtid } : { file: row.File, pos }
}

async function mariadbStatus(conn: QueryRunner): Promise<SnapshotPosition> {
  await conn.query(consistentSnapshot)
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

async function globalLock(conn: QueryRunner): Promise<SnapshotPosition> {
  try {
    await conn.query('FLUSH TABLES WITH READ LOCK')
  } catch (cause) {
    lockRefused(
      'FLUSH TABLES WITH READ LOCK',
      "the account needs RELOAD; managed MySQL such as AWS RDS refuses it: use positionMode 'mysql-table-lock'",
      cause,
    )
  }
  return unlockAfter(conn, async () => {
    await conn.query(consistentSnapshot)
    return readBinlogStatus(conn)
  })
}

/** Runs `fn`, then UNLOCK TABLES whatever happened; an UNLOCK failure never hides fn's own. */
async function unlockAfter<T>(conn: QueryRunner, fn: () => Promise<T>): Promise<T> {
  let result: T
  try {
    result = await fn()
  } catch (err) {
    // the caller gives up and closes the connection, which releases the lock in any case
    await conn.query('UNLOCK TABLES').catch(() => {})
    throw err
  }
  await conn.query('UNLOCK TABLES')
  return result
}

async function tableLock(conn: QueryRunner, table: ReadTable | undefined): Promise<SnapshotPosition> {
  let position: SnapshotPosition
  if (table === undefined) {
    // the start position of a snapshot is informative (no chunk is read at it)
    position = await readBinlogStatus(conn)
  } else {
    const statement = `LOCK TABLES ${quoteName(table.database)}.${quoteName(table.table)} READ`
    try {
      await conn.query(statement)
    } catch (cause) {
      lockRefused(statement, 'the account needs LOCK TABLES on the table', cause)
    }
    position = await unlockAfter(conn, () => readBinlogStatus(conn))
  }
  await conn.query(consistentSnapshot)
  return position
}

/** Opens a consistent-read transaction on `conn` and returns its binlog position S. */
export async function beginConsistentRead(
  conn: QueryRunner,
  mode: ReadMode,
  table?: ReadTable,
): Promise<SnapshotPosition> {
  if (mode === 'mariadb-status') return mariadbStatus(conn)
  if (mode === 'mysql-lock') return globalLock(conn)
  return tableLock(conn, table)
}

/** How long a lock statement (or any metadata lock wait) may wait on MySQL before it gives up. */
export const lockWaitTimeoutSeconds = 10

/**
 * Resolves `auto` and prepares the session. MariaDB has the status variables. On MySQL the
 * lock statements may wait at most `lockWaitTimeoutSeconds` (a global read lock queued
 * behind a long query would block every write meanwhile); under `auto` the global lock is
 * tried once and, if the account may not take it (managed MySQL), table locks are used.
 */
export async function preparePositionMode(
  conn: QueryRunner,
  requested: PositionMode,
  version: string,
  logger: Logger,
): Promise<ReadMode> {
  const mode = requested === 'auto' && /mariadb/i.test(version) ? 'mariadb-status' : requested
  if (mode === 'mariadb-status') return mode
  await conn.query(`SET SESSION lock_wait_timeout = ${lockWaitTimeoutSeconds}`)
  if (mode !== 'auto') return mode
  try {
    await conn.query('FLUSH TABLES WITH READ LOCK')
  } catch (err) {
    if (!isPrivilegeError(err)) throw err
    logger.warn(
      'FLUSH TABLES WITH READ LOCK is refused; each chunk takes its position under LOCK TABLES … READ of its table instead',
      { errno: errnoOf(err), positionMode: 'mysql-table-lock' },
    )
    return 'mysql-table-lock'
  }
  await conn.query('UNLOCK TABLES')
  return 'mysql-lock'
}
