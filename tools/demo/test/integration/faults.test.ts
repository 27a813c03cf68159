// The fault-injection suite: the whole system under the failures users meet. One pipeline
// runs through every scenario in turn; each ends with the warehouse equal to the source and
// every row message loaded exactly once, checked before the next one starts: the offset
// ranges of the applied loads (read from their labels) never overlap per topic-partition,
// each load applied the rows of its range, and the rows applied equal the rows produced
// (src/delivery-audit.ts). Each scenario also proves its fault really fired: the Stream
// Load side is watched through a recording proxy (src/load-tap.ts), the dump thread killed
// is the shipper's own, the broker refuses requests while the workload runs.
import { readFile } from 'node:fs/promises'
import { createConnection } from 'node:net'
import { connectMysql, kafkaMockControl } from '@sync/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeDiffs } from '../../src/compare.ts'
import type { TappedLoad } from '../../src/load-tap.ts'
import { createPipeline, type Pipeline, ruleNames, targets } from '../../src/pipeline.ts'
import { metricSum } from '../../src/processes.ts'
import { createRandom, monthShards, orgShards } from '../../src/scenario.ts'

const tables = [...monthShards, ...orgShards]
const backlogRowsPerTable = 60_000
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
let p: Pipeline

async function expectConverged(what: string): Promise<void> {
  const result = await p.waitConverged(90_000)
  expect(
    result.equal,
    `${what}: the warehouse differs from the source:\n${describeDiffs(result.diffs)}`,
  ).toBe(true)
  const audit = await p.auditDelivery()
  expect(audit.problems, `${what}: row messages not loaded exactly once`).toEqual([])
  expect(audit.rowsApplied, `${what}: rows applied vs rows produced`).toBe(audit.rowsProduced)
}

/** Polls `check` every 50 ms until it returns a value, or fails naming `what`. */
async function until<T>(
  what: string,
  timeoutMs: number,
  check: () => T | undefined | Promise<T | undefined>,
) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await check()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await sleep(50)
  }
}

/** Does the broker at host:port answer an ApiVersions request? (false: refused or closed) */
function brokerAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port })
    const done = (v: boolean) => {
      socket.destroy()
      resolve(v)
    }
    socket.setTimeout(1_500, () => done(false))
    socket.on('error', () => done(false))
    socket.on('close', () => done(false))
    socket.on('data', () => done(true))
    socket.on('connect', () => {
      // ApiVersions v0: size, api key 18, version 0, correlation id 1, client id "probe"
      const client = Buffer.from('probe')
      const body = Buffer.alloc(10 + client.length)
      body.writeInt16BE(18, 0)
      body.writeInt16BE(0, 2)
      body.writeInt32BE(1, 4)
      body.writeInt16BE(client.length, 8)
      client.copy(body, 10)
      const size = Buffer.alloc(4)
      size.writeInt32BE(body.length)
      socket.write(Buffer.concat([size, body]))
    })
  })
}

/** Runs `body` while a workload runs, and stops the workload whatever happens. */
async function withWorkload(
  perSecond: number,
  seed: number,
  body: (load: { readonly count: number }) => Promise<void>,
): Promise<void> {
  const load = p.startWorkload(perSecond, seed, tables)
  try {
    await body(load)
  } finally {
    await load.stop()
  }
}

/** Rows a snapshot's state file says were sent (0 while there is no file yet). */
async function rowsSaved(statePath: string): Promise<number> {
  try {
    const state = JSON.parse(await readFile(statePath, 'utf8')) as {
      tables: Record<string, { rows: number }>
    }
    return Object.values(state.tables).reduce((n, t) => n + t.rows, 0)
  } catch {
    return 0
  }
}

async function restart(name: 'shipper' | 'sinker') {
  await p.running(name)?.stop('SIGKILL')
  return name === 'shipper'
    ? p.startShipper()
    : p.startSinker('sinker', { target: { requestTimeoutMs: 4_000 } })
}

beforeAll(async () => {
  // 24 partitions per order stream topic: the mock keeps ~5 MB per partition, and the backlog
  // scenario leaves ~120,000 messages waiting
  p = await createPipeline({ rowsPerTable: 500, tapLoads: true, streamPartitions: 24 })
  await p.prepare()
  const shipper = await p.startShipper()
  for (let i = 0; i < 100 && !(await shipper.metrics()); i++) await sleep(200)
  await p.startSinker('sinker', { target: { requestTimeoutMs: 4_000 } })
  for (const rule of ruleNames(p.scenario)) await p.snapshot(rule)
  await p.startRecorder()
}, 180_000)

afterAll(async () => {
  await p?.close()
}, 60_000)

// Only the broker down/up scenario needs the local mock cluster: it stops a broker through the
// mock's control channel (tools/stack), and nothing here can stop a broker of an external
// Kafka (KAFKA_BROKERS). Every other scenario runs against any Kafka.
const brokerControl = kafkaMockControl()

