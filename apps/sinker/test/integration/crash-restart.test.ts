// kill -9 in the middle of a load, then a restart with different flush thresholds: the
// restarted sinker re-forms the planned batch from the commit metadata, reloads it under the
// same label, and StarRocks (the emulator) applies every batch exactly once.
import { createTestKafka, createTestTopic, waitFor } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import {
  connectProducer,
  encoderFor,
  groupName,
  rawConfig,
  startEmulator,
  targetDatabase,
  testKey,
  upsert,
} from './harness.ts'
import { spawnSinker } from './process.ts'

describe('crash and restart', () => {
  it('kill -9 mid-load, restart: exact final state, no load applied twice; SIGTERM exits 0 in time', async () => {
    const emu = await startEmulator()
    const database = await targetDatabase(emu)
    const { key, cipher } = testKey()
    const topic = await createTestTopic('sink-crash', 2)
    const dlq = await createTestTopic('sink-crash-dlq', 1)
    const producer = await connectProducer()
    const enc = encoderFor(cipher)
    const total = 4000
    const messages = []
    for (let i = 1; i <= total; i++)
      messages.push(
        enc.encode(upsert({ id: i, name: `n${i}`, amount: `${i}.5000000000`, big: null, doc: null })),
      )
    for (let i = 0; i < messages.length; i += 1000)
      await producer.send({ topic, messages: messages.slice(i, i + 1000) })
    const groupId = groupName()
    const base = rawConfig({ emu, database, key, topics: [topic], dlq, groupId })
    const loads = () => emu.loads.list.filter((l) => l.database === database)

    // the first load is applied, then its answer is held back for 20 s: kill -9 meanwhile
    emu.setFault({ kind: 'latency', ms: 20_000, phase: 'after-apply', times: 1 })
    const first = spawnSinker({ ...base, flush: { rows: 300, intervalMs: 200 } })
    await waitFor(() => loads().length >= 1, { what: 'the first applied load', timeoutMs: 30_000 }).catch(
      (err) => {
        console.error(first.output().slice(-4000))
        throw err
      },
    )
    await new Promise((r) => setTimeout(r, 300))
    first.child.kill('SIGKILL')
    expect(await first.exited).toBe('SIGKILL')
    emu.clearFaults()
    const appliedBeforeCrash = loads().length

    // different thresholds: without the plan in the commit metadata, batches would differ
    const second = spawnSinker({ ...base, flush: { rows: 700, intervalMs: 200 } })
    const admin = createTestKafka().admin()
    await admin.connect()
    try {
      await waitFor(
        async () => {
          const o = await admin.fetchOffsets({ groupId, topics: [topic] })
          const committed = o[0]!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0)
          return committed === total
        },
        { what: 'every message committed', timeoutMs: 45_000 },
      )
    } catch (err) {
      console.error(second.output().slice(-4000))
      throw err
    } finally {
      await admin.disconnect()
    }
    const rows = await emu.query<Array<{ n: number; s: string }>>(
      `SELECT COUNT(*) AS n, SUM(amount) AS s FROM \`${database}\`.orders`,
    )
    expect(Number(rows[0]!.n)).toBe(total)
    expect(rows[0]!.s).toBe(`${(total * (total + 1)) / 2 + total * 0.5}.0000000000`)
    const applied = loads()
    // the crash happened after at least one applied load, and every label was applied once
    expect(appliedBeforeCrash).toBeGreaterThanOrEqual(1)
    expect(new Set(applied.map((l) => l.label)).size).toBe(applied.length)
    expect(applied.reduce((n, l) => n + l.rows, 0)).toBe(total)
    expect(second.output()).toMatch(/re-forming the planned batch/)

    // operations: /metrics and /healthz answer, then SIGTERM stops it cleanly in time
    const port = second.opsPort()
    expect(port).toBeGreaterThan(0)
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
    expect(metrics).toMatch(/sync_sinker_rows_loaded_total\{table="orders"\} \d+/)
    expect(metrics).toMatch(/sync_sinker_consumer_lag/)
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200)
    expect(second.output()).not.toContain(key)
    const t0 = Date.now()
    second.child.kill('SIGTERM')
    expect(await second.exited).toBe(0)
    expect(Date.now() - t0).toBeLessThan(10_000)
  })
})
