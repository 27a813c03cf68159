// One row, one message: every type of the canonical rendering (shared/DESIGN.md), with edge
// values, read through the binlog and built into messages as the shipper builds them
// (@sync/delivery's change builder), and read through the snapshot; the decrypted payloads
// must be the same bytes. Zero and invalid dates, DST gaps, BIGINT UNSIGNED max,
// DECIMAL(65,30), FLOAT widening, MariaDB JSON, BIT(64) … included. Three rules render the
// binary columns as base64, hex and utf8; the base64 rule is compared in the debezium
// format too (its `after` image, byte for byte).
import { createBinlogReader, type ReaderEvent } from '@sync/binlog-reader'
import { createChangeEncoder, type OutputFormat } from '@sync/change-message'
import { createBinaryColumnCatalog, createChangeBuilder } from '@sync/delivery'
import { createTableMatcher, parseRuleSet } from '@sync/table-matcher'
import {
  connectMysql,
  createTestDatabase,
  createTestTopic,
  mysqlOptions,
  registerCleanup,
  waitFor,
} from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import { createSnapshotLoader } from '../../src/index.ts'
import { kafkaSink, readBatchTopic, sourceConnection, testCipher } from './helpers.ts'

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

const encodings = ['base64', 'hex', 'utf8'] as const
type Encoding = (typeof encodings)[number]
/** What is compared: a rule's table in one output format. */
const variants: Array<{ encoding: Encoding; format: OutputFormat }> = [
  { encoding: 'base64', format: 'seed' },
  { encoding: 'hex', format: 'seed' },
  { encoding: 'utf8', format: 'seed' },
  { encoding: 'base64', format: 'debezium' },
]
const variantName = (v: { encoding: Encoding; format: OutputFormat }) => `${v.encoding}/${v.format}`

/** One rule per table t_<encoding>, keyed by (table_name, id), rendering binary columns that way. */
function rulesFor(db: string) {
  return createTableMatcher(
    parseRuleSet(
      encodings.map((encoding) => ({
        file: `r_${encoding}.json`,
        text: JSON.stringify({
          version: 2,
          name: `r_${encoding}`,
          match: { database: db, table: `t_${encoding}` },
          target: { table: `ods_${encoding}`, topic: `stream_${db}_${encoding}` },
          table_name_column: true,
          primary_key: { columns: ['id'], compose: 'table' },
          binary: encoding,
        }),
      })),
    ),
  )
}

/** The part of a debezium plaintext before its source block: before and after images. */
function images(plaintext: string): string {
  const at = plaintext.lastIndexOf(',"source":{"db":')
  if (at < 0) throw new Error(`not a debezium plaintext: ${plaintext.slice(0, 80)}`)
  return plaintext.slice(0, at)
}

