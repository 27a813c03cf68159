// A batch topic (snapshot in two chunks) and a stream topic of the same table, consumed
// concurrently: stream changes later than the last applied chunk wait (their partition is
// paused) until the next chunk-done is applied, so no snapshot row overwrites a newer change.
import { encodeSnapshotControl, type SnapshotControl, snapshotHeaders } from '@sync/change-message'
import { createTestTopic, waitFor } from '@sync/test-kit'
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

const file = 'mysql-bin.000007'

describe('snapshot and stream handoff', () => {
  it('converges to the source state when snapshot rows and concurrent changes interleave', async () => {
    const emu = await startEmulator()
    const database = await targetDatabase(emu)
    const { key, cipher } = testKey()
    const batchTopic = await createTestTopic('sink-snap-batch', 2)
    const streamTopic = await createTestTopic('sink-snap-stream', 2)
    const dlq = await createTestTopic('sink-snap-dlq', 1)
    const producer = await connectProducer()
    const enc = encoderFor(cipher)
    const { app } = await runSinker(
      rawConfig({ emu, database, key, topics: [batchTopic, streamTopic], dlq, groupId: groupName() }),
    )

    // the source, as a model: id → name, changed by binlog events at positions
    const source = new Map<number, string>()
    for (let i = 1; i <= 100; i++) source.set(i, `v${i}`)
    const row = (id: number) => ({ id, name: source.get(id)!, amount: null, big: null, doc: null })
    const control = (c: SnapshotControl) => {
      const { plaintext, headers } = encodeSnapshotControl(c)
      const value = cipher.sealToJson(plaintext)
      return producer.send({
        topic: batchTopic,
        messages: [0, 1].map((partition) => ({ partition, value, headers })),
      })
    }
    const chunk = (rows: Array<ReturnType<typeof row>>, pos: number) =>
      producer.send({
        topic: batchTopic,
        messages: rows.map((r) => {
          const m = enc.encode(upsert(r, { kind: 'snapshot' }))
          return {
            ...m,
            headers: {
              ...m.headers,
              [snapshotHeaders.id]: 's1',
              [snapshotHeaders.position]: `${file}:${pos}`,
            },
          }
        }),
      })
    const change = async (pos: number, id: number, name: string | undefined) => {
      const before = row(id)
      if (name === undefined) source.delete(id)
      else source.set(id, name)
      const c =
        name === undefined
          ? remove(before, { binlogFile: file, binlogPos: pos })
          : upsert(row(id), { kind: 'update', binlogFile: file, binlogPos: pos })
      await producer.send({ topic: streamTopic, messages: [enc.encode(c)] })
    }
    const held = () =>
      Number(/sync_sinker_snapshot_held_messages (\d+)/.exec(app.registry.render())?.[1] ?? 0)
    const nameOf = async (id: number) =>
      (
        await emu.query<Array<{ name: string }>>(`SELECT name FROM \`${database}\`.orders WHERE id = ?`, [id])
      )[0]?.name
    // the sinker has the changes: held behind the snapshot, or (were there no gate) applied
    const seen = (id: number, name: string) =>
      waitFor(async () => held() > 0 || (await nameOf(id)) === name, {
        what: `change of ${id} seen`,
        timeoutMs: 20_000,
      })
    const ids = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => from + i).filter((i) => source.has(i))

    await change(500, 10, 'before-snapshot')
    await control({
      type: 'snapshot-begin',
      snapshotId: 's1',
      target: 'orders',
      tables: ['orders'],
      startedAt: Date.now(),
    })
    await waitFor(() => app.sinker.gate.isOpen('orders'), { what: 'the snapshot to open', timeoutMs: 20_000 })
    // chunk 1 is read at 1000, but the changes after it reach Kafka before its rows do
    const chunk1 = ids(1, 50).map(row)
    await change(1500, 20, 'after-chunk-1')
    await change(1600, 30, undefined)
    await change(1700, 60, 'in-chunk-2-range')
    await change(1800, 30, 'reinserted')
    await change(1900, 30, undefined)
    await seen(20, 'after-chunk-1') // a slow snapshot writer: the sinker got the changes first
    await chunk(chunk1, 1000)
    await control({
      type: 'chunk-done',
      snapshotId: 's1',
      target: 'orders',
      table: 'orders',
      chunk: 1,
      position: `${file}:1000`,
      rows: 50,
    })
    const chunk2 = ids(51, 100).map(row) // read at 2000: already holds the change at 1700
    await change(2500, 70, 'after-chunk-2')
    await change(2600, 80, undefined)
    source.set(101, 'new')
    await producer.send({
      topic: streamTopic,
      messages: [enc.encode(upsert(row(101), { binlogFile: file, binlogPos: 2700 }))],
    })
    await seen(70, 'after-chunk-2')
    await chunk(chunk2, 2000)
    await control({
      type: 'chunk-done',
      snapshotId: 's1',
      target: 'orders',
      table: 'orders',
      chunk: 2,
      position: `${file}:2000`,
      rows: 49,
    })
    await control({
      type: 'snapshot-end',
      snapshotId: 's1',
      target: 'orders',
      counts: { orders: 99 },
      position: `${file}:2000`,
    })

    const expected = [...source.entries()].sort((a, b) => a[0] - b[0]).map(([id, name]) => `${id}:${name}`)
    const actual = async () =>
      (
        await emu.query<Array<{ id: number; name: string }>>(
          `SELECT id, name FROM \`${database}\`.orders ORDER BY id`,
        )
      ).map((r) => `${r.id}:${r.name}`)
    await waitFor(async () => JSON.stringify(await actual()) === JSON.stringify(expected), {
      what: 'the target to equal the source',
      timeoutMs: 40_000,
    }).catch(async (err) => {
      const got = await actual()
      console.error(
        'missing',
        expected.filter((x) => !got.includes(x)),
        'extra',
        got.filter((x) => !expected.includes(x)),
      )
      throw err
    })
    expect(app.sinker.gate.isOpen('orders')).toBe(false)
    expect(app.registry.render()).toMatch(/sync_sinker_snapshot_held_messages 0/)
  })
})
