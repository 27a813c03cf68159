// The server's version and the zone its TIMESTAMPs are shown in, decided as the binlog
// reader decides it (so both paths render TIMESTAMP the same way without configuration).

import { createValueRenderer } from '@sync/binlog-reader'
import type { QueryRunner } from './chunk-key.ts'
import type { Logger } from './types.ts'

export interface ServerZone {
  version: string
  timeZone: string
}

export async function readServerZone(conn: QueryRunner, logger: Logger): Promise<ServerZone> {
  const [rows] = await conn.query(
    'SELECT VERSION() AS v, @@time_zone AS tz, @@system_time_zone AS sys, TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), NOW()) AS off_s',
  )
  const row = (rows as Array<{ v: string; tz: string; sys: string; off_s: string | number }>)[0]
  if (row === undefined) throw new Error('the server answered no version')
  const candidate = row.tz === 'SYSTEM' ? row.sys : row.tz
  try {
    createValueRenderer({ timeZone: candidate })
    return { version: row.v, timeZone: candidate }
  } catch {
    // e.g. 'CST': an abbreviation no zone database resolves; follow the current offset
    const seconds = Number(row.off_s)
    const abs = Math.abs(seconds)
    const offset = `${seconds < 0 ? '-' : '+'}${String(Math.floor(abs / 3600)).padStart(2, '0')}:${String(Math.floor((abs % 3600) / 60)).padStart(2, '0')}`
    logger.warn(
      'server time zone is not a zone name; TIMESTAMP uses its current offset (set options.timeZone)',
      {
        serverZone: candidate,
        offset,
      },
    )
    return { version: row.v, timeZone: offset }
  }
}
