// The Kafka broker every test and the demo use: kafkajs against the stack's brokers (the
// librdkafka mock cluster, or a real Kafka when KAFKA_BROKERS is set).
import {
  createTestKafka,
  createTestTopic,
  kafkaMockControl,
  readStackEnv,
  uniqueName,
  waitFor,
} from '@sync/test-kit'
import type { Consumer, EachMessagePayload } from 'kafkajs'
import { afterEach, describe, expect, it } from 'vitest'

const open: Array<{ disconnect(): Promise<void> }> = []
afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((c) => c.disconnect()))
})

function track<T extends { disconnect(): Promise<void> }>(c: T): T {
  open.push(c)
  return c
}

describe('kafka broker', () => {
  it('produces with acks=all and reads every message back in order per partition', async () => {
    const topic = await createTestTopic('acks', 3)
    const kafka = createTestKafka()
    const producer = track(kafka.producer({ idempotent: false, maxInFlightRequests: 1 }))
    await producer.connect()
    const sent = Array.from({ length: 300 }, (_, i) => ({ key: `k${i % 7}`, value: String(i) }))
    const acks = await producer.send({ topic, acks: -1, messages: sent })
    expect(acks.every((a) => a.errorCode === 0)).toBe(true)

    const consumer = track(kafka.consumer({ groupId: uniqueName('g') }))
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    const got: Array<{ key: string; value: number }> = []
    await consumer.run({
      eachMessage: async ({ message }) => {
        got.push({ key: message.key!.toString(), value: Number(message.value!.toString()) })
      },
    })
    await waitFor(() => got.length >= 300, { what: '300 messages consumed', timeoutMs: 30_000 })
    expect(got).toHaveLength(300)
    // every key's values arrive in the order they were sent
    for (let k = 0; k < 7; k++) {
      const values = got.filter((g) => g.key === `k${k}`).map((g) => g.value)
      expect(values).toEqual([...values].sort((a, b) => a - b))
      expect(values.length).toBe(sent.filter((s) => s.key === `k${k}`).length)
    }
  })

  it('splits partitions between two group members, rebalances, and commits offsets', async () => {
    const topic = await createTestTopic('group', 4)
    const groupId = uniqueName('grp')
    const kafka = createTestKafka()
    const producer = track(kafka.producer({ idempotent: false, maxInFlightRequests: 1 }))
    await producer.connect()

    const seenBy = new Map<string, Set<number>>()
    const counts = { total: 0 }
    const runMember = async (name: string): Promise<Consumer> => {
      const c = track(
        kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500, rebalanceTimeout: 10_000 }),
      )
      await c.connect()
      await c.subscribe({ topic, fromBeginning: true })
      seenBy.set(name, new Set())
      // Offsets are committed by the consumer after each batch (autoCommit); committing
      // from inside eachMessage would fail while the group rebalances.
      await c.run({
        autoCommitInterval: 200,
        eachMessage: async ({ partition }: EachMessagePayload) => {
          seenBy.get(name)!.add(partition)
          counts.total += 1
        },
      })
      return c
    }

    const a = await runMember('a')
    const b = await runMember('b')
    // keys spread over all 4 partitions
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: 200 }, (_, i) => ({ key: `key-${i}`, value: `${i}` })),
    })
    await waitFor(() => counts.total >= 200, { what: '200 messages over two members', timeoutMs: 60_000 })
    const aParts = seenBy.get('a')!
    const bParts = seenBy.get('b')!
    expect(aParts.size + bParts.size).toBe(4)
    expect([...aParts].some((p) => bParts.has(p))).toBe(false)

    // member b leaves: a takes over every partition and sees the next messages
    await b.disconnect()
    const before = counts.total
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: 100 }, (_, i) => ({ key: `late-${i}`, value: `${i}` })),
    })
    await waitFor(() => counts.total >= before + 100, {
      what: '100 messages after the rebalance',
      timeoutMs: 60_000,
    })
    expect(seenBy.get('a')!.size).toBe(4)
    await a.disconnect()

    const admin = track(kafka.admin())
    await admin.connect()
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] })
    const sum = committed[0]!.partitions.reduce((s, p) => s + Number(p.offset), 0)
    expect(sum).toBe(300)
  })

  it.skipIf(!readStackEnv().local.kafka)(
    // skipped only against a real Kafka (KAFKA_BROKERS), where the stack cannot stop brokers
    'survives a broker going down and up: nothing lost',
    async () => {
      const control = kafkaMockControl()!
      const topic = await createTestTopic('outage', 3)
      const kafka = createTestKafka({ retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 1_000 } })
      const producer = track(kafka.producer({ idempotent: false, maxInFlightRequests: 1 }))
      await producer.connect()
      await producer.send({ topic, acks: -1, messages: [{ key: 'warm', value: 'up' }] })

      const sending = (async () => {
        for (let i = 0; i < 60; i++) {
          await producer.send({ topic, acks: -1, messages: [{ key: `k${i}`, value: String(i) }] })
          await new Promise((r) => setTimeout(r, 25))
        }
      })()
      await new Promise((r) => setTimeout(r, 200))
      await control.brokerDown(1)
      await new Promise((r) => setTimeout(r, 2_000))
      await control.brokerUp(1)
      await sending

      const consumer = track(kafka.consumer({ groupId: uniqueName('g') }))
      await consumer.connect()
      await consumer.subscribe({ topic, fromBeginning: true })
      const values = new Set<string>()
      await consumer.run({ eachMessage: async ({ message }) => void values.add(message.value!.toString()) })
      // at-least-once: retries after a lost ack may duplicate, but every value is there
      await waitFor(() => values.size >= 61, {
        what: 'all 61 distinct values after the outage',
        timeoutMs: 60_000,
      })
      for (let i = 0; i < 60; i++) expect(values.has(String(i))).toBe(true)
    },
  )
})
