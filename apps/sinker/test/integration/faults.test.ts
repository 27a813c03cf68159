// The emulator's faults, each handled as designed: 5xx and timeouts are retried under the
// same label (applied once), Publish Timeout counts as success, filtered rows are isolated
// and dead-lettered while the rest of the batch loads.

import { deadLetterHeaders } from '@sync/sink-core'
import { createTestKafka, createTestTopic, uniqueName, waitFor } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import {
  encoderFor,
  groupName,
  orderNames,
  rawConfig,
  runSinker,
  startOrdersTarget,
  testKey,
  upsert,
} from './harness.ts'

describe('target faults', () => {
  it('retries 5xx and timeouts under one label, accepts Publish Timeout, isolates filtered rows', async () => {
    const { emu, database, dlq, producer } = await startOrdersTarget('sink-faults')
    const { key, cipher } = testKey()
    const topic = await createTestTopic('sink-faults', 1)
    const enc = encoderFor(cipher)
    const raw = rawConfig({ emu, database, key, topics: [topic], dlq, groupId: groupName() })
    ;(raw.target as Record<string, unknown>).requestTimeoutMs = 1000
    await runSinker(raw)
    const count = async () => (await orderNames(emu, database)).length
    const send = (ids: number[], name = (id: number) => `row ${id}`) =>
      producer.send({
        topic,
        messages: ids.map((id) =>
          enc.encode(upsert({ id, name: name(id), amount: '1.0000000000', big: null, doc: null })),
        ),
      })
    const appliedOnce = () => {
      const labels = emu.loads.list.filter((l) => l.database === database).map((l) => l.label)
      return new Set(labels).size === labels.length
    }

    // 5xx twice, then fine
    emu.setFault({ kind: 'http-error', status: 503, times: 2 })
    await send([1, 2, 3])
    await waitFor(async () => (await count()) === 3, { what: 'rows after 503s', timeoutMs: 30_000 })

    // the BE applies the load but answers after the client's 1 s timeout: the retry with the
    // same label is answered "Label Already Exists", nothing is applied twice
    const before = emu.loads.list.length
    emu.setFault({ kind: 'latency', ms: 2500, phase: 'after-apply', times: 1 })
    await send([4, 5])
    await waitFor(async () => (await count()) === 5, { what: 'rows after a timeout', timeoutMs: 30_000 })
    await new Promise((r) => setTimeout(r, 3000)) // let the retry finish
    expect(emu.loads.list.length - before).toBe(1)

    // Publish Timeout: committed, visible later; the sinker moves on
    emu.setFault({ kind: 'publish-timeout', visibleAfterMs: 500, times: 1 })
    await send([6])
    await send([7])
    await waitFor(async () => (await count()) === 7, {
      what: 'rows after a publish timeout',
      timeoutMs: 30_000,
    })

    // a NOT NULL column sent as null: StarRocks filters the row; the other rows load
    await producer.send({
      topic,
      messages: [
        enc.encode(upsert({ id: 8, name: 'good', amount: null, big: null, doc: null })),
        enc.encode(upsert({ id: 9, name: null, amount: null, big: null, doc: null })),
        enc.encode(upsert({ id: 10, name: 'x'.repeat(21), amount: null, big: null, doc: null })),
        enc.encode(upsert({ id: 11, name: 'good too', amount: null, big: null, doc: null })),
      ],
    })
    await waitFor(async () => (await count()) === 9, {
      what: 'the good rows around filtered ones',
      timeoutMs: 30_000,
    })
    expect(await orderNames(emu, database)).toEqual([
      '1:row 1',
      '2:row 2',
      '3:row 3',
      '4:row 4',
      '5:row 5',
      '6:row 6',
      '7:row 7',
      '8:good',
      '11:good too',
    ])
    expect(appliedOnce()).toBe(true)

    const consumer = createTestKafka().consumer({ groupId: uniqueName('dlq-reader') })
    const dead: Array<Record<string, string>> = []
    await consumer.connect()
    await consumer.subscribe({ topic: dlq, fromBeginning: true })
    await consumer.run({
      eachMessage: async ({ message }) => {
        dead.push(Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])))
      },
    })
    await waitFor(() => dead.length >= 2, { what: 'two dead letters', timeoutMs: 45_000 })
    await consumer.disconnect()
    expect(dead.map((h) => h[deadLetterHeaders.code])).toEqual(['SL_FILTERED_ROWS', 'SL_FILTERED_ROWS'])
    expect(dead.map((h) => h[deadLetterHeaders.offset])).toEqual(['8', '9'])
    expect(dead[0]![deadLetterHeaders.message]).toMatch(/name/)
    expect(dead[1]![deadLetterHeaders.message]).toMatch(/capacity|length/i)
  })
})
