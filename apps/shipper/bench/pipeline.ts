// End-to-end shipper benchmark on the local stack (MariaDB + mock Kafka):
//   1. bulk-insert workload: rows/s binlog → Kafka ack, against raw zongji parsing the same
//      binlog range in the same run (the baseline: decode only, no mapping/encryption/Kafka)
//   2. single-row-transaction workload: the same comparison
//   3. latency from source commit to Kafka ack at a steady 5k rows/s (p50/p99)
// Beside each: the raw limits of bench/raw-limits.ts (plain kafkajs produce of the same
// messages; zongji's commit → event and kafkajs' send → ack latency at the same rate).
// Peak RSS with 5,274 tables is in bench/many-tables.ts.
// Run: pnpm exec tsx bench/pipeline.ts   (env BENCH_ROWS, BENCH_TXN_ROWS to resize)

import { writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { createEnvelopeCipher, generateKey } from '@sync/crypto-envelope'
import type { OutMessage } from '@sync/delivery'
import { silentLogger } from '@sync/service-kit'
import {
  cpuPerCall,
  createTestDatabase,
  kafkaBrokers,
  kafkaMockControl,
  plaintextsLike,
  readStackEnv,
  stackCpu,
  stackCpuSince,
  uniqueName,
} from '@sync/test-kit'
import { startShipper } from '../src/compose.ts'
import { parseConfig } from '../src/config.ts'
import { benchRules, cleanupDirs } from './bench-setup.ts'
import {
  type ProduceRate,
  plainProduceLatency,
  plainProduceRate,
  sampleSize,
  zongjiLatency,
} from './raw-limits.ts'

const bulkRows = Number(process.env.BENCH_ROWS ?? 200_000)
const txnRows = Number(process.env.BENCH_TXN_ROWS ?? 20_000)
// BENCH_VARIANTS: configuration variants run one after the other on the same binlog, e.g.
// '{"kafka":{"worker":false}};{}' (each a JSON object whose sections are merged over the
// benchmark's configuration); the default is the shipper's default configuration.
type Variant = Record<string, Record<string, unknown>>
const variants: Variant[] = (process.env.BENCH_VARIANTS ?? '{}')
  .split(';')
  .map((v) => JSON.parse(v) as Variant)
const parts = new Set((process.env.BENCH_PARTS ?? 'bulk,txn,latency').split(','))
const env = readStackEnv()
const table = 'orders'
const ddl = `CREATE TABLE ${table} (id INT PRIMARY KEY, org_id INT, status VARCHAR(16), amount DECIMAL(12,2),
  note VARCHAR(64), created_at DATETIME, updated_at TIMESTAMP NULL, flag TINYINT)`
const row = (id: number) =>
  `(${id}, ${id % 97}, 'paid', ${id % 1000}.25, 'note number ${id}', '2024-03-04 05:06:07', '2024-03-04 05:06:07', 1)`

// BENCH_CPU_PROFILE=<prefix>: a V8 CPU profile of each shipper run only (not the workload
// or the baseline), written to <prefix>-<run>.cpuprofile
const profilePrefix = process.env.BENCH_CPU_PROFILE
async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  if (!profilePrefix) return fn()
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  try {
    return await fn()
  } finally {
    const { profile } = await session.post('Profiler.stop')
    await writeFile(`${profilePrefix}-${name}.cpuprofile`, JSON.stringify(profile))
    session.disconnect()
  }
}

type Db = Awaited<ReturnType<typeof createTestDatabase>>
async function position(db: Db) {
  const [s] = await db.query<Array<{ File: string; Position: number }>>('SHOW MASTER STATUS')
  return { file: s!.File, pos: Number(s!.Position) }
}

interface Baseline {
  rate: number
  /** this process's CPU per row (zongji decoding) */
  cpuPerRow: number
  /** the stack's MariaDB's CPU per row (reading and sending the binlog), when local */
  serverCpuPerRow?: number
}

