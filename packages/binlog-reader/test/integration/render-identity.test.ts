// One value, one rendering: every type of the DESIGN.md rendering table, with edge values,
// read through the binlog and through a snapshot-style SELECT, must render to the same
// JSON text byte for byte; and selected values must equal what the contract says,
// written out here from the contract, not from the code.
import { connectMysql, createTestDatabase, registerCleanup } from '@sync/test-kit'
import { expect, it } from 'vitest'
import {
  createValueRenderer,
  loadTableColumns,
  prepareSelectSession,
  type RenderedRow,
  renderSelectRow,
  selectConnectionOptions,
  selectList,
  stringifyRow,
  stringifyValue,
} from '../../src/index.ts'
import { collectUntil, commits, openReader, rowsOf } from './helpers.ts'

const zone = 'America/New_York'

const columns = `
  id INT PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,
  mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED,
  bi BIGINT, biu BIGINT UNSIGNED,
  dec65 DECIMAL(65,30), dec52 DECIMAL(5,2),
  f FLOAT, d DOUBLE,
  dt6 DATETIME(6), dt0 DATETIME, dte DATE,
  ts TIMESTAMP(6) NULL DEFAULT NULL,
  tm6 TIME(6), tm0 TIME,
  yr YEAR, yr2 YEAR(2),
  js JSON,
  bl BLOB, bn BINARY(4), vb VARBINARY(16),
  b64 BIT(64), b10 BIT(10),
  en ENUM('a','b,c','ü'), st SET('x','y','z'),
  vc VARCHAR(50), tx TEXT, ch CHAR(3), lt LONGTEXT`

// Each row: SQL literals in column order (after id)
const rows: string[][] = [
  [
    '-128',
    '255',
    '-32768',
    '65535',
    '-8388608',
    '16777215',
    '-2147483648',
    '4294967295',
    '-9223372036854775808',
    '18446744073709551615',
    "'-12345678901234567890123456789012345.123456789012345678901234567890'",
    "'-0.50'",
    '1.1',
    '0.1e0 + 0.2e0',
    "'2024-03-10 02:30:00.123456'",
    "'0050-01-01 00:00:00'",
    "'1000-01-01'",
    "'2024-03-10 06:59:59.999999'",
    "'-838:59:59.000000'",
    "'838:59:59'",
    '0',
    '70',
    `'{"b": [1, 2.50, {"c": null}], "a": "ünï\\\\u00e9😀", "big": 12345678901234567890}'`,
    "X'FF00C328'",
    "X'00FF'",
    "X'C3'",
    "b'1111111111111111111111111111111111111111111111111111111111111111'",
    "b'1010101010'",
    "'b,c'",
    "'x,z'",
    "'héllo 😀 wörld'",
    "'𝄞 clef'",
    "'abc'",
    "'plain long text'",
  ],
  [
    '127',
    '0',
    '32767',
    '0',
    '8388607',
    '0',
    '2147483647',
    '0',
    '9223372036854775807',
    '0',
    "'0.000000000000000000000000000001'",
    "'999.99'",
    '16777217',
    '1e300',
    "'9999-12-31 23:59:59.999999'",
    "'2024-02-29 12:00:00'",
    "'2024-02-29'",
    "'2024-03-10 07:00:00.000001'",
    "'-00:00:00.500000'",
    "'-01:02:03'",
    '2155',
    '69',
    "'[]'",
    "''",
    "X'61'",
    "X''",
    "b'0'",
    "b'1'",
    "''",
    "''",
    "''",
    "''",
    "''",
    "''",
  ],
  [
    '0',
    '1',
    '0',
    '1',
    '0',
    '1',
    '0',
    '1',
    '9007199254740993',
    '9007199254740992',
    "'0.000000000000000000000000000000'",
    "'0.00'",
    '3.4028234e38',
    '5e-324',
    "'0000-00-00 00:00:00.000000'",
    "'2024-02-30 00:00:00'",
    "'0000-00-00'",
    "'2024-11-03 05:30:00'",
    "'00:00:00.000001'",
    "'24:00:01'",
    '1901',
    '0',
    '\'"just a string"\'',
    "X'00'",
    "X'00000000'",
    "X'0000'",
    "b'0000000000000000000000000000000000000000000000000000000000000001'",
    "b'0'",
    "'nope'",
    "'y'",
    '\'\\n\\t"quoted"\\\\\'',
    "'日本語'",
    "'ü'",
    "'x'",
  ],
  [
    '-1',
    '2',
    '-1',
    '2',
    '-1',
    '2',
    '-1',
    '2',
    '-1',
    '2',
    "'1.5'",
    "'-1.00'",
    '-1e-45',
    '-2.5',
    "'2024-00-15 10:00:00'",
    "'2024-04-31 00:00:00'",
    "'2024-02-30'",
    "'2024-11-03 06:30:00'",
    "'100:00:00.5'",
    "'-00:00:01'",
    '2000',
    '99',
    '\'{"k": 1e2, "n": -0, "e": "\\\\u2028"}\'',
    "X'C328'",
    "X'FFFFFFFF'",
    "X'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF'",
    "b'1000000000000000000000000000000000000000000000000000000000000000'",
    "b'1111111111'",
    "'ü'",
    "'x,y,z'",
    "'😀😀'",
    "'\\0nul'",
    "'a'",
    "REPEAT('long ', 1000)",
  ],
]
const nullRow = Array.from({ length: rows[0]?.length ?? 0 }, () => 'NULL')

