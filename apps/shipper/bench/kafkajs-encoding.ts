// What kafkajs 2.2.4 spends per message to encode a Produce request (grouping per
// partition, record batch, request framing), without the network, in process CPU time:
//   - the shipper's message shape (11 headers) against the same messages without headers
//   - batch sizes (published kafkajs groups a topic's messages with `[...current, message]`,
//     quadratic in the messages per partition)
//   - kafkajs as published against the workspace's patch (patches/kafkajs@2.2.4.patch: one
//     exactly sized buffer per record, linear grouping, murmur2 in 32-bit arithmetic,
//     CRC-32C sliced by 8); the output bytes must be the same
// Run: pnpm exec tsx bench/kafkajs-encoding.ts

import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.resolve('kafkajs'))
const base = require.resolve('kafkajs').replace(/index\.js$/, 'src/')
type Enc = { buf: Buffer; offset: number; buffer: Buffer }
type Msg = { key: string; value: string; headers?: Record<string, string>; partition?: number }

if (process.env.KAFKAJS_STOCK === '1') installStockEncoder()
const group = require(`${base}producer/groupMessagesPerPartition`)
const partitioners = require(`${base}producer/partitioners/default`)
const produce = require(`${base}protocol/requests/produce/v3/request`)
const createRequest = require(`${base}protocol/request`)

const headers = (i: number): Record<string, string> => ({
  'sync-version': '1',
  'sync-format': 'seed',
  'sync-op': 'upsert',
  'sync-kind': 'insert',
  'sync-db': 'bench_ship_0a1b2c',
  'sync-table': 'orders',
  'sync-target': 'bench',
  'sync-binlog-file': 'mysql-bin.000012',
  'sync-binlog-pos': String(123_456_789 + i),
  'sync-gtid': '0-1-12345',
  'sync-event-time': '1732252800000',
})
const messages = (n: number, withHeaders: boolean): Msg[] =>
  Array.from({ length: n }, (_, i) => ({
    key: `{"id":${i}}`,
    value: `{"nonce":"${randomBytes(16).toString('hex')}","ciphertext":"${randomBytes(230).toString('hex')}"}`,
    ...(withHeaders ? { headers: headers(i) } : {}),
  }))
const partitionMetadata = Array.from({ length: 8 }, (_, i) => ({ partitionId: i, leader: i % 3 }))

async function encode(msgs: Msg[]): Promise<Buffer> {
  const per = group({ topic: 't', partitionMetadata, messages: msgs, partitioner: partitioners() })
  const topicData = [
    {
      topic: 't',
      partitions: Object.keys(per).map((p) => ({ partition: Number(p), firstSequence: 0, messages: per[p] })),
    },
  ]
  const request = produce({ acks: -1, timeout: 30_000, topicData })
  return ((await createRequest({ correlationId: 1, clientId: 'bench', request })) as Enc).buffer
}

/** CPU µs per message, best of 5 rounds. */
async function cpuPerMessage(msgs: Msg[]): Promise<number> {
  let best = Number.POSITIVE_INFINITY
  for (let r = 0; r < 5; r++) {
    const c0 = process.cpuUsage()
    await encode(msgs)
    const c = process.cpuUsage(c0)
    best = Math.min(best, (c.user + c.system) / msgs.length)
  }
  return best
}

if (process.env.KAFKAJS_CHILD === '1') {
  const out: Record<string, number> = {}
  for (const n of [1000, 5000, 20000]) out[`headers ${n}`] = await cpuPerMessage(messages(n, true))
  out['no headers 5000'] = await cpuPerMessage(messages(5000, false))
  // a fixed sample, to compare the bytes of both encoders
  const sample = messages(50, true).map((m, i) => ({
    ...m,
    value: `{"v":"${'é'.repeat(i)}"}`,
    timestamp: 1_700_000_000_000 + i,
  }))
  out.digest = Number.parseInt(
    (await import('node:crypto'))
      .createHash('sha1')
      .update(await encode(sample))
      .digest('hex')
      .slice(0, 8),
    16,
  )
  console.log(JSON.stringify(out))
} else {
  const run = (stock: boolean) => {
    const r = spawnSync(process.execPath, [...process.execArgv, new URL(import.meta.url).pathname], {
      env: { ...process.env, KAFKAJS_CHILD: '1', KAFKAJS_STOCK: stock ? '1' : '0' },
      encoding: 'utf8',
    })
    if (r.status !== 0) throw new Error(r.stderr)
    return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, number>
  }
  const stock = run(true)
  const lean = run(false)
  console.log(
    `node ${process.version}, kafkajs ${require('kafkajs/package.json').version}; CPU µs per message`,
  )
  for (const k of Object.keys(stock).filter((k) => k !== 'digest')) {
    console.log(
      `${k.padEnd(18)} kafkajs 2.2.4 as published ${stock[k]?.toFixed(1)}  patched ${lean[k]?.toFixed(1)}`,
    )
  }
  console.log(`same bytes: ${stock.digest === lean.digest}`)
}

/** kafkajs 2.2.4 as published: its own record encoder (kept by the patch) and grouping. */
function installStockEncoder(): void {
  const patched = require(`${base}protocol/recordBatch/record/v0/index.js`) as { encodeRecordStock?: unknown }
  if (typeof patched.encodeRecordStock !== 'function')
    throw new Error('kafkajs is not patched: run pnpm install (patches/kafkajs@2.2.4.patch)')
  const grouping = (o: {
    topic: string
    partitionMetadata: unknown[]
    messages: unknown[]
    partitioner: (a: unknown) => number
  }) =>
    o.partitionMetadata.length === 0
      ? {}
      : o.messages.reduce((result: Record<number, unknown[]>, message) => {
          const partition = o.partitioner({ topic: o.topic, partitionMetadata: o.partitionMetadata, message })
          const current = result[partition] || []
          return Object.assign(result, { [partition]: [...current, message] })
        }, {})
  const murmur2 = require(`${base}producer/partitioners/default/murmur2.js`) as { murmur2Stock: unknown }
  const crc = require(`${base}protocol/recordBatch/crc32C/crc32C.js`) as { crc32CStock: unknown }
  for (const [path, exports] of [
    [`${base}protocol/recordBatch/record/v0/index.js`, patched.encodeRecordStock],
    [`${base}producer/groupMessagesPerPartition.js`, grouping],
    [`${base}producer/partitioners/default/murmur2.js`, murmur2.murmur2Stock],
    [`${base}protocol/recordBatch/crc32C/crc32C.js`, crc.crc32CStock],
  ] as const) {
    require.cache[path] = { id: path, filename: path, loaded: true, exports } as never
  }
}
