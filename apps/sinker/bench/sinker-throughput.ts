// Rows/s of decrypt + batch + load, into the StarRocks emulator and into a body-discarding
// Stream Load endpoint, against a plain consume + decrypt loop over the same messages in the
// same run. Needs the local stack (pnpm stack up). Run: pnpm --filter sinker bench
// Times start when the consumer joined its group (a join takes ~3 s on the mock broker).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createChangeDecoder, createChangeEncoder } from '@sync/change-message'
import { createEnvelopeCipher, generateKey } from '@sync/crypto-envelope'
import type { Logger } from '@sync/service-kit'
import { startStarRocksEmulator } from '@sync/starrocks-emulator'
import {
  connectMysql,
  createTestKafka,
  kafkaBrokers,
  kafkaMockControl,
  mysqlOptions,
  uniqueName,
} from '@sync/test-kit'
import { composeSinker } from '../src/compose.ts'
import { buildConfig } from '../src/config.ts'

const rows = Number(process.env.BENCH_ROWS ?? 100_000)
const partitions = 16 // the mock keeps ~5 MB per partition
const key = generateKey(256)
const cipher = createEnvelopeCipher({ key })

async function produce(): Promise<string> {
  const topic = uniqueName('bench-sinker')
  await kafkaMockControl()!.createTopic(topic, partitions, 1)
  const producer = createTestKafka().producer({ idempotent: false, maxInFlightRequests: 1 })
  await producer.connect()
  const enc = createChangeEncoder({ cipher })
  let batch = []
  for (let i = 1; i <= rows; i++) {
    batch.push(
      enc.encode({
        op: 'upsert',
        row: {
          id: i,
          name: `name ${i}`,
          amount: `${i}.2500000000`,
          big: 9007199254740993n + BigInt(i),
          doc: null,
        },
        key: { id: i },
        source: {
          database: 'shop',
          table: 'orders',
          kind: 'insert',
          binlogFile: 'mysql-bin.000001',
          binlogPos: i,
        },
      }),
    )
    if (batch.length === 5000) {
      await producer.send({ topic, acks: 1, messages: batch })
      batch = []
    }
  }
  if (batch.length) await producer.send({ topic, acks: 1, messages: batch })
  await producer.disconnect()
  return topic
}

async function baseline(topic: string): Promise<number> {
  const decoder = createChangeDecoder({ cipher })
  const consumer = createTestKafka().consumer({ groupId: uniqueName('bench-base') })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  let t0 = 0
  consumer.on(consumer.events.GROUP_JOIN, () => {
    t0 = performance.now()
  })
  let n = 0
  let bytes = 0
  const done = new Promise<number>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) bytes += decoder.decode(m).rowJson.length
        n += batch.messages.length
        if (n >= rows) resolve(performance.now() - t0)
      },
    })
  })
  const ms = await done
  await consumer.disconnect()
  if (bytes === 0) throw new Error('the baseline decoded nothing')
  return (rows / ms) * 1000
}

async function sinkerRun(
  topic: string,
  target: Record<string, unknown>,
  tables?: Record<string, unknown>,
  flush: Record<string, number> = {},
) {
  let t0 = 0
  const noop = () => {}
  const logger: Logger = {
    debug: noop,
    warn: noop,
    error: (m, f) => console.error(m, f),
    info: (m) => {
      if (m === 'joined the consumer group') t0 = performance.now()
    },
    child: () => logger,
  }
  const groupId = uniqueName('bench-sinker')
  const r = buildConfig(
    {
      kafka: { brokers: kafkaBrokers(), groupId, topics: [topic], sessionTimeoutMs: 10_000 },
      key,
      topicToTable: { [topic]: 'orders' },
      target,
      ...(tables ? { tables } : {}),
      flush: { rows: 50_000, intervalMs: 1000, ...flush },
      deadLetterTopic: `${topic}-dlq`,
    },
    {},
  )
  if (!r.ok) throw new Error(r.errors.join('\n'))
  const app = await composeSinker(r.config, { logger, ops: false })
  await app.start()
  const admin = createTestKafka().admin()
  await admin.connect()
  for (;;) {
    const o = await admin.fetchOffsets({ groupId, topics: [topic] })
    if (o[0]!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0) >= rows) break
    await new Promise((res) => setTimeout(res, 50))
  }
  const ms = performance.now() - t0
  await admin.disconnect()
  await app.stop(5000)
  return (rows / ms) * 1000
}

const topic = await produce()
const base = await baseline(topic)

// a BE that reads and discards the body and answers Success
const discard = createServer((req, res) => {
  let n = 0
  req.on('data', (c: Buffer) => {
    n += c.length
  })
  req.on('end', () => {
    res.setHeader('content-type', 'application/json')
    res.end(
      JSON.stringify({
        TxnId: 1,
        Label: req.headers.label,
        Status: 'Success',
        Message: 'OK',
        NumberTotalRows: 0,
        NumberLoadedRows: 0,
        NumberFilteredRows: 0,
        NumberUnselectedRows: 0,
        LoadBytes: n,
      }),
    )
  })
})
await new Promise<void>((r) => discard.listen(0, '127.0.0.1', r))
const discardUrl = `http://127.0.0.1:${(discard.address() as AddressInfo).port}`
const columns = { orders: { columns: ['id', 'name', 'amount', 'big', 'doc'] } }
const toDiscard = await sinkerRun(
  topic,
  { endpoints: [discardUrl], mode: 'be', database: 'bench', user: 'u', password: 'p' },
  columns,
)
// the same without the per-table load spacing (flush.minTableIntervalMs, 250 ms by default):
// with 16 partitions of one table and 100,000 rows, the spacing alone allows one load per
// partition per 4 s, which is most of this run's length
const toDiscardUnspaced = await sinkerRun(
  topic,
  { endpoints: [discardUrl], mode: 'be', database: 'bench', user: 'u', password: 'p' },
  columns,
  { minTableIntervalMs: 0 },
)
discard.close()

const my = mysqlOptions('admin')
const db = uniqueName('bench_sink')
const conn = await connectMysql()
await conn.query(`CREATE DATABASE \`${db}\``)
const emu = await startStarRocksEmulator({ mysql: my, users: { u: 'p' } })
await emu.createTableFromDdl(
  'CREATE TABLE orders (id BIGINT NOT NULL, name VARCHAR(64), amount DECIMAL(38,10), big LARGEINT, doc JSON) PRIMARY KEY (id) DISTRIBUTED BY HASH (id)',
  db,
)
const toEmulator = await sinkerRun(
  topic,
  { endpoints: [emu.feUrl], database: db, user: 'u', password: 'p' },
  columns,
)
await emu.stop()
await conn.query(`DROP DATABASE \`${db}\``)
await conn.end()

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
console.log(`rows: ${rows}, partitions: ${partitions}`)
console.log(`consume + decrypt (baseline):        ${fmt(base)} rows/s`)
console.log(
  `sinker → body-discarding endpoint:   ${fmt(toDiscard)} rows/s (${(toDiscard / base).toFixed(2)}× baseline)`,
)
console.log(
  `  the same, loads of a table not spaced (minTableIntervalMs 0): ${fmt(toDiscardUnspaced)} rows/s (${(toDiscardUnspaced / base).toFixed(2)}× baseline)`,
)
console.log(
  `sinker → StarRocks emulator:         ${fmt(toEmulator)} rows/s (${(toEmulator / base).toFixed(2)}× baseline)`,
)
process.exit(0)
