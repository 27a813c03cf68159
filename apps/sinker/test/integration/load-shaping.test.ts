// Load shaping for thousands of tables: the per-table minimum interval spaces the loads of a
// table (however many partitions feed it), and the memory budget cuts open batches early.
import { createTestTopic, waitFor } from '@sync/test-kit'
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function countRows(emu: Awaited<ReturnType<typeof startEmulator>>, database: string) {
  const [row] = await emu.query<Array<{ n: number }>>(`SELECT COUNT(*) AS n FROM \`${database}\`.orders`)
  return Number(row?.n ?? 0)
}

describe('load shaping', () => {
  /**
   * Rows arrive on 4 partitions every 150 ms for 4.5 s, with a 100 ms flush interval. Returns
   * the gaps between consecutive loads of the table, as the emulator received them.
   */
  async function loadGaps(minTableIntervalMs: number) {
    const emu = await startEmulator()
    const database = await targetDatabase(emu)
    const { key, cipher } = testKey()
    const topic = await createTestTopic('sink-spaced', 4)
    const dlq = await createTestTopic('sink-dlq', 1)
    const producer = await connectProducer()
    const enc = encoderFor(cipher)
    await runSinker(
      rawConfig({
        emu,
        database,
        key,
        topics: [topic],
        dlq,
        groupId: groupName(),
        overrides: { flush: { intervalMs: 100, minTableIntervalMs } },
      }),
    )
    let id = 0
    for (let round = 0; round < 30; round++) {
      const messages = Array.from({ length: 8 }, (_, i) => ({
        ...enc.encode(upsert({ id: ++id, name: `r${round}`, amount: null, big: null, doc: null })),
        partition: i % 4,
      }))
      await producer.send({ topic, messages })
      await sleep(150)
    }
    await waitFor(async () => (await countRows(emu, database)) === id, {
      what: `all ${id} rows loaded`,
      timeoutMs: 60_000,
    })
    const starts = emu.loads.list
      .filter((l) => l.database === database)
      .map((l) => l.receivedAt)
      .sort((a, b) => a - b)
    return starts.slice(1).map((t, i) => t - starts[i]!)
  }

  it('spaces the loads of one table fed by four partitions by flush.minTableIntervalMs', async () => {
    // without the setting, four partitions flushing every 100 ms load the table far more often
    const free = await loadGaps(0)
    expect(free.length).toBeGreaterThan(20)
    expect(Math.min(...free)).toBeLessThan(500)

    const spaced = await loadGaps(1000)
    // the emulator sees each load after the FE
    // redirect, so a gap may come out a little shorter than the sinker's spacing
    expect(spaced.length).toBeGreaterThan(2)
    expect(spaced.length).toBeLessThan(free.length)
    for (const gap of spaced) expect(gap).toBeGreaterThanOrEqual(900)
  }, 120_000)

  it('cuts open batches when buffered bytes pass flush.memoryBudgetBytes, long before the interval', async () => {
    const emu = await startEmulator()
    const database = await targetDatabase(emu)
    const { key, cipher } = testKey()
    const topic = await createTestTopic('sink-budget', 4)
    const dlq = await createTestTopic('sink-dlq', 1)
    const producer = await connectProducer()
    const enc = encoderFor(cipher)
    // 1,200 rows of ~1.4 KB on 4 partitions: no partition reaches flush.bytes (1 MiB, the
    // most the budget allows) or flush.rows, and the interval is 10 minutes, so only the
    // 1 MiB budget can make the sinker load anything during the test
    const messages = Array.from({ length: 1200 }, (_, i) => ({
      ...enc.encode(
        upsert({ id: i + 1, name: `b${i}`, amount: null, big: null, doc: { pad: 'x'.repeat(1400) } }),
      ),
      partition: i % 4,
    }))
    for (let i = 0; i < messages.length; i += 100)
      await producer.send({ topic, messages: messages.slice(i, i + 100) })
    const budget = 1024 * 1024
    const groupId = groupName()
    const config = (flush: Record<string, number>) =>
      rawConfig({ emu, database, key, topics: [topic], dlq, groupId, overrides: { flush } })
    const first = await runSinker(
      config({ intervalMs: 600_000, rows: 1_000_000, bytes: budget, memoryBudgetBytes: budget }),
    )
    const metric = (name: string) =>
      [
        ...first.app.registry.render().matchAll(new RegExp(`^sync_${name}(?:\\{[^}]*\\})? (\\d+)`, 'gm')),
      ].reduce((n, m) => n + Number(m[1]), 0)
    await waitFor(async () => (await countRows(emu, database)) >= messages.length / 2, {
      what: 'half the rows loaded through budget cuts',
      timeoutMs: 30_000,
    })
    expect(metric('sinker_memory_budget_cuts_total')).toBeGreaterThan(0)
    // once everything is consumed, what stays buffered (below the budget) waits for the interval
    let before = -1
    await waitFor(
      async () => {
        const now = await countRows(emu, database)
        const settled = now === before
        before = now
        return settled
      },
      { what: 'loading to settle', timeoutMs: 30_000, intervalMs: 1_000 },
    )
    expect(metric('sinker_buffered_bytes')).toBeLessThanOrEqual(budget)
    const loadedByBudget = await countRows(emu, database)
    expect(loadedByBudget).toBeLessThan(messages.length)

    // the rows still buffered were never committed: a restarted sinker loads them, once
    await first.stop()
    await runSinker(config({ intervalMs: 200 }))
    await waitFor(async () => (await countRows(emu, database)) === messages.length, {
      what: 'every row after the restart',
      timeoutMs: 60_000,
    })
    const labels = emu.loads.list.filter((l) => l.database === database).map((l) => l.label)
    expect(new Set(labels).size).toBe(labels.length)
  }, 150_000)
})