// What raw zongji is asked to decode: the row events only (table maps, row events, XIDs), or
// also every event a resumable reader must read to know where it is (GTIDs, BEGIN and DDL
// query events, rotations), as the shipper's reader does
const rowEvents = ['tablemap', 'writerows', 'xid']
const resumableEvents = [...rowEvents, 'query', 'rotate', 'mariadbgtid', 'gtidlog']

async function zongjiBaseline(
  dbName: string,
  start: { file: string; pos: number },
  rows: number,
  includeEvents: string[] = rowEvents,
): Promise<Baseline> {
  const mod = createRequire(import.meta.resolve('@sync/binlog-reader'))('@vlasky/zongji')
  const ZongJi = typeof mod === 'function' ? mod : (mod.default ?? mod.ZongJi)
  const z = new ZongJi({
    host: env.mysql.host,
    port: env.mysql.port,
    user: env.mysqlRepl.user,
    password: env.mysqlRepl.password,
  })
  let seen = 0
  const stack0 = stackCpu()
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await new Promise<void>((resolve, reject) => {
    z.on('error', reject)
    z.on('binlog', (e: { getEventName(): string; rows?: unknown[] }) => {
      if (e.getEventName() === 'writerows') seen += e.rows?.length ?? 0
      if (seen >= rows) resolve()
    })
    z.start({
      serverId: 7_000_000 + (process.pid % 100_000),
      includeEvents,
      includeSchema: { [dbName]: [table] },
      filename: start.file,
      position: start.pos,
    })
  })
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  const stack = stackCpuSince(stack0)
  z.stop()
  return {
    rate: (rows / ms) * 1000,
    cpuPerRow: (cpu.user + cpu.system) / rows,
    ...(stack ? { serverCpuPerRow: (stack.mysqlMs * 1000) / rows } : {}),
  }
}

/** CPU µs per row of sealing plaintexts as long as the shipper's, with the package it uses. */
function sealCost(sample: readonly OutMessage[]): number {
  const cipher = createEnvelopeCipher({ key: generateKey(256) })
  return cpuPerCall(plaintextsLike(sample.map((m) => m.value)), (p) => cipher.sealToBytes(p))
}

async function shipperRun(
  dbName: string,
  start: { file: string; pos: number } | 'now',
  onAck: (keys: string[], at: number, messages: readonly OutMessage[]) => void,
  variant: Variant = {},
) {
  const topic = uniqueName('bench')
  await kafkaMockControl()?.createTopic(topic, 8, 1)
  const dirs = await benchRules(dbName, table, topic)
  const parsed = parseConfig(
    {
      sources: [
        {
          id: 'bench',
          host: env.mysql.host,
          port: env.mysql.port,
          user: env.mysqlRepl.user,
          password: env.mysqlRepl.password,
          serverId: 7_100_000 + (process.pid % 100_000),
          start,
        },
      ],
      rulesDir: dirs.rules,
      kafka: { brokers: kafkaBrokers(), clientId: 'bench', ...variant.kafka },
      encryption: { key: generateKey(256) },
      checkpoint: { dir: dirs.checkpoints },
      metrics: { port: 0 },
      ...(variant.batch ? { batch: variant.batch } : {}),
    },
    {},
    '/',
  )
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'))
  const shipper = await startShipper(parsed.config, {
    log: silentLogger,
    opsServer: false,
    onDelivered: (_s, b) =>
      onAck(
        b.messages.map((m) => m.key),
        performance.now(),
        b.messages,
      ),
  })
  return { shipper, dirs }
}

