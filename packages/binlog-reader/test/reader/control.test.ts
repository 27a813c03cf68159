// The zone TIMESTAMP values are shown in when options.timeZone is not set: the server's.
import { describe, expect, it } from 'vitest'
import { type ControlConnection, readServerFacts } from '../../src/reader/control.ts'
import type { Logger } from '../../src/types.ts'

// 2024-01-15 00:00 UTC: winter in the northern hemisphere
const winter = 1_705_276_800

/** A control connection answering the facts query with fixed variable values. */
function serverWith(tz: string, sys: string, offsetSeconds: number, version = '10.11.19-MariaDB-log') {
  const sql: string[] = []
  const conn = {
    async query(options: { sql: string }) {
      sql.push(options.sql)
      return [[{ v: version, tz, sys, off_s: String(offsetSeconds), now_s: String(winter) }], []]
    },
  }
  return { conn: conn as unknown as ControlConnection, sql }
}

function recordingLogger() {
  const warnings: Array<[string, Record<string, unknown> | undefined]> = []
  const logger: Logger = { debug() {}, info() {}, error() {}, warn: (m, f) => warnings.push([m, f]) }
  return { logger, warnings }
}

describe('readServerFacts: the default TIMESTAMP zone', () => {
  it("follows system_time_zone when time_zone is 'SYSTEM'", async () => {
    const { logger, warnings } = recordingLogger()
    const { conn, sql } = serverWith('SYSTEM', 'UTC', 0)
    expect(await readServerFacts(conn, logger)).toEqual({
      version: '10.11.19-MariaDB-log',
      isMariaDb: true,
      timeZone: 'UTC',
    })
    expect(sql[0]).toMatch(/@@time_zone.*@@system_time_zone/)
    expect(warnings).toEqual([])
  })

  it('takes an explicit time_zone (a zone name or an offset) over the system zone', async () => {
    const { logger, warnings } = recordingLogger()
    expect((await readServerFacts(serverWith('Asia/Shanghai', 'UTC', 28_800).conn, logger)).timeZone).toBe(
      'Asia/Shanghai',
    )
    expect((await readServerFacts(serverWith('+05:30', 'UTC', 19_800).conn, logger)).timeZone).toBe('+05:30')
    expect(
      (await readServerFacts(serverWith('SYSTEM', 'America/New_York', -18_000).conn, logger)).timeZone,
    ).toBe('America/New_York')
    // an abbreviation the zone database knows with the server's offset: US Central in winter
    expect((await readServerFacts(serverWith('SYSTEM', 'CST', -21_600).conn, logger)).timeZone).toBe('CST')
    expect(warnings).toEqual([])
  })

  it("uses the server's offset, with a warning, for 'CST' meaning China Standard Time", async () => {
    // Alibaba RDS in China reports system_time_zone 'CST' at +08:00; ICU reads CST as US Central
    const { logger, warnings } = recordingLogger()
    const facts = await readServerFacts(serverWith('SYSTEM', 'CST', 28_800, '8.0.36').conn, logger)
    expect(facts).toEqual({ version: '8.0.36', isMariaDb: false, timeZone: '+08:00' })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]?.[0]).toMatch(/set options.timeZone/)
    expect(warnings[0]?.[1]).toEqual({ serverZone: 'CST', offset: '+08:00', zoneNameOffsetSeconds: -21_600 })
  })

  it('uses the offset for a name no zone database knows, also west of UTC and off the hour', async () => {
    const { logger, warnings } = recordingLogger()
    const facts = await readServerFacts(serverWith('SYSTEM', 'XYZT', -12_600).conn, logger)
    expect(facts.timeZone).toBe('-03:30')
    expect(warnings[0]?.[1]).toEqual({ serverZone: 'XYZT', offset: '-03:30' })
  })
})
