// A sinker that starts in the middle of a snapshot's control messages. Root cause of
// stream changes held for good: the gate closed a snapshot only after seeing snapshot-end
// on EVERY batch partition itself, but a previous owner had already applied (and
// committed) the ends of some partitions, so they never came again and the snapshot
// stayed open here forever. Now an end applied on one partition closes it once the batch
// topic is applied up to end offsets fetched after that end.
import { encodeSnapshotControl, type SnapshotControl, snapshotHeaders } from '@sync/change-message'
import { createTestKafka, createTestTopic, registerCleanup, waitFor } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import {
  connectProducer,
  encoderFor,
  groupName,
  rawConfig,
  runSinker,
  startEmulator,
  targetDatabase,
  testKey,
  upsert,
} from './harness.ts'

const file = 'mysql-bin.000011'

describe('a snapshot whose end a previous owner applied on some partitions', () => {
  it('closes and lets the stream changes after it through', async () => {
    const emu = await startEmulator()
    const database = await targetDatabase(emu)
    const { key, cipher } = testKey()
    const batchTopic = await createTestTopic('sink-ended-batch', 2)
    const streamTopic = await createTestTopic('sink-ended-stream', 2)
    const dlq = await createTestTopic('sink-ended-dlq', 1)
    const producer = await connectProducer()
    const enc = encoderFor(cipher)
    const position = `${file}:1000`

    const control = (c: SnapshotControl, partition: number) => {
      const { plaintext, headers } = encodeSnapshotControl(c)
      return { partition, value: cipher.sealToJson(plaintext), headers }
    }
    const snap = { snapshotId: 's1', target: 'orders' }
    // one chunk per partition, written like the loader does: begin, rows, chunk-done, end
    for (const partition of [0, 1]) {
      const rows = [1, 2, 3].map((i) => {
        const m = enc.encode(
          upsert({ id: partition * 10 + i, name: `snap${i}`, amount: null, big: null, doc: null }),
        )
        return {
          ...m,
          partition,
          headers: { ...m.headers, [snapshotHeaders.id]: 's1', [snapshotHeaders.position]: position },
        }
      })
      await producer.send({
        topic: batchTopic,
        messages: [
          control({ type: 'snapshot-begin', ...snap, tables: ['orders'], startedAt: 1 }, partition),
          ...rows,
          control({ type: 'chunk-done', ...snap, table: 'orders', chunk: 1, position, rows: 3 }, partition),
          control({ type: 'snapshot-end', ...snap, counts: { orders: 6 }, position }, partition),
        ],
      })
    }
    // a previous owner applied partition 1 to its end and partition 0 up to its chunk-done
    const groupId = groupName()
    const admin = createTestKafka().admin()
    await admin.connect()
    registerCleanup(() => admin.disconnect())
    const ends = await admin.fetchTopicOffsets(batchTopic)
    const high = (p: number) => BigInt(ends.find((e) => e.partition === p)!.high)
    // (admin.setOffsets needs DescribeGroups, which the mock lacks: commit as a member)
    const owner = createTestKafka().consumer({ groupId, sessionTimeout: 6000, rebalanceTimeout: 6000 })
    await owner.connect()
    await owner.subscribe({ topics: [batchTopic] })
    const joined = new Promise((r) => owner.on(owner.events.GROUP_JOIN, r))
    await owner.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => {} })
    await joined
    await owner.commitOffsets([
      { topic: batchTopic, partition: 0, offset: String(high(0) - 2n) },
      { topic: batchTopic, partition: 1, offset: String(high(1)) },
    ])
    await owner.disconnect()
    // stream changes after the snapshot's consistent read
    const expected = new Map<number, string>()
    const stream = []
    for (let id = 100; id < 120; id++) {
      expected.set(id, `late${id}`)
      stream.push(
        enc.encode(
          upsert(
            { id, name: `late${id}`, amount: null, big: null, doc: null },
            { binlogFile: file, binlogPos: 2000 + id },
          ),
        ),
      )
    }
    await producer.send({ topic: streamTopic, messages: stream })

    const { app } = await runSinker(
      rawConfig({ emu, database, key, topics: [streamTopic, batchTopic], dlq, groupId }),
    )
    const loaded = async () =>
      new Map(
        (
          await emu.query<Array<{ id: number; name: string }>>(
            `SELECT id, name FROM \`${database}\`.orders WHERE id >= 100 ORDER BY id`,
          )
        ).map((r) => [Number(r.id), r.name]),
      )
    await waitFor(async () => (await loaded()).size === expected.size, {
      what: 'the stream changes loaded',
      timeoutMs: 40_000,
    })
    expect(await loaded()).toEqual(expected)
    expect(app.sinker.gate.isOpen('orders')).toBe(false)
  })
})
