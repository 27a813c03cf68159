// One row, one message: every type of the canonical rendering (shared/DESIGN.md), with edge
// values, read through the binlog (as the shipper does) and through the snapshot; the
// decrypted payloads must be the same bytes. Zero and invalid dates, DST gaps, BIGINT
// UNSIGNED max, DECIMAL(65,30), FLOAT widening, MariaDB JSON, BIT(64) … included.
import { createBinlogReader, type ReaderEvent } from '@sync/binlog-reader'
import { createChangeEncoder } from '@sync/change-message'
import { createTestDatabase, createTestTopic, mysqlOptions, registerCleanup, waitFor } from '@sync/test-kit'
import { expect, it } from 'vitest'
import { createSnapshotLoader } from '../../src/index.ts'
import { kafkaSink, matcherFor, readBatchTopic, sourceConnection, testCipher } from './helpers.ts'

const zone = 'America/New_York'
const columns = `
  id INT PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,
  mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED,
  bi BIGINT, biu BIGINT UNSIGNED,
  dec65 DECIMAL(65,30), dec52 DECIMAL(5,2),
  f FLOAT, d DOUBLE,
  dt6 DATETIME(6), dt0 DATETIME, dte DATE,
  ts TIMESTAMP(6) NULL DEFAULT NULL, ts0 TIMESTAMP NULL DEFAULT NULL,
  tm6 TIME(6), tm0 TIME,
  yr YEAR,
  js JSON,
  bl BLOB, bn BINARY(4), vb VARBINARY(16),
  b64 BIT(64), b10 BIT(10),
  en ENUM('a','b,c','ü'), st SET('x','y','z'),
  vc VARCHAR(50), tx TEXT, ch CHAR(3), lt LONGTEXT`

// SQL literals in column order (after id)
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
    "'1970-01-01 00:00:01'",
    "'-838:59:59.000000'",
    "'838:59:59'",
    '0',
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
    "'2038-01-19 03:14:07'",
    "'-00:00:00.500000'",
    "'-01:02:03'",
    '2155',
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
    "'0000-00-00 00:00:00'",
    "'00:00:00.000001'",
    "'24:00:01'",
    '1901',
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
    "'2024-11-03 06:30:00'",
    "'100:00:00.5'",
    "'-00:00:01'",
    '2000',
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

it('sends the same decrypted bytes for a row read from the binlog and from the snapshot', async () => {
  const db = await createTestDatabase('snap_bytes')
  await db.query(`CREATE TABLE t (${columns}) CHARACTER SET utf8mb4`)
  const topic = await createTestTopic('snap_bytes', 3)
  const matcher = matcherFor(db.name, { batchTopic: topic })
  const cipher = testCipher()

  const repl = mysqlOptions('repl')
  const reader = createBinlogReader({
    connection: {
      host: repl.host as string,
      port: repl.port as number,
      user: repl.user as string,
      password: repl.password as string,
    },
    serverId: 100_000 + Math.floor(Math.random() * 1_000_000),
    start: 'now',
    tables: { [db.name]: true },
    timeZone: zone,
    heartbeatMs: 1000,
  })
  registerCleanup(() => reader.stop())
  await reader.start()
  // zero and invalid dates and the invalid ENUM value need a permissive sql_mode
  await db.query("SET SESSION sql_mode = 'ALLOW_INVALID_DATES', time_zone = '+00:00'")
  const all = [...rows, nullRow]
  for (const [n, values] of all.entries())
    await db.query(`INSERT INTO t VALUES (${n + 1}, ${values.join(', ')})`)

  // The stream path, as the shipper builds a message from a binlog row
  const encoder = createChangeEncoder({ cipher })
  const fromBinlog = new Map<string, string>()
  const consume = (async () => {
    for await (const ev of reader as AsyncIterable<ReaderEvent>) {
      if (ev.kind !== 'insert') continue
      const plan = matcher.match(ev.database, ev.table)
      if (!plan) continue
      for (const r of ev.rows) {
        const row = plan.mapRow(r)
        const m = encoder.encode({
          op: 'upsert',
          row,
          key: plan.keyOf(row),
          source: { database: ev.database, table: ev.table, kind: 'insert' },
        })
        fromBinlog.set(m.key, cipher.openToString(m.value))
      }
    }
  })()
  consume.catch(() => {})
  await waitFor(() => fromBinlog.size >= all.length, {
    what: `${all.length} inserts from the binlog`,
    timeoutMs: 30_000,
  })
  await reader.stop()

  // The snapshot path, through Kafka
  const loader = createSnapshotLoader({
    connection: sourceConnection(),
    matcher,
    sink: await kafkaSink(),
    cipher,
    timeZone: zone,
    chunkRows: 2,
  })
  await loader.run({ table: { database: db.name, table: 't' } })
  const batch = await readBatchTopic(topic, 3, cipher)
  const fromSnapshot = new Map(batch.filter((m) => m.row !== undefined).map((m) => [m.key, m.plaintext]))

  expect([...fromSnapshot.keys()].sort()).toEqual([...fromBinlog.keys()].sort())
  for (const [key, text] of fromBinlog) {
    const snap = fromSnapshot.get(key) as string
    // per column first, so a failure names the column
    const a = JSON.parse(text.replace(/:(-?\d{16,})/g, ':"$1"')) as Record<string, unknown>
    const b = JSON.parse(snap.replace(/:(-?\d{16,})/g, ':"$1"')) as Record<string, unknown>
    for (const col of Object.keys(a)) expect(b[col], `${key} column ${col}`).toEqual(a[col])
    expect(Buffer.from(snap, 'utf8').equals(Buffer.from(text, 'utf8')), `${key} byte for byte`).toBe(true)
  }
  // what the contract says, independently of both paths (no DATE_FORMAT needed for DATETIME/TIMESTAMP)
  const r1 = fromSnapshot.get(JSON.stringify({ id: 1, table_name: 't' })) as string
  expect(r1).toContain('"biu":18446744073709551615')
  expect(r1).toContain('"dec65":"-12345678901234567890123456789012345.123456789012345678901234567890"')
  expect(r1).toContain('"dt6":"2024-03-10 02:30:00.123456"')
  expect(r1).toContain('"ts":"2024-03-10 01:59:59.999999"')
  expect(r1).toContain('"ts0":"1969-12-31 19:00:01"')
  const r3 = fromSnapshot.get(JSON.stringify({ id: 3, table_name: 't' })) as string
  expect(r3).toContain('"dt6":null')
  expect(r3).toContain('"ts0":null')
})