async function throughput(
  db: Db,
  start: { file: string; pos: number },
  rows: number,
  variant: Variant,
): Promise<{ rate: number; batches: number; busy: number; cpuPerRow: number; sample: OutMessage[] }> {
  const sample: OutMessage[] = []
  let acked = 0
  let batches = 0
  let t0 = 0
  let done: () => void = () => {}
  const finished = new Promise<void>((r) => (done = r))
  t0 = performance.now()
  const elu0 = performance.eventLoopUtilization()
  const cpu0 = process.cpuUsage()
  const { shipper, dirs } = await shipperRun(
    db.name,
    start,
    (keys, _at, messages) => {
      for (const m of messages) if (sample.length < sampleSize) sample.push(m)
      acked += keys.length
      batches++
      if (acked >= rows) done()
    },
    variant,
  )
  await finished
  const ms = performance.now() - t0
  const busy = performance.eventLoopUtilization(elu0).utilization
  const cpu = process.cpuUsage(cpu0)
  await shipper.stop(5000)
  await cleanupDirs(dirs)
  return { rate: (rows / ms) * 1000, batches, busy, cpuPerRow: (cpu.user + cpu.system) / rows, sample }
}

async function compare(name: string, db: Db, start: { file: string; pos: number }, rows: number) {
  for (const [i, variant] of variants.entries()) {
    // each variant gets its own baseline right before it: the machine is shared and noisy
    const baseline = await zongjiBaseline(db.name, start, rows)
    const label = `${name.split(' ')[0] as string}-${i}`
    const shipped = await profiled(label, () => throughput(db, start, rows, variant))
    const tag = variants.length > 1 ? ` [${JSON.stringify(variant)}]` : ''
    console.log(
      `${name}${tag}: ${rows} rows; raw zongji ${Math.round(baseline.rate)} rows/s; shipper ${Math.round(shipped.rate)} rows/s; ratio ${((shipped.rate / baseline.rate) * 100).toFixed(0)}% (${shipped.batches} batches of ${Math.round(rows / shipped.batches)} messages on average; main thread busy ${(shipped.busy * 100).toFixed(0)}%; process CPU ${shipped.cpuPerRow.toFixed(1)} µs/row)`,
    )
    // the other raw limit: Kafka itself, fed the shipper's own messages (same sizes)
    const resumable = await zongjiBaseline(db.name, start, rows, resumableEvents)
    console.log(
      `  raw zongji also decoding the events a resumable reader must read (GTID, query, rotate): ${Math.round(resumable.rate)} rows/s; shipper at ${((shipped.rate / resumable.rate) * 100).toFixed(0)}% of it`,
    )
    const produced = await plainProduceRate(shipped.sample, rows)
    const avgBytes = shipped.sample.reduce((n, m) => n + m.bytes, 0) / shipped.sample.length
    console.log(
      `  plain kafkajs produce of the same messages (~${Math.round(avgBytes)} bytes each, acks=all, ${sampleSize.toLocaleString('en-US')}-message batches, one in flight): ${Math.round(produced.rate)} rows/s; shipper at ${((shipped.rate / produced.rate) * 100).toFixed(0)}% of it`,
    )
    cpuBudget(baseline, produced, sealCost(shipped.sample))
  }
}

/**
 * The ceiling the goal meets on this machine: the CPU a row costs in the parts no shipper can
 * skip (zongji decoding it, MariaDB sending it, sealing it, kafkajs producing it, the broker
 * storing it), spread perfectly over every core, with nothing else done (no rendering,
 * mapping, JSON, checkpoints or garbage collection).
 */
function cpuBudget(baseline: Baseline, produced: ProduceRate, seal: number) {
  const cores = availableParallelism()
  const server = baseline.serverCpuPerRow
  const broker = produced.brokerCpuPerMessage
  const parts: Array<[string, number | undefined]> = [
    ['zongji decode', baseline.cpuPerRow],
    ['MariaDB sending the binlog', server],
    ['seal', seal],
    ['kafkajs produce', produced.cpuPerMessage],
    ['broker', broker],
  ]
  const sum = parts.reduce((n, [, v]) => n + (v ?? 0), 0)
  const ceiling = (cores * 1e6) / sum
  const f = (x: number | undefined) => (x === undefined ? 'not measured (external)' : `${x.toFixed(1)} µs`)
  console.log(
    `  CPU per row in the parts no shipper can skip: ${parts.map(([k, v]) => `${k} ${f(v)}`).join(' + ')} = ${sum.toFixed(1)} µs; on ${cores} cores at most ${Math.round(ceiling)} rows/s = ${((ceiling / baseline.rate) * 100).toFixed(0)}% of raw zongji, with nothing else done and every core busy`,
  )
}