describe('byte identity of the binlog and snapshot paths', () => {
  it('sends the same decrypted bytes for every type, per binary encoding and in both formats', async () => {
    const db = await createTestDatabase('snap_bytes')
    for (const e of encodings) await db.query(`CREATE TABLE t_${e} (${columns}) CHARACTER SET utf8mb4`)
    const matcher = rulesFor(db.name)
    const cipher = testCipher()
    const topics = new Map<string, string>()
    for (const v of variants) topics.set(variantName(v), await createTestTopic('snap_bytes', 3))

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
    for (const e of encodings) {
      for (const [n, values] of all.entries())
        await db.query(`INSERT INTO t_${e} VALUES (${n + 1}, ${values.join(', ')})`)
    }

    // The stream path: the shipper's change builder, with the binary columns from the catalog
    const catalogConn = await connectMysql()
    registerCleanup(() => catalogConn.end())
    const binaryColumns = createBinaryColumnCatalog({ conn: catalogConn as never })
    const builders = new Map(
      (['seed', 'debezium'] as const).map((format) => [
        format,
        createChangeBuilder(matcher, createChangeEncoder({ cipher, format }), { binaryColumns }),
      ]),
    )
    const fromBinlog = new Map(variants.map((v) => [variantName(v), new Map<string, string>()]))
    const consume = (async () => {
      for await (const ev of reader as AsyncIterable<ReaderEvent>) {
        if (ev.kind !== 'insert') continue
        const encoding = ev.table.slice(2) as Encoding
        for (const [format, builder] of builders) {
          const into = fromBinlog.get(variantName({ encoding, format }))
          if (into === undefined) continue
          await builder.prepare(ev)
          for (const m of builder.build(ev).messages) into.set(m.key, cipher.openToString(m.value))
        }
      }
    })()
    consume.catch(() => {})
    await waitFor(() => [...fromBinlog.values()].every((m) => m.size >= all.length), {
      what: `${all.length} inserts of every table from the binlog`,
      timeoutMs: 30_000,
    })
    await reader.stop()

    // The snapshot path, through Kafka: one run per table and format
    const sink = await kafkaSink()
    for (const v of variants) {
      const topic = topics.get(variantName(v)) as string
      await createSnapshotLoader({
        connection: sourceConnection(),
        matcher,
        sink,
        cipher,
        format: v.format,
        timeZone: zone,
        chunkRows: 2,
        batchTopic: () => topic,
      }).run({ table: { database: db.name, table: `t_${v.encoding}` } })
    }
    const fromSnapshot = new Map(
      await Promise.all(
        variants.map(async (v) => {
          const batch = await readBatchTopic(topics.get(variantName(v)) as string, 3, cipher)
          const byKey = new Map(batch.filter((m) => m.row !== undefined).map((m) => [m.key, m.plaintext]))
          return [variantName(v), byKey] as const
        }),
      ),
    )

    for (const v of variants) {
      const name = variantName(v)
      const stream = fromBinlog.get(name) as Map<string, string>
      const snap = fromSnapshot.get(name) as Map<string, string>
      expect([...snap.keys()].sort(), `${name}: keys`).toEqual([...stream.keys()].sort())
      expect(stream.size, `${name}: rows`).toBe(all.length)
      for (const [key, streamText] of stream) {
        let a = streamText
        let b = snap.get(key) as string
        if (v.format === 'debezium') {
          // the source block and op differ by design (a binlog insert against a snapshot read)
          const sa = JSON.parse(`{${a.slice(images(a).length + 1)}`) as Record<string, unknown>
          const sb = JSON.parse(`{${b.slice(images(b).length + 1)}`) as Record<string, unknown>
          expect([sa.op, (sa.source as { snapshot: boolean }).snapshot], `${name} ${key}: stream op`).toEqual(
            ['c', false],
          )
          expect(
            [sb.op, (sb.source as { snapshot: boolean }).snapshot],
            `${name} ${key}: snapshot op`,
          ).toEqual(['r', true])
          a = images(a)
          b = images(b)
        }
        // per column first, so a failure names the column
        const pa = JSON.parse(
          `${a.replace(/:(-?\d{16,})/g, ':"$1"')}${v.format === 'debezium' ? '}' : ''}`,
        ) as Record<string, unknown>
        const pb = JSON.parse(
          `${b.replace(/:(-?\d{16,})/g, ':"$1"')}${v.format === 'debezium' ? '}' : ''}`,
        ) as Record<string, unknown>
        const ra = (v.format === 'debezium' ? pa.after : pa) as Record<string, unknown>
        const rb = (v.format === 'debezium' ? pb.after : pb) as Record<string, unknown>
        for (const col of Object.keys(ra)) expect(rb[col], `${name} ${key} column ${col}`).toEqual(ra[col])
        expect(Buffer.from(b, 'utf8').equals(Buffer.from(a, 'utf8')), `${name} ${key} byte for byte`).toBe(
          true,
        )
      }
    }

    // what the contract says, independently of both paths (no DATE_FORMAT needed for DATETIME/TIMESTAMP)
    const row = (name: string, id: number, table: string) =>
      fromSnapshot.get(name)?.get(JSON.stringify({ id, table_name: table })) as string
    const r1 = row('base64/seed', 1, 't_base64')
    expect(r1).toContain('"biu":18446744073709551615')
    expect(r1).toContain('"dec65":"-12345678901234567890123456789012345.123456789012345678901234567890"')
    expect(r1).toContain('"dt6":"2024-03-10 02:30:00.123456"')
    expect(r1).toContain('"ts":"2024-03-10 01:59:59.999999"')
    expect(r1).toContain('"ts0":"1969-12-31 19:00:01"')
    expect(r1).toContain('"bl":"/wDDKA==","bn":"AP8AAA==","vb":"ww=="')
    const r3 = row('base64/seed', 3, 't_base64')
    expect(r3).toContain('"dt6":null')
    expect(r3).toContain('"ts0":null')
    // BLOB X'FF00C328', BINARY(4) X'00FF' (zero-padded), VARBINARY X'C3'
    expect(row('hex/seed', 1, 't_hex')).toContain('"bl":"ff00c328","bn":"00ff0000","vb":"c3"')
    expect(row('utf8/seed', 2, 't_utf8')).toContain('"bl":"","bn":"a\\u0000\\u0000\\u0000","vb":""')
    expect(images(row('base64/debezium', 1, 't_base64'))).toContain(
      '"bl":"/wDDKA==","bn":"AP8AAA==","vb":"ww=="',
    )
  })
})