describe('faults', () => {
  it('starts equal after the initial snapshot', async () => {
    await expectConverged('initial snapshot')
  })

  it.each([11, 23, 37])('survives kill -9 of the shipper at a random point (seed %i)', async (seed) => {
    const r = createRandom(seed)
    await withWorkload(40, seed, async () => {
      await sleep(r.int(300, 2_500))
      const running = p.running('shipper')
      expect(running, 'a running shipper to kill').toBeDefined()
      await restart('shipper')
      expect(await running!.exited, 'the shipper died of the kill').toBe('SIGKILL')
      await sleep(r.int(500, 2_000))
    })
    await expectConverged(`shipper kill -9, seed ${seed}`)
  })

  it('survives kill -9 of the sinker mid-load', async () => {
    let victim: TappedLoad | undefined
    await withWorkload(60, 5, async () => {
      // the next load is held 3 s inside the BE after its body arrived, before it is applied
      p.emulator.setFault({ kind: 'latency', ms: 3_000, phase: 'before-apply', times: 1 })
      const since = Date.now()
      victim = await until('a Stream Load in flight', 20_000, () =>
        p.tap.inFlight().find((l) => l.startedAt >= since && Date.now() - l.startedAt >= 300),
      )
      await restart('sinker')
      await until('the killed sinker to drop its load', 5_000, () =>
        victim!.clientGaveUp ? true : undefined,
      )
      await sleep(1_000)
    })
    await expectConverged('sinker kill -9')
    expect(victim!.httpStatus, 'the load was in flight when the sinker died').toBeUndefined()
    // the BE applied the load its client never heard back about; the new sinker re-sent the
    // same label (from the batch plan it committed first) and it was not applied again
    expect(p.emulator.loads.applied(victim!.label), `applications of ${victim!.label}`).toBe(1)
    const resent = p.tap.loads.filter((l) => l.label === victim!.label && l !== victim)
    expect(resent.length, `${victim!.label} sent again by the restarted sinker`).toBeGreaterThan(0)
  })

  it.skipIf(!brokerControl)('survives a Kafka broker going down and up', async () => {
    const control = brokerControl!
    const cluster = await p.recorder.admin.describeCluster()
    const broker = cluster.brokers.find((b) => b.nodeId === 1)
    expect(broker, 'broker 1 in the cluster metadata').toBeDefined()
    const led = await p.recorder.admin.fetchTopicMetadata({ topics: [p.topics('ods_order').stream] })
    const onBroker = led.topics[0]!.partitions.filter((x) => x.leader === 1).map((x) => x.partitionId)
    expect(onBroker.length, 'partitions of ods_order led by broker 1').toBeGreaterThan(0)
    const shipper = p.running('shipper')!
    const failuresBefore = metricSum(await shipper.metrics(), 'sync_shipper_kafka_send_failures_total')
    let answeredWhileDown = true
    let txnsWhileDown = 0
    let failuresWhileDown = 0
    await withWorkload(40, 7, async (load) => {
      await sleep(500)
      await control.brokerDown(1)
      const atDown = load.count
      try {
        await sleep(1_000)
        answeredWhileDown = await brokerAnswers(broker!.host, broker!.port)
        await sleep(3_000)
        failuresWhileDown =
          metricSum(await shipper.metrics(), 'sync_shipper_kafka_send_failures_total') - failuresBefore
        txnsWhileDown = load.count - atDown
      } finally {
        await control.brokerUp(1)
      }
    })
    expect(answeredWhileDown, 'broker 1 answered while it was down').toBe(false)
    expect(await brokerAnswers(broker!.host, broker!.port), 'broker 1 answers once up').toBe(true)
    expect(txnsWhileDown, 'source transactions committed while the broker was down').toBeGreaterThan(50)
    expect(failuresWhileDown, 'shipper sends Kafka did not acknowledge while down').toBeGreaterThan(0)
    await expectConverged('broker down/up')
  })

  it('survives Stream Load 5xx, client timeouts and Publish Timeout', async () => {
    const since = Date.now()
    await withWorkload(40, 9, async () => {
      p.emulator.setFault({ kind: 'http-error', status: 503, times: 3 })
      await sleep(1_500)
      // applied, but the answer comes after the sinker's 4 s request timeout: a retry with the same label
      p.emulator.setFault({ kind: 'latency', ms: 6_000, phase: 'after-apply', times: 1 })
      await sleep(1_500)
      p.emulator.setFault({ kind: 'publish-timeout', visibleAfterMs: 1_000, times: 2 })
      await sleep(1_500)
    })
    try {
      await expectConverged('Stream Load faults')
    } finally {
      p.emulator.clearFaults()
    }
    const seen = p.tap.loads.filter((l) => l.startedAt >= since)
    expect(seen.filter((l) => l.httpStatus === 503).length, 'loads answered 503').toBe(3)
    const gaveUp = seen.filter((l) => l.clientGaveUp)
    expect(gaveUp.length, 'loads the sinker timed out on').toBeGreaterThanOrEqual(1)
    for (const l of gaveUp)
      expect(p.emulator.loads.applied(l.label), `applications of timed-out ${l.label}`).toBe(1)
    expect(seen.filter((l) => l.loadStatus === 'Publish Timeout').length, 'Publish Timeout replies').toBe(2)
  })

  it('survives KILL of the binlog dump connection on the server', async () => {
    const admin = await connectMysql()
    try {
      await withWorkload(40, 13, async () => {
        await sleep(1_000)
        // only this suite's shipper: other clients of a shared server keep their dump threads
        const dumps = await p.shipperDumpThreads()
        expect(dumps.length, "the shipper's binlog dump threads").toBeGreaterThan(0)
        for (const id of dumps) await admin.query(`KILL ${id}`)
        // KILL marks the thread; it leaves the processlist once it notices
        await until('the killed dump threads to end', 10_000, async () => {
          const [left] = (await admin.query(
            `SELECT ID FROM information_schema.PROCESSLIST WHERE ID IN (${dumps.join(',')})`,
          )) as [unknown[], unknown]
          return left.length === 0 ? true : undefined
        })
        const again = await until('the shipper to open a new dump connection', 30_000, async () => {
          const now = await p.shipperDumpThreads()
          return now.length > 0 ? now : undefined
        })
        expect(
          again.some((id) => dumps.includes(id)),
          'a new dump thread',
        ).toBe(false)
        await sleep(1_000)
      })
    } finally {
      await admin.end()
    }
    await expectConverged('KILL of the dump connection')
  })

  it('survives a snapshot interrupted and resumed while the stream runs', async () => {
    await p.sql(
      `INSERT INTO \`${p.scenario.database}\`.order_202403 (OrderNo, orgId, Amount, Status, createTime) SELECT CONCAT('S', seq), 2, seq / 100, 'new', '2024-03-15 10:00:00' FROM seq_1_to_4000`,
    )
    await withWorkload(40, 17, async () => {
      // a state file of its own: the one from beforeAll says this rule is complete already
      const run = { chunkRows: 500, run: 'interrupted' }
      const child = p.spawnSnapshot('orders_by_month', run)
      const exited = new Promise((r) => child.once('exit', r))
      const statePath = p.snapshotStatePath('orders_by_month', run)
      // interrupt once some chunks are saved, so the second run has something to resume
      for (let i = 0; i < 300 && (await rowsSaved(statePath)) === 0; i++) await sleep(100)
      expect(await rowsSaved(statePath), 'rows saved before the interruption').toBeGreaterThan(0)
      expect(child.exitCode, 'the snapshot ended before it could be interrupted').toBeNull()
      child.kill('SIGKILL')
      expect(await exited, 'the snapshot died of the kill').toBe(null)
      expect(child.signalCode).toBe('SIGKILL')
      const resumed = JSON.parse(await p.snapshot('orders_by_month', run))
      expect(resumed, 'the second run resumes the first').toMatchObject({ resumed: true })
    })
    await expectConverged('snapshot interrupted and resumed')
  }, 180_000)

  it('catches up after a sinker restart with a large backlog', async () => {
    const sinker = p.running('sinker')
    expect(sinker, 'a running sinker').toBeDefined()
    await sinker!.stop('SIGTERM')
    const rowsIn = (t: string) =>
      [p.topics(t).stream].reduce(
        (n, topic) =>
          n +
          p.recorder.partitions(topic).reduce((m, part) => m + p.recorder.rowOffsets(topic, part).length, 0),
        0,
      )
    await p.recorder.catchUp()
    const before = targets.reduce((n, t) => n + rowsIn(t), 0)
    // two bulk statements of 60,000 rows each while the sinker is away
    for (const [table, org] of [
      ['order_org1_202401', 1],
      ['order_202401', 4],
    ] as const) {
      await p.sql(
        `INSERT INTO \`${p.scenario.database}\`.${table} (OrderNo, orgId, Amount, Status, createTime) SELECT CONCAT('B', seq), ${org}, seq / 100, 'paid', '2024-01-20 10:00:00' FROM seq_1_to_${backlogRowsPerTable}`,
      )
    }
    await withWorkload(40, 19, async () => {
      await sleep(2_000)
    })
    // the backlog is in Kafka before the sinker comes back
    await until('the shipper to send the backlog', 120_000, async () => {
      await p.recorder.catchUp()
      return targets.reduce((n, t) => n + rowsIn(t), 0) - before >= 2 * backlogRowsPerTable ? true : undefined
    })
    const restartedAt = Date.now()
    await p.startSinker('sinker', { target: { requestTimeoutMs: 4_000 } })
    await expectConverged('sinker restart after a backlog')
    console.log(
      `backlog of ${targets.reduce((n, t) => n + rowsIn(t), 0) - before} stream rows caught up ${((Date.now() - restartedAt) / 1000).toFixed(1)} s after the sinker restart`,
    )
  }, 240_000)
})
