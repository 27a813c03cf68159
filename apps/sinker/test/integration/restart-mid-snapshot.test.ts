// kill -9 while a snapshot is open and the stream runs, then a restart. Root cause of a stale
// row: the snapshot/stream handoff state lived only in memory. The restarted sinker resumed
// the batch topic after the committed snapshot-begin and chunk-done, so it did not know the
// snapshot was open; it applied stream changes newer than the next chunk's read, and the
// slow chunk then overwrote them (a deleted row came back, updates were lost). Now each
// commit of a batch partition keeps that partition's snapshot progress in the offset
// metadata, and the gate is rebuilt from it before any stream change of the table goes on.
import { createTestKafka, registerCleanup, waitFor } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import { groupName, rawConfig, upsert } from './harness.ts'
import { type SinkerProcess, spawnSinker } from './process.ts'
import { createSnapshotScenario, snap } from './snapshot-scenario.ts'

const file = 'mysql-bin.000031'

describe('a restart in the middle of a snapshot', () => {
  it('keeps holding the stream behind the open snapshot: no slow chunk overwrites a newer change', async () => {
    const scenario = await createSnapshotScenario('sink-rs', file)
    const { emu, database, key, dlq, producer, enc, batchTopic, streamTopic, source, row } = scenario
    const { control, chunk, change, ids, nameOf, actual } = scenario
    const groupId = groupName()
    const config = rawConfig({ emu, database, key, topics: [batchTopic, streamTopic], dlq, groupId })
    const admin = createTestKafka().admin()
    await admin.connect()
    registerCleanup(() => admin.disconnect())

    const committedToEnd = async (topic: string) => {
      const ends = await admin.fetchTopicOffsets(topic)
      const done = (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!
      return ends.every((e) => {
        const c = done.partitions.find((p) => p.partition === e.partition)
        return c !== undefined && BigInt(c.offset) >= BigInt(e.high)
      })
    }
    const metric = async (p: SinkerProcess, name: string) => {
      const port = p.opsPort()
      if (port === undefined) return undefined
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
      const m = new RegExp(`^sync_${name} (\\d+)`, 'm').exec(text)
      return m ? Number(m[1]) : 0
    }
    const dump = (p: SinkerProcess) => (err: unknown) => {
      console.error(p.output().slice(-4000))
      throw err
    }

    // the snapshot begins, its first chunk (read at 1000) is applied, changes after it wait
    await control({ type: 'snapshot-begin', ...snap, tables: ['orders'], startedAt: Date.now() })
    await chunk(ids(1, 50).map(row), 1000)
    await control({
      type: 'chunk-done',
      ...snap,
      table: 'orders',
      chunk: 1,
      position: `${file}:1000`,
      rows: 50,
    })
    await change(1500, 20, 'after-chunk-1')
    await change(1600, 60, 'in-chunk-2-range')
    const first = spawnSinker(config)
    await waitFor(() => committedToEnd(batchTopic), { what: 'chunk 1 applied', timeoutMs: 30_000 }).catch(
      dump(first),
    )
    await waitFor(async () => ((await metric(first, 'sinker_snapshot_held_messages')) ?? 0) > 0, {
      what: 'the changes after chunk 1 held',
      timeoutMs: 20_000,
    }).catch(dump(first))
    expect(await nameOf(20)).toBe('v20')
    first.child.kill('SIGKILL')
    expect(await first.exited).toBe('SIGKILL')

    // chunk 2 is read at 2000 (it already holds the change at 1600), but the snapshot writer
    // is slow: the changes after its read reach Kafka first, while the sinker is down
    const chunk2 = ids(51, 100).map(row)
    await change(2500, 60, 'after-chunk-2')
    await change(2600, 70, undefined)
    await change(2700, 80, 'after-chunk-2')
    await change(2800, 20, 'late')
    source.set(101, 'new')
    await producer.send({
      topic: streamTopic,
      messages: [enc.encode(upsert(row(101), { binlogFile: file, binlogPos: 2900 }))],
    })

    const second = spawnSinker(config)
    // the restarted sinker has the changes: held behind the snapshot, or (were the open
    // snapshot forgotten) already applied
    await waitFor(
      async () =>
        ((await metric(second, 'sinker_snapshot_held_messages')) ?? 0) > 0 || (await nameOf(101)) === 'new',
      { what: 'the restarted sinker to read the stream', timeoutMs: 30_000 },
    ).catch(dump(second))
    await chunk(chunk2, 2000)
    await control({
      type: 'chunk-done',
      ...snap,
      table: 'orders',
      chunk: 2,
      position: `${file}:2000`,
      rows: 50,
    })
    await control({ type: 'snapshot-end', ...snap, counts: { orders: 100 }, position: `${file}:2000` })

    await waitFor(async () => (await committedToEnd(batchTopic)) && (await committedToEnd(streamTopic)), {
      what: 'both topics applied',
      timeoutMs: 45_000,
    }).catch(dump(second))
    const expected = scenario.expected()
    const got = await actual()
    expect({
      missing: expected.filter((x) => !got.includes(x)),
      extra: got.filter((x) => !expected.includes(x)),
    }).toEqual({ missing: [], extra: [] })
    expect(second.output()).toMatch(/snapshot state restored from the committed offsets/)
  })
})
