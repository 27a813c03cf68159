import { createTestKafka, createTestTopic, kafkaBrokers, uniqueName } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import type { OutMessage } from '../../src/delivery-loop.ts'
import { createKafkaSender } from '../../src/kafka-sender.ts'
import type { KafkaSettings } from '../../src/kafka-settings.ts'

const quiet = { warn() {}, info() {} }

function settings(worker: boolean, brokers = kafkaBrokers()): KafkaSettings {
  return {
    brokers,
    clientId: uniqueName('sender'),
    ssl: false,
    compression: 'none',
    idempotent: false,
    worker,
    requestTimeoutMs: 5000,
    connectionTimeoutMs: 1000,
  }
}

const message = (topic: string, i: number): OutMessage => ({
  topic,
  key: `{"id":${i % 3}}`,
  value: `value ${i} é`,
  headers: { 'sync-op': i % 2 ? 'delete' : 'upsert', 'sync-binlog-pos': String(1000 + i) },
  bytes: 0,
  rule: 'r',
  eventTime: 0,
})

async function readBack(topics: string[], count: number) {
  const consumer = createTestKafka().consumer({ groupId: uniqueName('sender-read'), maxWaitTimeInMs: 100 })
  const got: Array<{
    topic: string
    partition: number
    key: string
    value: string
    headers: Record<string, string>
  }> = []
  await consumer.connect()
  try {
    for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${got.length} of ${count} messages`)), 30_000)
      void consumer.run({
        eachMessage: async ({ topic, partition, message: m }) => {
          const headers: Record<string, string> = {}
          for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = String(v)
          got.push({ topic, partition, key: String(m.key), value: String(m.value), headers })
          if (got.length >= count) {
            clearTimeout(timer)
            resolve()
          }
        },
      })
    })
  } finally {
    await consumer.disconnect()
  }
  return got
}

describe.each([
  ['on a worker thread', true],
  ['on the calling thread', false],
])('kafka sender %s', (_, worker) => {
  it('delivers every message of a batch with its key and headers, in order per key', async () => {
    const topics = [await createTestTopic('sender-a', 4), await createTestTopic('sender-b', 4)]
    const sent = Array.from({ length: 40 }, (_, i) => message(topics[i % 2] as string, i))
    const sender = createKafkaSender({ settings: settings(worker), log: quiet, now: Date.now })
    try {
      await sender.send(sent.slice(0, 20))
      await sender.send(sent.slice(20))
      expect(sender.health()).toMatchObject({ ok: true, consecutiveFailures: 0 })
    } finally {
      await sender.close()
    }
    const got = await readBack(topics, sent.length)
    const project = (m: { topic: string; key: string; value: string; headers: Record<string, string> }) => ({
      topic: m.topic,
      key: m.key,
      value: m.value,
      headers: m.headers,
    })
    expect(got.map(project)).toHaveLength(sent.length)
    for (const topic of topics) {
      for (const key of new Set(sent.map((m) => m.key))) {
        const of = (list: ReturnType<typeof project>[]) =>
          list.filter((m) => m.topic === topic && m.key === key)
        expect(of(got.map(project))).toEqual(of(sent.map(project)))
      }
    }
  })

  it('reports an unreachable Kafka as a retriable DELIVERY_KAFKA error and unhealthy', async () => {
    const sender = createKafkaSender({
      settings: settings(worker, ['127.0.0.1:1']),
      log: quiet,
      now: Date.now,
    })
    try {
      await expect(sender.send([message('unreachable', 1)])).rejects.toMatchObject({
        code: 'DELIVERY_KAFKA',
        retriable: true,
      })
      expect(sender.health()).toMatchObject({ ok: false, consecutiveFailures: 1 })
    } finally {
      await sender.close()
    }
    await expect(sender.send([message('unreachable', 2)])).rejects.toMatchObject({ code: 'DELIVERY_KAFKA' })
  })
})
