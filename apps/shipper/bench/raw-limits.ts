// Raw limits of the shipper's dependencies, measured in bench/pipeline.ts beside the shipper:
//   - plain kafkajs produce of the very messages the shipper sent (acks=all, one request in
//     flight, batches of the shipper's batch size): the throughput Kafka leaves to the shipper;
//   - at the latency run's rate, both halves of the shipper's path on their own: zongji's
//     source commit → row event, and kafkajs' send → acknowledgement.
import { createRequire } from 'node:module'
import type { OutMessage } from '@sync/delivery'
import {
  createTestKafka,
  kafkaMockControl,
  readStackEnv,
  stackCpu,
  stackCpuSince,
  uniqueName,
} from '@sync/test-kit'
import { Partitioners } from 'kafkajs'

/** Up to this many of a run's messages are kept as the sample the plain producer replays. */
export const sampleSize = 5000

async function connectProducer() {
  const producer = createTestKafka().producer({
    idempotent: false,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: true,
    createPartitioner: Partitioners.DefaultPartitioner,
  })
  await producer.connect()
  return producer
}

async function freshTopic(partitions: number): Promise<string> {
  const topic = uniqueName('bench-plain')
  await kafkaMockControl()?.createTopic(topic, partitions, 1)
  return topic
}

const wire = (m: OutMessage) => ({ key: m.key, value: m.value, headers: m.headers })

export interface ProduceRate {
  rate: number
  /** this process's CPU per message (kafkajs: grouping, encoding, framing, socket writes) */
  cpuPerMessage: number
  /** the stack's broker process's CPU per message, when the broker is the local mock */
  brokerCpuPerMessage?: number
}

/**
 * Rows/s of a plain kafkajs producer sending `rows` messages, cycled from `sample` (same
 * keys, values and headers, so the same sizes), in sequential `batch`-message requests with
 * acks=all: what the shipper does once the rows are sealed, without reading or sealing them.
 */
export async function plainProduceRate(
  sample: readonly OutMessage[],
  rows: number,
  batch = sampleSize,
  partitions = 8,
): Promise<ProduceRate> {
  if (sample.length === 0) throw new Error('plainProduceRate: no sample messages')
  const topic = await freshTopic(partitions)
  const batches: Array<Array<ReturnType<typeof wire>>> = []
  for (let i = 0; i < rows; i += batch) {
    batches.push(
      Array.from({ length: Math.min(batch, rows - i) }, (_, j) => wire(sample[(i + j) % sample.length]!)),
    )
  }
  const producer = await connectProducer()
  try {
    const stack0 = stackCpu()
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    for (const messages of batches) await producer.send({ topic, acks: -1, messages })
    const ms = performance.now() - t0
    const cpu = process.cpuUsage(cpu0)
    const stack = stackCpuSince(stack0)
    return {
      rate: (rows / ms) * 1000,
      cpuPerMessage: (cpu.user + cpu.system) / rows,
      ...(stack ? { brokerCpuPerMessage: (stack.kafkaMs * 1000) / rows } : {}),
    }
  } finally {
    await producer.disconnect()
  }
}

export interface Quantiles {
  p50: number
  p99: number
  max: number
  count: number
}

export function quantiles(values: number[]): Quantiles {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN
  return { p50: at(0.5), p99: at(0.99), max: at(1), count: sorted.length }
}

/** Runs `tick(i)` every `everyMs` for `seconds`, on schedule (a late tick does not shift the rest). */
async function paced(everyMs: number, seconds: number, tick: (i: number) => Promise<void> | void) {
  const t0 = performance.now()
  for (let i = 0; i < (seconds * 1000) / everyMs; i++) {
    const wait = t0 + i * everyMs - performance.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    await tick(i)
  }
}

/**
 * kafkajs send → acknowledgement (acks=all) of `perTick` messages every `everyMs` for
 * `seconds`, cycled from `sample`; sends are not awaited before the next tick, as the
 * shipper's reader does not wait for Kafka either.
 */
export async function plainProduceLatency(
  sample: readonly OutMessage[],
  perTick: number,
  everyMs: number,
  seconds: number,
): Promise<Quantiles> {
  const topic = await freshTopic(8)
  const producer = await connectProducer()
  const latencies: number[] = []
  const pending: Array<Promise<void>> = []
  try {
    let n = 0
    await paced(everyMs, seconds, () => {
      const messages = Array.from({ length: perTick }, () => wire(sample[n++ % sample.length]!))
      const sent = performance.now()
      pending.push(
        producer.send({ topic, acks: -1, messages }).then(() => {
          const ms = performance.now() - sent
          for (let i = 0; i < perTick; i++) latencies.push(ms)
        }),
      )
    })
    await Promise.all(pending)
  } finally {
    await producer.disconnect()
  }
  return quantiles(latencies)
}

/**
 * zongji's source commit → row event: rows inserted by `insert(ids)` (`perTick` rows every
 * `everyMs` for `seconds`) into `db`.`table`, timed from just before the INSERT until zongji
 * (decode only) emits the row.
 */
export async function zongjiLatency(
  db: string,
  table: string,
  insert: (ids: number[]) => Promise<unknown>,
  perTick: number,
  everyMs: number,
  seconds: number,
): Promise<Quantiles> {
  const env = readStackEnv()
  const mod = createRequire(import.meta.resolve('@sync/binlog-reader'))('@vlasky/zongji')
  const ZongJi = typeof mod === 'function' ? mod : (mod.default ?? mod.ZongJi)
  const z = new ZongJi({
    host: env.mysql.host,
    port: env.mysql.port,
    user: env.mysqlRepl.user,
    password: env.mysqlRepl.password,
  })
  const sentAt = new Map<number, number>()
  const latencies: number[] = []
  await new Promise<void>((resolve, reject) => {
    z.once('ready', () => resolve())
    z.on('error', reject)
    z.on('binlog', (e: { getEventName(): string; rows?: Array<Record<string, unknown>> }) => {
      if (e.getEventName() !== 'writerows') return
      const now = performance.now()
      for (const row of e.rows ?? []) {
        const t = sentAt.get(Number(row.id))
        if (t !== undefined) latencies.push(now - t)
      }
    })
    z.start({
      serverId: 7_300_000 + (process.pid % 100_000),
      includeEvents: ['tablemap', 'writerows'],
      includeSchema: { [db]: [table] },
      startAtEnd: true,
    })
  })
  let id = 1
  await paced(everyMs, seconds, async () => {
    const ids = Array.from({ length: perTick }, () => id++)
    const now = performance.now()
    for (const i of ids) sentAt.set(i, now)
    await insert(ids)
  })
  const deadline = Date.now() + 15_000
  while (latencies.length < id - 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  z.stop()
  return quantiles(latencies)
}
