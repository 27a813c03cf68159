// The stream topic read ahead of the batch topic: every message (a whole snapshot and the
// stream changes after its consistent read) is already in Kafka when the sinker starts.
// The stream partitions are small and the batch topic is big, so without the catch-up rule
// the stream changes load before the sinker has even seen snapshot-begin, and the snapshot
// rows then overwrite them (stale values, deleted rows back). With it, a stream change
// waits until the batch topic was read up to its end offsets fetched after the change was.
import { encodeSnapshotControl, type SnapshotControl, snapshotHeaders } from '@sync/change-message'
import { createTestKafka, createTestTopic, registerCleanup, waitFor } from '@sync/test-kit'
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

const file = 'mysql-bin.000009'
const rows = 4000

describe('stream changes read ahead of the batch topic', () => {
  it('never lets a snapshot row overwrite a later change, with both topics full at start', async () => {
    const emu = await startEmulator()
    const database = await targetDatabase(emu)
    const { key, cipher } = testKey()
    const batchTopic = await createTestTopic('sink-catch-batch', 2)
    const streamTopic = await createTestTopic('sink-catch-stream', 2)
    const dlq = await createTestTopic('sink-catch-dlq', 1)
    const producer = await connectProducer()
    const enc = encoderFor(cipher)

    // the source, as a model: id → name, changed by binlog events at increasing positions
    const source = new Map<number, string>()
    for (let i = 1; i <= rows; i++) source.set(i, `v${i}`)
    const row = (id: number) => ({ id, name: source.get(id)!, amount: null, big: null, doc: null })
    const streamMessages: Array<ReturnType<typeof enc.encode>> = []
    let pos = 10_000
    const change = (id: number, name: string | undefined) => {
      pos += 100
      const before = row(id)
      if (name === undefined) source.delete(id)
      else source.set(id, name)
      streamMessages.push(
        enc.encode(
          name === undefined
            ? remove(before, { binlogFile: file, binlogPos: pos })
            : upsert(row(id), { kind: 'update', binlogFile: file, binlogPos: pos }),
        ),
      )
    }
    const batch: Array<{
      partition?: number
      key?: Buffer | string | null
      value: Buffer | string
      headers: Record<string, string>
    }> = []
    const control = (c: SnapshotControl) => {
      const { plaintext, headers } = encodeSnapshotControl(c)
      const value = cipher.sealToJson(plaintext)
      for (const partition of [0, 1]) batch.push({ partition, value, headers })
    }
    // a whole snapshot (one chunk) of the source as it is at `at`
    const snapshot = (id: string, at: number) => {
      const position = `${file}:${at}`
      const all = [...source.keys()].sort((a, b) => a - b).map(row)
      control({ type: 'snapshot-begin', snapshotId: id, target: 'orders', tables: ['orders'], startedAt: at })
      for (const r of all) {
        const m = enc.encode(upsert(r, { kind: 'snapshot' }))
        batch.push({
          ...m,
          headers: { ...m.headers, [snapshotHeaders.id]: id, [snapshotHeaders.position]: position },
        })
      }
      control({
        type: 'chunk-done',
        snapshotId: id,
        target: 'orders',
        table: 'orders',
        chunk: 1,
        position,
        rows: all.length,
      })
      control({
        type: 'snapshot-end',
        snapshotId: id,
        target: 'orders',
        counts: { orders: all.length },
        position,
      })
    }
    // an earlier snapshot (a re-snapshot follows it), changes between the two, the second
    // snapshot, and changes after its consistent read: the second snapshot's rows must not
    // overwrite these
    snapshot('s1', pos)
    for (let id = 7; id <= rows; id += 97) change(id, `early${id}`)
    change(13, undefined)
    snapshot('s2', pos)
    for (let id = 5; id <= rows; id += 41) change(id, id % 3 === 0 ? undefined : `late${id}`)
    change(5, 'late5-again')
    source.set(rows + 1, 'new')
    pos += 100
    streamMessages.push(enc.encode(upsert(row(rows + 1), { binlogFile: file, binlogPos: pos })))
    for (let i = 0; i < batch.length; i += 1000)
      await producer.send({ topic: batchTopic, messages: batch.slice(i, i + 1000) })
    await producer.send({ topic: streamTopic, messages: streamMessages })

    const groupId = groupName()
    const { app } = await runSinker(
      rawConfig({ emu, database, key, topics: [streamTopic, batchTopic], dlq, groupId }),
    )

    const expected = [...source.entries()].sort((a, b) => a[0] - b[0]).map(([id, name]) => `${id}:${name}`)
    const actual = async () =>
      (
        await emu.query<Array<{ id: number; name: string }>>(
          `SELECT id, name FROM \`${database}\`.orders ORDER BY id`,
        )
      ).map((r) => `${r.id}:${r.name}`)
    // every message was applied (the committed offsets reached the ends of both topics) …
    const admin = createTestKafka().admin()
    await admin.connect()
    registerCleanup(() => admin.disconnect())
    const committedAll = async () => {
      for (const topic of [batchTopic, streamTopic]) {
        const ends = await admin.fetchTopicOffsets(topic)
        const done = (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!
        for (const e of ends) {
          const c = done.partitions.find((p) => p.partition === e.partition)
          if (!c || BigInt(c.offset) < BigInt(e.high)) return false
        }
      }
      return true
    }
    await waitFor(committedAll, { what: 'both topics applied', timeoutMs: 45_000 })
    // … and the target equals the source
    const got = await actual()
    const missing = expected.filter((x) => !got.includes(x))
    const extra = got.filter((x) => !expected.includes(x))
    expect({ missing: missing.slice(0, 10), extra: extra.slice(0, 10) }).toEqual({ missing: [], extra: [] })
    expect(got.length).toBe(expected.length)
    expect(app.sinker.gate.isOpen('orders')).toBe(false)
  })
})
