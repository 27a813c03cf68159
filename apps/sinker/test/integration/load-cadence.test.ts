// Tiny loads ("too many versions"). Root cause: a stream change of a table that has a batch
// topic waits for one catch-up round per fetch, and each such hold cut the partition's open
// batch, so every fetch became a Stream Load (the demo made 3,326 loads for 37,979 rows,
// about 11 rows per load) whatever the 1 s flush interval said. Now a hold leaves the open
// batch open, an interval cut waits while the partition's previous batch is still loading,
// and a table's loads are at least `flush.minTableIntervalMs` apart (default 250 ms) however
// many partitions feed it. Each table here is fed by two stream partitions, each cut once
// per 1 s interval: about 2 loads per second (the old code made 7-8).
import { encodeSnapshotControl, type SnapshotControl, snapshotHeaders } from '@sync/change-message'
import { createTestDatabase, createTestTopic, waitFor } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import {
  connectProducer,
  encoderFor,
  groupName,
  rawConfig,
  runSinker,
  startEmulator,
  testKey,
  upsert,
} from './harness.ts'

const tables = ['cad_a', 'cad_b', 'cad_c']
const file = 'mysql-bin.000021'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('load cadence', () => {
  it('loads each table about once per second per partition under a steady stream with batch topics', async () => {
    const emu = await startEmulator()
    const db = await createTestDatabase('sink')
    for (const t of tables)
      await emu.createTableFromDdl(
        `CREATE TABLE ${t} (id BIGINT NOT NULL, name VARCHAR(20) NOT NULL, amount DECIMAL(38, 10) NULL,
          big LARGEINT NULL, doc JSON NULL) PRIMARY KEY (id) DISTRIBUTED BY HASH (id) BUCKETS 2`,
        db.name,
      )
    const { key, cipher } = testKey()
    const enc = encoderFor(cipher)
    const producer = await connectProducer()
    const dlq = await createTestTopic('sink-cad-dlq', 1)
    const stream: Record<string, string> = {}
    const batch: Record<string, string> = {}
    for (const t of tables) {
      stream[t] = await createTestTopic(`sink-cad-${t}-stream`, 2)
      batch[t] = await createTestTopic(`sink-cad-${t}-batch`, 1)
    }
    // each table has a finished snapshot on its batch topic: every stream change of it goes
    // through the catch-up with that topic (the path that used to cut a batch per fetch)
    const source = new Map<string, Map<number, string>>(tables.map((t) => [t, new Map()]))
    const row = (id: number, name: string) => ({ id, name, amount: null, big: null, doc: null })
    for (const t of tables) {
      const position = `${file}:1000`
      const control = (c: SnapshotControl) => {
        const { plaintext, headers } = encodeSnapshotControl(c)
        return { value: cipher.sealToJson(plaintext), headers }
      }
      const rows = Array.from({ length: 20 }, (_, i) => {
        source.get(t)!.set(i + 1, `snap${i + 1}`)
        const m = enc.encode(upsert(row(i + 1, `snap${i + 1}`), { kind: 'snapshot', table: t }))
        return {
          ...m,
          headers: { ...m.headers, [snapshotHeaders.id]: `s-${t}`, [snapshotHeaders.position]: position },
        }
      })
      const snap = { snapshotId: `s-${t}`, target: t }
      await producer.send({
        topic: batch[t]!,
        messages: [
          control({ type: 'snapshot-begin', ...snap, tables: [t], startedAt: 1 }),
          ...rows,
          control({ type: 'chunk-done', ...snap, table: t, chunk: 1, position, rows: 20 }),
          control({ type: 'snapshot-end', ...snap, counts: { [t]: 20 }, position }),
        ],
      })
    }
    const topics = tables.flatMap((t) => [stream[t]!, batch[t]!])
    const raw = rawConfig({ emu, database: db.name, key, topics, dlq, groupId: groupName() })
    raw.topicToTable = Object.fromEntries(tables.flatMap((t) => [[stream[t]!, t] as const, [batch[t]!, t]]))
    // the production interval, and no per-table setting: the defaults are under test
    raw.flush = { intervalMs: 1000 }
    await runSinker(raw)
    const count = async (t: string) =>
      Number((await emu.query<Array<{ n: number }>>(`SELECT COUNT(*) AS n FROM \`${db.name}\`.${t}`))[0]!.n)
    for (const t of tables)
      await waitFor(async () => (await count(t)) === 20, { what: `the snapshot of ${t}`, timeoutMs: 30_000 })

    // a steady stream: every 50 ms one change per table, on alternating partitions, for 8 s
    let pos = 2000
    const started = Date.now()
    for (let tick = 0; Date.now() - started < 8000; tick++) {
      for (const t of tables) {
        const id = (tick % 40) + 1
        const name = `t${tick}`
        source.get(t)!.set(id, name)
        pos += 10
        await producer.send({
          topic: stream[t]!,
          messages: [
            {
              ...enc.encode(
                upsert(row(id, name), { kind: 'update', table: t, binlogFile: file, binlogPos: pos }),
              ),
              partition: id % 2,
            },
          ],
        })
      }
      await sleep(50)
    }
    const ended = Date.now()

    const read = async (t: string) =>
      (
        await emu.query<Array<{ id: number; name: string }>>(
          `SELECT id, name FROM \`${db.name}\`.${t} ORDER BY id`,
        )
      ).map((r) => `${r.id}:${r.name}`)
    const expected = (t: string) =>
      [...source.get(t)!.entries()].sort((a, b) => a[0] - b[0]).map(([id, name]) => `${id}:${name}`)
    for (const t of tables)
      await waitFor(async () => JSON.stringify(await read(t)) === JSON.stringify(expected(t)), {
        what: `${t} to equal the source`,
        timeoutMs: 30_000,
      })
    // fewer loads, not stale data: each partition's turn comes every ~2 s here, so the last
    // changes are visible within a few seconds (a batch waiting for its slot keeps growing
    // instead of waiting twice)
    expect(Date.now() - ended).toBeLessThan(4000)

    // loads that arrived while the stream ran, skipping its first second (the first batches)
    const from = started + 1000
    const seconds = (ended - from) / 1000
    const rates = Object.fromEntries(
      tables.map((t) => {
        const n = emu.loads.list.filter(
          (l) => l.database === db.name && l.table === t && l.receivedAt >= from && l.receivedAt <= ended,
        ).length
        return [t, Math.round((n / seconds) * 100) / 100]
      }),
    )
    for (const t of tables) {
      expect(rates[t], `loads per second of ${t} (${JSON.stringify(rates)})`).toBeLessThanOrEqual(2.5)
      // and the stream kept loading all along, not once at the end
      expect(rates[t], `loads per second of ${t} (${JSON.stringify(rates)})`).toBeGreaterThanOrEqual(0.5)
    }
  }, 120_000)
})
