// The fault-injection suite: the whole system under the failures users meet. One pipeline
// runs through every scenario in turn; each ends with the warehouse equal to the source
// and no Stream Load applied twice (label dedupe), checked before the next one starts.
import { readFile } from 'node:fs/promises'
import { connectMysql, kafkaMockControl, readStackEnv } from '@sync/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeDiffs } from '../../src/compare.ts'
import { createPipeline, type Pipeline } from '../../src/pipeline.ts'
import { createRandom, monthShards, orgShards } from '../../src/scenario.ts'

const tables = [...monthShards, ...orgShards]
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
let p: Pipeline

async function expectConverged(what: string): Promise<void> {
  const result = await p.waitConverged(90_000)
  expect(
    result.equal,
    `${what}: the warehouse differs from the source:\n${describeDiffs(result.diffs)}`,
  ).toBe(true)
  expect(p.doubleApplied(), `${what}: loads applied twice`).toEqual([])
}

/** Runs `body` while a workload runs, and stops the workload whatever happens. */
async function withWorkload(perSecond: number, seed: number, body: () => Promise<void>): Promise<void> {
  const load = p.startWorkload(perSecond, seed, tables)
  try {
    await body()
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
  const i = p.apps.findIndex(
    (a) => a.name === name && a.child.exitCode === null && a.child.signalCode === null,
  )
  if (i >= 0) await p.apps[i]!.stop('SIGKILL')
  return name === 'shipper'
    ? p.startShipper()
    : p.startSinker('sinker', { target: { requestTimeoutMs: 4_000 } })
}

beforeAll(async () => {
  p = await createPipeline({ rowsPerTable: 500 })
  await p.prepare()
  const shipper = await p.startShipper()
  for (let i = 0; i < 100 && !(await shipper.metrics()); i++) await sleep(200)
  await p.startSinker('sinker', { target: { requestTimeoutMs: 4_000 } })
  for (const rule of ['orders_by_month', 'orders_by_org_month', 'users']) await p.snapshot(rule)
}, 180_000)

afterAll(async () => {
  await p?.close()
}, 60_000)

describe.skipIf(!readStackEnv().local.kafka)('faults (the mock broker is needed for broker down/up)', () => {
  it('starts equal after the initial snapshot', async () => {
    await expectConverged('initial snapshot')
  })

  it.each([11, 23, 37])('survives kill -9 of the shipper at a random point (seed %i)', async (seed) => {
    const r = createRandom(seed)
    await withWorkload(40, seed, async () => {
      await sleep(r.int(300, 2_500))
      await restart('shipper')
      await sleep(r.int(500, 2_000))
    })
    await expectConverged(`shipper kill -9, seed ${seed}`)
  })

  it('survives kill -9 of the sinker mid-load', async () => {
    await withWorkload(60, 5, async () => {
      await sleep(1_700)
      await restart('sinker')
      await sleep(1_000)
    })
    await expectConverged('sinker kill -9')
  })

  it('survives a Kafka broker going down and up', async () => {
    const control = kafkaMockControl()!
    await withWorkload(40, 7, async () => {
      await sleep(500)
      await control.brokerDown(1)
      try {
        await sleep(4_000)
      } finally {
        await control.brokerUp(1)
      }
    })
    await expectConverged('broker down/up')
  })

  it('survives Stream Load 5xx, client timeouts and Publish Timeout', async () => {
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
  })

  it('survives KILL of the binlog dump connection on the server', async () => {
    const admin = await connectMysql()
    try {
      await withWorkload(40, 13, async () => {
        await sleep(1_000)
        const [dumps] = (await admin.query(
          "SELECT ID AS id FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'",
        )) as [Array<{ id: number }>, unknown]
        expect(dumps.length).toBeGreaterThan(0)
        for (const d of dumps) await admin.query(`KILL ${d.id}`).catch(() => undefined)
        await sleep(1_500)
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
      await exited
      const resumed = JSON.parse(await p.snapshot('orders_by_month', run))
      expect(resumed, 'the second run resumes the first').toMatchObject({ resumed: true })
    })
    await expectConverged('snapshot interrupted and resumed')
  }, 180_000)

  it('catches up after a sinker restart with a large backlog', async () => {
    const sinker = p.apps.find(
      (a) => a.name === 'sinker' && a.child.exitCode === null && a.child.signalCode === null,
    )
    expect(sinker, 'a running sinker').toBeDefined()
    await sinker!.stop('SIGTERM')
    await p.sql(
      `INSERT INTO \`${p.scenario.database}\`.order_org1_202401 (OrderNo, orgId, Amount, Status, createTime) SELECT CONCAT('B', seq), 1, seq / 100, 'paid', '2024-01-20 10:00:00' FROM seq_1_to_8000`,
    )
    await withWorkload(40, 19, async () => {
      await sleep(2_000)
    })
    await p.startSinker('sinker', { target: { requestTimeoutMs: 4_000 } })
    await expectConverged('sinker restart after a backlog')
  })
})