async function latency(db: Db) {
  await db.query(`CREATE TABLE lat LIKE ${table}`)
  await db.query(`RENAME TABLE ${table} TO ${table}_done, lat TO ${table}`)
  const sentAt = new Map<string, number>()
  const latencies: number[] = []
  const sample: OutMessage[] = []
  const { shipper, dirs } = await shipperRun(db.name, 'now', (keys, at, messages) => {
    for (const m of messages) if (sample.length < sampleSize) sample.push(m)
    for (const k of keys) {
      const t = sentAt.get(k)
      if (t !== undefined) latencies.push(at - t)
    }
  })
  await new Promise((r) => setTimeout(r, 1500))
  const rate = 5000
  const perTick = 100
  const seconds = 10
  let id = 1
  const t0 = performance.now()
  for (let tick = 0; tick < (rate / perTick) * seconds; tick++) {
    const due = t0 + (tick * 1000 * perTick) / rate
    const wait = due - performance.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    const ids = Array.from({ length: perTick }, () => id++)
    const now = performance.now()
    for (const i of ids) sentAt.set(`{"id":${i}}`, now)
    await db.query(`INSERT INTO ${table} VALUES ${ids.map(row).join(',')}`)
  }
  const achieved = (id - 1) / ((performance.now() - t0) / 1000)
  const deadline = Date.now() + 15_000
  while (latencies.length < id - 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  await shipper.stop(5000)
  await cleanupDirs(dirs)
  latencies.sort((a, b) => a - b)
  const q = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1)
  console.log(
    `latency at ${Math.round(achieved)} rows/s (multi-row INSERTs of ${perTick} rows every ${(1000 * perTick) / rate} ms, ${latencies.length}/${id - 1} acked): p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms`,
  )
  // raw limits at the same rate: the two halves of the path, each on its own
  const everyMs = (1000 * perTick) / rate
  await db.query(`CREATE TABLE lat_raw LIKE ${table}`)
  const z = await zongjiLatency(
    db.name,
    'lat_raw',
    (ids) => db.query(`INSERT INTO lat_raw VALUES ${ids.map(row).join(',')}`),
    perTick,
    everyMs,
    seconds,
  )
  const k = await plainProduceLatency(sample, perTick, everyMs, seconds)
  const f = (x: number) => x.toFixed(1)
  console.log(
    `  raw limits at the same rate: zongji commit → row event p50 ${f(z.p50)} ms, p99 ${f(z.p99)} ms, max ${f(z.max)} ms (${z.count} rows); plain kafkajs produce of the shipper's messages, ${perTick} every ${everyMs} ms, send → ack (acks=all) p50 ${f(k.p50)} ms, p99 ${f(k.p99)} ms, max ${f(k.max)} ms`,
  )
}

const db = await createTestDatabase('bench_ship')
try {
  await db.query(ddl)
  console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} cores`)
  // bulk: multi-row INSERTs of 1,000 rows
  let start = await position(db)
  if (parts.has('bulk')) {
    for (let i = 0; i < bulkRows; i += 1000) {
      await db.query(
        `INSERT INTO ${table} VALUES ${Array.from({ length: Math.min(1000, bulkRows - i) }, (_, j) => row(i + j + 1)).join(',')}`,
      )
    }
    await compare('bulk insert (1,000-row statements)', db, start, bulkRows)
  }
  if (parts.has('txn')) {
    // single-row transactions
    await db.query(`TRUNCATE ${table}`)
    start = await position(db)
    for (let i = 1; i <= txnRows; i++) await db.query(`INSERT INTO ${table} VALUES ${row(i)}`)
    await compare('single-row transactions', db, start, txnRows)
  }
  if (parts.has('latency')) await latency(db)
} finally {
  await db.drop()
}
process.exit(0)
