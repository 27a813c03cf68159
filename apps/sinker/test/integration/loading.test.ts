// End to end in one process: encrypted v1 messages on Kafka → sinker → StarRocks emulator.
import { changesFromRow } from '@sync/change-message'
import { deadLetterHeaders } from '@sync/sink-core'
import { createTestKafka, createTestTopic, uniqueName, waitFor } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import {
  connectProducer,
  encoderFor,
  groupName,
  rawConfig,
  remove,
  runSinker,
  startEmulator,
  targetDatabase,
  testKey,
  upsert,
} from './harness.ts'

interface OrderRow {
  id: string
  name: string
  amount: string | null
  big: string | null
  doc: string | null
}

async function readDlq(topic: string, expected: number) {
  const consumer = createTestKafka().consumer({ groupId: uniqueName('dlq-reader') })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const got: Array<{ headers: Record<string, string>; value: string | null }> = []
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {}
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v)
      got.push({ headers, value: message.value?.toString() ?? null })
    },
  })
  try {
    await waitFor(() => got.length >= expected, { what: `${expected} dead letters`, timeoutMs: 30_000 })
  } finally {
    await consumer.disconnect()
  }
  return got
}

describe('loading into StarRocks', () => {
  it('applies upserts, deletes and key changes with exact decimals, dead-letters bad messages and moves on', async () => {
    const emu = await startEmulator()
    const database = await targetDatabase(emu)
    const { key, cipher } = testKey()
    const topic = await createTestTopic('sink-orders', 1)
    const dlq = await createTestTopic('sink-dlq', 1)
    const producer = await connectProducer()
    const seed = encoderFor(cipher, 'seed')
    const debezium = encoderFor(cipher, 'debezium')
    const amount = '12345678901234567890123456.1234567890' // 38 digits: a double keeps ~17
    const big = '170141183460469231731687303715884105727' // LARGEINT max
    const messages = [
      seed.encode(upsert({ id: 1, name: 'one', amount, big: BigInt(big), doc: { a: [1, 2] } })),
      seed.encode(upsert({ id: 2, name: 'two', amount: '0.0000000001', big: null, doc: null })),
      { key: '{"id":9}', value: 'not an envelope' },
      debezium.encode(upsert({ id: 3, name: 'three', amount: '-1.5000000000', big: 7, doc: null })),
      ...changesFromRow(
        'update',
        {
          before: { id: 2, name: 'two', amount: '0.0000000001', big: null, doc: null },
          after: { id: 20, name: 'twenty', amount: '2.0000000000', big: null, doc: null },
        },
        (r) => ({ id: r.id }),
        {
          database: 'shop',
          table: 'orders',
          kind: 'update',
        },
      ).map((c) => seed.encode(c)),
      { key: '{"id":8}', value: testKey().cipher.sealToJson('{"id":8,"name":"wrong key","__op":0}') },
      debezium.encode(remove({ id: 3, name: 'three', amount: null, big: null, doc: null })),
      seed.encode(
        upsert({ id: 4, name: 'after the bad ones', amount: '4.0000000000', big: null, doc: null }),
      ),
    ]
    await producer.send({ topic, messages })
    const groupId = groupName()
    await runSinker(rawConfig({ emu, database, key, topics: [topic], dlq, groupId }))

    await waitFor(
      async () =>
        (await emu.query<OrderRow[]>(`SELECT id FROM \`${database}\`.orders WHERE id = 4`)).length === 1,
      { what: 'the row after the bad messages', timeoutMs: 30_000 },
    )
    const rows = await emu.query<OrderRow[]>(
      `SELECT id, name, amount, big, doc FROM \`${database}\`.orders ORDER BY id`,
    )
    expect(rows.map((r) => [String(r.id), r.name])).toEqual([
      ['1', 'one'],
      ['4', 'after the bad ones'],
      ['20', 'twenty'],
    ])
    expect(rows[0]!.amount).toBe(amount)
    expect(String(rows[0]!.big)).toBe(big)
    expect(JSON.parse(String(rows[0]!.doc))).toEqual({ a: [1, 2] })

    const dead = await readDlq(dlq, 2)
    expect(dead.map((d) => d.headers[deadLetterHeaders.code]).sort()).toEqual(['CM_DECRYPT', 'CM_DECRYPT'])
    expect(dead.map((d) => d.headers[deadLetterHeaders.offset]).sort()).toEqual(['2', '6'])
    expect(dead.every((d) => d.headers[deadLetterHeaders.topic] === topic)).toBe(true)
    expect(dead.find((d) => d.headers[deadLetterHeaders.offset] === '2')?.value).toBe('not an envelope')

    // every label was applied once, and the group's offset passed every message
    const labels = emu.loads.list.filter((l) => l.database === database).map((l) => l.label)
    expect(new Set(labels).size).toBe(labels.length)
    const admin = createTestKafka().admin()
    await admin.connect()
    try {
      await waitFor(
        async () =>
          (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions[0]?.offset ===
          String(messages.length),
        { what: 'the committed offset past the last message', timeoutMs: 10_000 },
      )
    } finally {
      await admin.disconnect()
    }
  })
})
