// A batch topic (snapshot in two chunks) and a stream topic of the same table, consumed
// concurrently: stream changes later than the last applied chunk wait (their partition is
// paused) until the next chunk-done is applied, so no snapshot row overwrites a newer change.
import { waitFor } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import { groupName, rawConfig, runSinker, upsert } from './harness.ts'
import { createSnapshotScenario } from './snapshot-scenario.ts'

const file = 'mysql-bin.000007'

describe('snapshot and stream handoff', () => {
  it('converges to the source state when snapshot rows and concurrent changes interleave', async () => {
    const scenario = await createSnapshotScenario('sink-snap', file)
    const { emu, database, key, dlq, producer, enc, batchTopic, streamTopic, source, row } = scenario
    const { control, chunk, change, ids, nameOf, actual } = scenario
    const { app } = await runSinker(
      rawConfig({ emu, database, key, topics: [batchTopic, streamTopic], dlq, groupId: groupName() }),
    )

    const held = () =>
      Number(/sync_sinker_snapshot_held_messages (\d+)/.exec(app.registry.render())?.[1] ?? 0)
    // the sinker has the changes: held behind the snapshot, or (were there no gate) applied
    const seen = (id: number, name: string) =>
      waitFor(async () => held() > 0 || (await nameOf(id)) === name, {
        what: `change of ${id} seen`,
        timeoutMs: 20_000,
      })

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

    const expected = scenario.expected()
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
