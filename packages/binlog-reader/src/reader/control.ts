// The reader's own control connection: server facts, start positions, purge checks, and
// clearing a previous session's dump thread.

import mysql from 'mysql2/promise'
import { BinlogError } from '../errors.ts'
import { createZoneConverter } from '../render/temporal.ts'
import type { ConnectionOptions, Logger } from '../types.ts'
import { describePosition } from './classify.ts'
import type { BinlogPosition, StartPosition } from './events.ts'

export type ControlConnection = mysql.Connection

export async function connectControl(c: ConnectionOptions): Promise<ControlConnection> {
  try {
    const conn = await mysql.createConnection({
      host: c.host,
      port: c.port ?? 3306,
      user: c.user,
      password: c.password,
      ...(c.ssl !== undefined ? { ssl: c.ssl as mysql.SslOptions } : {}),
      connectTimeout: c.connectTimeout ?? 10_000,
      charset: 'utf8mb4',
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      enableKeepAlive: true,
    })
    conn.on('error', () => {}) // a lost control connection shows up as a failed query
    return conn
  } catch (err) {
    const e = err as { errno?: number; message?: string }
    const privilege = e.errno === 1045 || e.errno === 1044
    throw new BinlogError(
      privilege ? 'BINLOG_SERVER' : 'BINLOG_CONNECTION',
      `cannot connect to ${c.host}:${c.port ?? 3306} as ${c.user}: ${e.message}`,
      { cause: err, errno: e.errno, retriable: !privilege },
    )
  }
}

export interface ServerFacts {
  version: string
  isMariaDb: boolean
  timeZone: string
}

async function one<T>(conn: ControlConnection, sql: string, params: unknown[] = []): Promise<T | undefined> {
  const [rows] = await conn.query({ sql, timeout: 15_000 }, params)
  return (rows as T[])[0]
}

/**
 * Version, flavour, and the zone TIMESTAMPs are shown in unless the caller chose one: the
 * server's time_zone, or its system_time_zone for 'SYSTEM'. The name is used only when the
 * zone database gives it the offset the server has right now: system_time_zone is often an
 * abbreviation, and ICU reads 'CST' as US Central while on Alibaba RDS in China it is
 * +08:00. Otherwise the server's current offset is used, with a warning.
 */
export async function readServerFacts(conn: ControlConnection, logger: Logger): Promise<ServerFacts> {
  const row = await one<{
    v: string
    tz: string
    sys: string
    off_s: string | number
    now_s: string | number
  }>(
    conn,
    'SELECT VERSION() AS v, @@time_zone AS tz, @@system_time_zone AS sys, ' +
      'TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), NOW()) AS off_s, UNIX_TIMESTAMP() AS now_s',
  )
  if (!row) throw new BinlogError('BINLOG_SERVER', 'the server answered no version')
  const isMariaDb = /mariadb/i.test(row.v)
  const candidate = row.tz === 'SYSTEM' ? row.sys : row.tz
  const seconds = Number(row.off_s)
  let named: number | undefined
  try {
    named = createZoneConverter(candidate).offsetAt(Math.floor(Number(row.now_s)))
  } catch {
    // not a zone name at all (RangeError from Intl)
  }
  if (named !== undefined && Math.round((named - seconds) / 60) === 0) {
    return { version: row.v, isMariaDb, timeZone: candidate }
  }
  const sign = seconds < 0 ? '-' : '+'
  const abs = Math.abs(seconds)
  const timeZone = `${sign}${String(Math.floor(abs / 3600)).padStart(2, '0')}:${String(Math.floor((abs % 3600) / 60)).padStart(2, '0')}`
  logger.warn(
    "server time zone is not a zone name with the server's current offset; TIMESTAMP uses that offset, which " +
      'does not follow daylight saving (set options.timeZone)',
    {
      serverZone: candidate,
      offset: timeZone,
      ...(named !== undefined ? { zoneNameOffsetSeconds: named } : {}),
    },
  )
  return { version: row.v, isMariaDb, timeZone }
}

/** Turns the start option into a concrete position (never zongji's startAtEnd). */
export async function resolveStart(
  conn: ControlConnection,
  start: StartPosition,
  isMariaDb: boolean,
): Promise<BinlogPosition> {
  if (start !== 'now' && 'gtid' in start) return { file: '', pos: 4, gtid: start.gtid }
  let file: string
  let pos: number
  let mysqlGtid: string | undefined
  if (start === 'now') {
    const status = await masterStatus(conn)
    file = status.File
    pos = Number(status.Position)
    mysqlGtid = status.Executed_Gtid_Set?.replace(/\s/g, '')
  } else {
    file = start.file
    pos = start.pos
  }
  if (isMariaDb) {
    const row = await one<{ g: string | null }>(conn, 'SELECT BINLOG_GTID_POS(?, ?) AS g', [file, pos])
    return row?.g === null || row?.g === undefined ? { file, pos } : { file, pos, gtid: row.g }
  }
  return mysqlGtid ? { file, pos, gtid: mysqlGtid } : { file, pos }
}

async function masterStatus(
  conn: ControlConnection,
): Promise<{ File: string; Position: number; Executed_Gtid_Set?: string }> {
  let row: { File: string; Position: number } | undefined
  try {
    row = await one(conn, 'SHOW MASTER STATUS')
  } catch (err) {
    // MySQL 8.4 renamed it
    if ((err as { errno?: number }).errno !== 1064) throw err
    row = await one(conn, 'SHOW BINARY LOG STATUS')
  }
  if (!row)
    throw new BinlogError(
      'BINLOG_SERVER',
      'binary logging is off on the server (SHOW MASTER STATUS is empty)',
      { retriable: false },
    )
  return row
}

/** BINLOG_PURGED before streaming when a file/pos start names a file the server no longer has. */
export async function assertFileAvailable(conn: ControlConnection, position: BinlogPosition): Promise<void> {
  if (!position.file) return
  const [rows] = await conn.query({ sql: 'SHOW BINARY LOGS', timeout: 15_000 })
  const files = (rows as Array<{ Log_name: string }>).map((r) => r.Log_name)
  if (!files.includes(position.file)) {
    throw new BinlogError(
      'BINLOG_PURGED',
      `the binlog no longer holds position ${describePosition(position)}: the server's oldest binlog is ` +
        `${files[0] ?? '(none)'}; the changes since then are gone: take a new snapshot of the captured tables ` +
        'and start the stream from the snapshot position',
      { binlogFile: position.file, binlogPos: position.pos, gtid: position.gtid },
    )
  }
}

/** Ends a previous session's dump thread if the server still runs it (zongji skips the KILL when its control link is dead). */
export async function killThread(conn: ControlConnection, threadId: number | undefined): Promise<void> {
  if (threadId === undefined) return
  try {
    await conn.query({ sql: `KILL ${Number(threadId)}`, timeout: 5000 })
  } catch {
    // already gone (1094 unknown thread)
  }
}
