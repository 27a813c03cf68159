// Throughput of the reader against raw zongji on the same binlog, in the same run.
//
//   pnpm exec tsx bench/throughput.ts [bulkRows=200000] [singleRows=30000]
//
// Writes two workloads into a fresh database (bulk: 10k-row INSERT … SELECT statements;
// single: one-row autocommit transactions), then replays each binlog range twice: with
// raw zongji (decode only, same mysql2 options) and with the reader (decode, render,
// queue, iterate). Prints rows/s, the ratio, and peak RSS of each replay.

import { connectMysql, mysqlOptions } from '@sync/test-kit'
import ZongJi from '@vlasky/zongji'
import { createBinlogReader } from '../src/index.ts'

const bulkRows = Number(process.argv[2] ?? 200_000)
const singleRows = Number(process.argv[3] ?? 30_000)
const repl = mysqlOptions('repl')
const connection = {
  host: repl.host as string,
  port: repl.port as number,
  user: repl.user as string,
  password: repl.password as string,
}

interface Range {
  start: { file: string; pos: number }
  end: { file: string; pos: number }
  rows: number
}

let peakRss = 0
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
}, 20)

function beyond(file: string, pos: number, end: { file: string; pos: number }): boolean {
  return file > end.file || (file === end.file && pos >= end.pos)
}

async function rawZongji(db: string, range: Range): Promise<number> {
  const z = new ZongJi({
    ...connection,
    dateStrings: true,
    timezone: 'Z',
    jsonStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  })
  let rows = 0
  let t0 = 0
  let finished = false
  const done = new Promise<number>((resolve, reject) => {
    z.on('error', reject)
    z.on('binlog', (e: { getEventName(): string; rows?: unknown[]; nextPosition: number }) => {
      if (finished) return
      if (t0 === 0) t0 = performance.now()
      if (e.rows) rows += e.rows.length
      const name = e.getEventName()
      if (
        (name === 'xid' || name === 'query') &&
        beyond(z.options.filename as string, e.nextPosition, range.end)
      ) {
        finished = true
        resolve(performance.now() - t0)
      }
    })
  })
  z.start({
    serverId: 900_000 + Math.floor(Math.random() * 90_000),
    filename: range.start.file,
    position: range.start.pos,
    includeEvents: [
      'tablemap',
      'writerows',
      'updaterows',
      'deleterows',
      'xid',
      'query',
      'rotate',
      'mariadbgtid',
    ],
    includeSchema: { [db]: true },
  })
  const ms = await done
  await new Promise<void>((r) => {
    z.once('stopped', () => r())
    z.stop()
  })
  if (rows !== range.rows) throw new Error(`zongji saw ${rows} rows, expected ${range.rows}`)
  return ms
}

async function reader(db: string, range: Range): Promise<number> {
  const r = createBinlogReader({
    connection,
    serverId: 900_000 + Math.floor(Math.random() * 90_000),
    start: range.start,
    tables: { [db]: true },
  })
  await r.start()
  let rows = 0
  let t0 = 0
  let ms = 0
  for await (const e of r) {
    if (t0 === 0) t0 = performance.now()
    if (e.kind === 'insert') rows += e.rows.length
    if (e.kind === 'commit' && beyond(e.checkpoint.file, e.checkpoint.pos, range.end)) {
      ms = performance.now() - t0
      break
    }
  }
  await r.stop()
  if (rows !== range.rows) throw new Error(`reader saw ${rows} rows, expected ${range.rows}`)
  return ms
}

async function main() {
  const admin = await connectMysql()
  const db = `bench_${Date.now().toString(36)}`
  await admin.query(`CREATE DATABASE ${db}`)
  await admin.query(`USE ${db}`)
  await admin.query(`CREATE TABLE t (id BIGINT PRIMARY KEY, a INT, s VARCHAR(64), sm SMALLINT, d DECIMAL(12,2),
      e ENUM('x','y','z'), dt DATETIME(3), ts TIMESTAMP(3) NULL, s2 VARCHAR(200), b BIT(8))`)
  const status = async () => {
    const [rows] = (await admin.query('SHOW MASTER STATUS')) as unknown as [
      Array<{ File: string; Position: number }>,
    ]
    return { file: rows[0]?.File as string, pos: Number(rows[0]?.Position) }
  }
  const row = (n: string) =>
    `${n}, ${n} % 1000, CONCAT('name-', ${n}), ${n} % 30000, ${n} / 7, 'y', '2024-05-06 07:08:09.123', '2024-05-06 07:08:09.123', REPEAT('p', 60), b'1010'`
  const bulkStart = await status()
  for (let i = 0; i < bulkRows; i += 10_000) {
    await admin.query(
      `INSERT INTO t SELECT ${row(`seq + ${i}`)} FROM seq_1_to_${Math.min(10_000, bulkRows - i)}`,
    )
  }
  const bulkEnd = await status()
  const singleStart = bulkEnd
  for (let i = 0; i < singleRows; i += 500) {
    const batch: string[] = []
    for (let k = 1; k <= 500 && i + k <= singleRows; k++)
      batch.push(`INSERT INTO t SELECT ${row(String(10_000_000 + i + k))}`)
    await admin.query(batch.join(';'))
  }
  const singleEnd = await status()
  const workloads: Array<[string, Range]> = [
    ['bulk (10k-row INSERT…SELECT)', { start: bulkStart, end: bulkEnd, rows: bulkRows }],
    ['single-row transactions', { start: singleStart, end: singleEnd, rows: singleRows }],
  ]
  console.log(`Node ${process.version}, ${(await import('node:os')).cpus().length} CPUs`)
  for (const [name, range] of workloads) {
    peakRss = process.memoryUsage().rss
    const zMs = await rawZongji(db, range)
    const zPeak = peakRss
    peakRss = process.memoryUsage().rss
    const rMs = await reader(db, range)
    const rPeak = peakRss
    const zRate = range.rows / (zMs / 1000)
    const rRate = range.rows / (rMs / 1000)
    console.log(
      `${name}: ${range.rows} rows | raw zongji ${Math.round(zRate)} rows/s (peak RSS ${Math.round(zPeak / 1048576)} MB)` +
        ` | reader ${Math.round(rRate)} rows/s (peak RSS ${Math.round(rPeak / 1048576)} MB) | ratio ${((rRate / zRate) * 100).toFixed(0)}%`,
    )
  }
  await admin.query(`DROP DATABASE ${db}`)
  await admin.end()
  clearInterval(sampler)
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