it('renders every type identically from the binlog and from a SELECT, byte for byte', async () => {
  // process-zone.test.ts runs this file again with TZ set: prove the zone took effect, so
  // the same expectations below hold in a process that is not on UTC
  if (process.env.TZ && process.env.TZ !== 'UTC') {
    expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe(process.env.TZ)
    expect(new Date(Date.UTC(2024, 0, 15)).getTimezoneOffset()).not.toBe(0)
  }
  const db = await createTestDatabase('br_identity')
  await db.query(`CREATE TABLE t (${columns}) CHARACTER SET utf8mb4`)
  const invalidDates: string[] = []
  const countingMetrics = {
    increment: (name: string, _by?: number, labels?: Record<string, string>) => {
      if (name === 'binlog_invalid_dates_total') invalidDates.push(labels?.column ?? '?')
    },
    gauge: () => {},
  }
  const reader = openReader(db.name, { timeZone: zone, metrics: countingMetrics })
  await reader.start()

  // zero and invalid dates, the invalid ENUM value: only a permissive sql_mode stores them
  await db.query("SET SESSION sql_mode = 'ALLOW_INVALID_DATES', time_zone = '+00:00'")
  const all = [...rows, nullRow]
  for (const [n, values] of all.entries()) {
    await db.query(`INSERT INTO t VALUES (${n + 1}, ${values.join(', ')})`)
  }
  const events = await collectUntil(
    reader,
    (ev) => commits(ev) >= all.length,
    30_000,
    `${all.length} inserts`,
  )
  const fromBinlog = new Map(rowsOf(events).map((r) => [r.id, r]))
  const binlogInvalidDates = invalidDates.length

  // The SELECT path, as snapshot-loader runs it
  const conn = await connectMysql({ ...selectConnectionOptions, multipleStatements: false })
  registerCleanup(() => conn.end())
  await prepareSelectSession(conn)
  const specs = await loadTableColumns(conn, db.name, 't')
  const renderer = createValueRenderer({ timeZone: zone, metrics: countingMetrics })
  const [selected] = await conn.query(`SELECT ${selectList(specs)} FROM \`${db.name}\`.t ORDER BY id`)
  const fromSelect = new Map(
    (selected as Array<Record<string, unknown>>).map((r) => [r.id, renderSelectRow(renderer, specs, r)]),
  )

  expect(fromSelect.size).toBe(all.length)
  expect(fromBinlog.size).toBe(all.length)
  for (const [id, selectRow] of fromSelect) {
    const binlogRow = fromBinlog.get(id as never) as RenderedRow
    for (const spec of specs) {
      // per column first, so a failure names the column
      expect(
        `${spec.name}=${stringifyValue(binlogRow[spec.name] ?? null)}`,
        `row ${String(id)} column ${spec.name}`,
      ).toBe(`${spec.name}=${stringifyValue(selectRow[spec.name] ?? null)}`)
    }
    expect(stringifyRow(binlogRow)).toBe(stringifyRow(selectRow))
  }
  // both paths counted the same zero/invalid dates
  expect(invalidDates.length).toBe(binlogInvalidDates * 2)

  // What the contract says, independently of the code
  const r1 = JSON.parse(
    stringifyRow(fromBinlog.get(1) as RenderedRow).replace(/:(-?\d{16,})/g, ':"$1"'),
  ) as Record<string, unknown>
  const text1 = stringifyRow(fromBinlog.get(1) as RenderedRow)
  expect(text1).toContain('"biu":18446744073709551615')
  expect(text1).toContain('"bi":-9223372036854775808')
  expect(text1).toContain('"b64":18446744073709551615')
  expect(r1.dec65).toBe('-12345678901234567890123456789012345.123456789012345678901234567890')
  expect(r1.dec52).toBe('-0.50')
  expect(r1.f).toBe(1.1)
  expect(r1.d).toBe(0.30000000000000004)
  expect(r1.dt6).toBe('2024-03-10 02:30:00.123456') // inside New York's DST gap: no shift for DATETIME
  expect(r1.dt0).toBe('0050-01-01 00:00:00')
  expect(r1.ts).toBe('2024-03-10 01:59:59.999999') // 06:59:59 UTC is EST (UTC-5)
  expect(r1.tm6).toBe('-838:59:59.000000')
  expect(r1.yr).toBe(0)
  expect(r1.yr2).toBe(1970)
  expect(r1.js).toEqual({ b: [1, 2.5, { c: null }], a: 'ünïé😀', big: '12345678901234567890' })
  expect(text1).toContain('"js":{"b":[1,2.5,{"c":null}],"a":"ünïé😀","big":12345678901234567890}')
  expect(r1.bl).toBe(Buffer.from([0xff, 0x00, 0xc3, 0x28]).toString('base64'))
  expect(r1.bn).toBe(Buffer.from([0, 0xff, 0, 0]).toString('base64'))
  expect(r1.b10).toBe(0b1010101010)
  expect(r1.en).toBe('b,c')
  expect(r1.st).toBe('x,z')
  expect(r1.vc).toBe('héllo 😀 wörld')
  expect(r1.tx).toBe('𝄞 clef')

  const r2 = fromBinlog.get(2) as RenderedRow
  expect(r2.ts).toBe('2024-03-10 03:00:00.000001') // 07:00 UTC is after the jump: EDT (UTC-4)
  expect(r2.f).toBe(16777216) // float32 cannot hold 16777217
  expect(r2.tm6).toBe('-00:00:00.500000')
  expect(r2.yr2).toBe(2069)
  expect(r2.en).toBe('') // the invalid-value index 0
  expect(stringifyValue(r2.js ?? null)).toBe('[]')

  const r3 = fromBinlog.get(3) as RenderedRow
  expect(r3.dt6).toBeNull() // zero date
  expect(r3.dt0).toBeNull() // 2024-02-30
  expect(r3.dte).toBeNull()
  expect(r3.ts).toBe('2024-11-03 01:30:00.000000') // EDT, before the fall-back
  expect(r3.bi).toBe(9007199254740993n)
  expect(r3.biu).toBe(9007199254740992n) // 2^53 is past the exact range of a double
  expect(r3.f).toBe(3.4028235e38) // FLT_MAX's shortest float32 form
  expect(r3.d).toBe(5e-324)
  expect(r3.yr).toBe(1901)
  expect(stringifyValue(r3.js ?? null)).toBe('"just a string"')
  expect(r3.en).toBe('') // 'nope' is not a member: stored as the invalid value
  expect(r3.vc).toBe('\n\t"quoted"\\')

  const r4 = fromBinlog.get(4) as RenderedRow
  expect(r4.dt6).toBeNull() // month 0
  expect(r4.dt0).toBeNull() // 2024-04-31
  expect(r4.ts).toBe('2024-11-03 01:30:00.000000') // EST, after the fall-back: same wall clock
  expect(r4.f).toBe(-1e-45)
  expect(r4.tm6).toBe('100:00:00.500000')
  expect(stringifyValue(r4.js ?? null)).toBe('{"k":100,"n":0,"e":"\u2028"}')
  expect(r4.b64).toBe(2n ** 63n)
  expect(r4.vb).toBe(Buffer.alloc(16, 0xff).toString('base64'))

  const r5 = fromBinlog.get(5) as RenderedRow
  expect(Object.entries(r5).filter(([k, v]) => k !== 'id' && v !== null)).toEqual([])

  // 3 zero/invalid dates in row 3, 3 in row 4 (dt6, dt0, dte); row 3's ts is valid
  expect(binlogInvalidDates).toBe(6)

  // per-call binary encodings
  const hexRow = renderer.renderRow(
    specs,
    (selected as Array<Record<string, unknown>>)[0] as Record<string, unknown>,
    {
      binaryEncoding: 'hex',
    },
  )
  expect(hexRow.bl).toBe('ff00c328')
  const utf8Row = renderer.renderRow(
    specs,
    (selected as Array<Record<string, unknown>>)[1] as Record<string, unknown>,
    {
      binaryEncoding: 'utf8',
    },
  )
  expect(utf8Row.bn).toBe('a\u0000\u0000\u0000')
})
