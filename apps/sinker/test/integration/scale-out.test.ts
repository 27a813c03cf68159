// Two sinkers in one group split the partitions; the second joins while loads of the
// first are in flight (the emulator holds their answers back): nothing is lost and no
// load is applied twice.
import { createTestKafka, createTestTopic, waitFor } from '@sync/test-kit'
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

describe('scale-out', () => {
  it('splits partitions between two members; a rebalance mid-load loses and duplicates nothing', async () => {
    const emu = await startEmulator()
    const database = await targetDatabase(emu)
    const { key, cipher } = testKey()
    const topic = await createTestTopic('sink-scale', 4)
    const dlq = await createTestTopic('sink-scale-dlq', 1)
    const producer = await connectProducer()
    const enc = encoderFor(cipher)
    const total = 6000
    const send = (from: number, to: number) => {
      const messages = []
      for (let i = from; i <= to; i++)
        messages.push(enc.encode(upsert({ id: i, name: `n${i}`, amount: null, big: null, doc: null })))
      return producer.send({ topic, messages })
    }
    await send(1, 3000)
    const groupId = groupName()
    const raw = {
      ...rawConfig({ emu, database, key, topics: [topic], dlq, groupId }),
      // loads of the table 1 s apart: A is still loading when B has joined, so both members
      // load (at the 250 ms default A could finish all 6,000 rows before B's first assignment)
      flush: { rows: 400, intervalMs: 200, minTableIntervalMs: 1000 },
    }
    const loads = () => emu.loads.list.filter((l) => l.database === database)

    emu.setFault({ kind: 'latency', ms: 4000, phase: 'after-apply', times: 3 })
    const a = await runSinker(raw)
    await waitFor(() => loads().length >= 1, { what: 'a first load in flight', timeoutMs: 30_000 })
    const b = await runSinker(raw) // joins: the group rebalances while A's loads wait for answers
    await send(3001, total)

    const admin = createTestKafka().admin()
    await admin.connect()
    try {
      await waitFor(
        async () => {
          const o = await admin.fetchOffsets({ groupId, topics: [topic] })
          return o[0]!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0) === total
        },
        { what: 'every message committed', timeoutMs: 60_000 },
      )
    } finally {
      await admin.disconnect()
    }
    const counted = await emu.query<Array<{ n: number }>>(`SELECT COUNT(*) AS n FROM \`${database}\`.orders`)
    expect(Number(counted[0]?.n)).toBe(total)
    const applied = loads()
    expect(new Set(applied.map((l) => l.label)).size).toBe(applied.length)
    expect(applied.reduce((s, l) => s + l.rows, 0)).toBe(total)
    // both members loaded something
    const loadedBy = (app: typeof a.app) =>
      Number(/sync_sinker_rows_loaded_total\{table="orders"\} (\d+)/.exec(app.registry.render())?.[1] ?? 0)
    expect(loadedBy(a.app)).toBeGreaterThan(0)
    expect(loadedBy(b.app)).toBeGreaterThan(0)
  }, 120_000)
})
