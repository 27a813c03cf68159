// The group coordinator goes down while rows keep arriving: every row is loaded exactly once.
//
// Regression test for a fault-suite failure (six rows applied twice). Root cause: when the
// coordinator stops answering, kafkajs gives up its fetch loop and restarts its consumer
// (its own retry loop: the runner stops, the consumer group is dropped, a new one joins).
// A consumer.commitOffsets made while its runner is not running — in flight when it stops,
// or made during the restart's join — resolves without having sent anything
// (kafkajs 2.2.4 consumer/runner.js: `if (!this.running) return`). The sinker took the
// answer of a batch's plan commit as "stored", loaded the batch under its label, and after
// the rejoin the partition's next owner found the previous completion, no plan, and formed
// a longer batch from the same offset under another label. The sinker now reads every plan
// back from the group before anything loads under it (SINK_PLAN_NOT_STORED, retried).
//
// How it is forced here, on a private mock cluster (so the outage touches no other test):
// the group's coordinator is pinned to broker 1 and the partitions are led by brokers 2 and
// 3, so fetching and producing go on while broker 1 is down; rows keep arriving on every
// partition, so plan commits keep being made and retried across kafkajs's restart. Broker 1
// stays down until the sinker has logged the consumer's restart (so the fault fired) and a
// little longer, then comes back and the group rejoins.
//
// What it proves: across a coordinator outage long enough for kafkajs to restart its
// consumer, the applied loads cover every partition's offsets exactly once (no overlap, no
// gap, one application per label), each load applied the rows of its range, and the target
// holds exactly the rows produced. With the read-back disabled (plan commits trusted as
// answered) it failed in each of eight runs: a batch such as offsets 20..20 loaded in the
// limbo, then 20..58 loaded over it after the rejoin. With it, the limbo shows as retries
// with SINK_PLAN_NOT_STORED (or, when a commit first meets the dropped group, as the
// generation ending), and nothing loads twice. The timing of kafkajs's restart against the
// commits' retries is not controlled, so a run where no plan commit falls into the limbo
// passes without exercising the read-back; the lockstep of the partitions' retries made that
// not happen in the runs above. What it does not prove: that a commit cannot be lost some
// other way (the mock stores every commit it receives), nor behaviour on a real Kafka, whose
// coordinator would move to another broker instead of disappearing.
import { readStackEnv, registerCleanup, startPrivateKafkaMock, waitFor } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import {
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
const partitions = 3

/** first and last offset of a load, from its label (<prefix>-<topic>-<partition>-<first>-<last>). */
function rangeOf(label: string): { partition: number; first: number; last: number } {
  const m = /-(\d+)-(\d+)-(\d+)$/.exec(label)
  if (!m) throw new Error(`not a single-table batch label: ${label}`)
  return { partition: Number(m[1]), first: Number(m[2]), last: Number(m[3]) }
}

// The mock's control channel (broker down/up, coordinator and leader placement) exists only
// on the local stack; against an external Kafka this scenario cannot be staged.
describe.skipIf(!readStackEnv().local.kafka)('a coordinator outage while loading', () => {
  it('restarts inside kafkajs, rejoins, and loads every row exactly once', async () => {
    const mock = await startPrivateKafkaMock(3)
    const emu = await startEmulator()
    const database = await targetDatabase(emu)
    const { key, cipher } = testKey()
    const enc = encoderFor(cipher)
    const topic = await mock.createTopic('sink-coord-outage', partitions)
    const dlq = await mock.createTopic('sink-coord-outage-dlq', 1)
    const groupId = groupName()
    await mock.control.setCoordinator('group', groupId, 1)
    for (let p = 0; p < partitions; p++) await mock.control.setLeader(topic, p, 2 + (p % 2))
    await mock.control.setLeader(dlq, 0, 2)

    const producer = mock.kafka().producer({ idempotent: false, maxInFlightRequests: 1 })
    await producer.connect()
    registerCleanup(() => producer.disconnect())
    let produced = 0
    const perPartition = Array<number>(partitions).fill(0)
    const every = [...Array(partitions).keys()]
    /** `n` new rows on each of `to` (ids are unique across partitions). */
    const send = async (n: number, to = every) => {
      const messages = []
      for (const p of to)
        for (let i = 0; i < n; i++) {
          produced += 1
          perPartition[p] = (perPartition[p] ?? 0) + 1
          const row = { id: produced, name: `n${produced}`, amount: null, big: null, doc: null }
          messages.push({ ...enc.encode(upsert(row)), partition: p })
        }
      await producer.send({ topic, messages })
    }

    const logs: Array<Record<string, unknown>> = []
    const raw = rawConfig({ emu, database, key, topics: [topic], dlq, groupId })
    raw.kafka = { ...(raw.kafka as object), brokers: mock.brokers }
    raw.flush = { intervalMs: 200, minTableIntervalMs: 0 }
    await runSinker(raw, { onLog: (l) => logs.push(l) })
    const loads = () => emu.loads.list.filter((l) => l.database === database)
    const loadedRows = () => loads().reduce((n, l) => n + l.rows, 0)

    await send(20)
    await waitFor(() => loadedRows() >= produced, {
      what: 'the rows sent before the outage',
      timeoutMs: 30_000,
    })

    const restarts = () => logs.filter((l) => l.msg === 'consumer crashed' && l.restart === true).length
    await mock.control.brokerDown(1)
    try {
      // rows keep coming while the coordinator is away; it stays away until kafkajs has
      // restarted its consumer, and 2 s more (the restart's join fails meanwhile)
      const deadline = Date.now() + 30_000
      let restartedAt: number | undefined
      while (restartedAt === undefined || Date.now() < restartedAt + 2_000) {
        if (Date.now() > deadline) throw new Error('kafkajs did not restart its consumer within 30 s')
        await send(1)
        await sleep(250)
        if (restartedAt === undefined && restarts() > 0) restartedAt = Date.now()
      }
    } finally {
      await mock.control.brokerUp(1)
    }
    await send(5)

    const admin = mock.kafka().admin()
    await admin.connect()
    try {
      await waitFor(
        async () => {
          const o = await admin.fetchOffsets({ groupId, topics: [topic] })
          const committed = o[0]!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0)
          return committed === produced
        },
        { what: `all ${produced} rows committed after the outage`, timeoutMs: 60_000 },
      )
    } finally {
      await admin.disconnect()
    }

    // the fault fired: kafkajs restarted its consumer, and the sinker joined the group again
    expect(restarts()).toBeGreaterThanOrEqual(1)
    expect(logs.filter((l) => l.msg === 'joined the consumer group').length).toBeGreaterThanOrEqual(2)

    // every label applied once, and per partition the applied ranges tile the offsets
    const applied = loads()
    const labels = applied.map((l) => l.label)
    expect(new Set(labels).size, 'a label applied twice').toBe(labels.length)
    for (let p = 0; p < partitions; p++) {
      const ranges = applied
        .map((l) => ({ ...rangeOf(l.label), rows: l.rows, label: l.label }))
        .filter((r) => r.partition === p)
        .sort((a, b) => a.first - b.first || a.last - b.last)
      let next = 0
      for (const r of ranges) {
        expect(r.first, `partition ${p}: ${r.label} starts at ${r.first}, expected ${next}`).toBe(next)
        expect(r.rows, `partition ${p}: rows applied by ${r.label}`).toBe(r.last - r.first + 1)
        next = r.last + 1
      }
      expect(next, `partition ${p}: offsets loaded`).toBe(perPartition[p])
    }
    expect(loadedRows()).toBe(produced)

    // and the target holds exactly the rows produced
    const rows = await emu.query<Array<Record<'n' | 'lo' | 'hi' | 'bad', unknown>>>(
      `SELECT COUNT(*) AS n, MIN(id) AS lo, MAX(id) AS hi, SUM(name <> CONCAT('n', id)) AS bad
         FROM \`${database}\`.orders`,
    )
    const r = rows[0]!
    expect([r.n, r.lo, r.hi, r.bad].map(Number)).toEqual([produced, 1, produced, 0])
  }, 120_000)
})
