// The demo: the whole system on the embedded local stack, as a user meets it.
//
//   1. a source schema modelled on the seed's (orders sharded by month and by organisation
//      and month, a user table with camelCase columns, a table that must not be captured)
//   2. rule files, StarRocks DDL from `ops-cli gen` applied to the Stream Load emulator
//   3. the shipper (from "now"), snapshots of every rule through `ops-cli snapshot`, the sinker
//   4. a live workload: inserts, updates (some change the primary key), deletes, a new
//      organisation shard created mid-run, an ALTER TABLE … ADD COLUMN
//   5. wait until the warehouse equals the source; print counts, rates and latency
// Exits 0 only if the warehouse equals the source and no load was applied twice.
import { parseArgs } from 'node:util'
import { describeDiffs } from './compare.ts'
import { createPipeline, targets } from './pipeline.ts'
import { metricSum } from './processes.ts'
import {
  createRandom,
  lateOrgShard,
  monthShards,
  orderTableDdl,
  orgShards,
  workloadStep,
} from './scenario.ts'

// `bash scripts/demo.sh -- --seconds 60` reaches here with the `--` still in front
const args = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'))
const { values } = parseArgs({
  args,
  options: {
    seconds: { type: 'string', default: '30' },
    rows: { type: 'string', default: '5000' },
    rate: { type: 'string', default: '50' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
})
if (values.help) {
  console.log(`usage: pnpm demo [-- --seconds 30 --rows 5000 --rate 50 --keep]
  --seconds  length of the live workload (default 30)
  --rows     initial rows per order shard (default 5000)
  --rate     workload transactions per second (default 50)
  --keep     keep the demo databases and logs (.stack/demo/<run>) afterwards`)
  process.exit(0)
}
const seconds = Number(values.seconds)
const rowsPerTable = Number(values.rows)
const rate = Number(values.rate)

const t0 = Date.now()
const say = (line: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}`)

const p = await createPipeline({ log: say })
let exitCode = 1
try {
  await p.prepare(rowsPerTable)
  const shipper = await p.startShipper()
  say(`shipper: started (logs ${shipper.logFile})`)
  // the shipper reads from "now": wait until it serves metrics, i.e. its reader is positioned
  for (let i = 0; i < 100 && !(await shipper.metrics()); i++) await new Promise((r) => setTimeout(r, 200))

  for (const rule of ['orders_by_month', 'orders_by_org_month', 'users']) {
    const out = await p.snapshot(rule)
    const rows = /"rows"\s*:\s*(\d+)/.exec(out)?.[1]
    say(`snapshot ${rule}: done${rows ? `, ${rows} rows` : ''}`)
  }
  const sinkerStartedAt = Date.now()
  const sinker = await p.startSinker()
  say(`sinker: started (logs ${sinker.logFile})`)

  // live workload, with latency probes: a user row inserted every 500 ms, timed until visible
  const r = createRandom(42)
  const tables: string[] = [...monthShards, ...orgShards]
  const probes = new Map<number, number>()
  const latencies: number[] = []
  // probes committed after the first one became visible: the sinker had joined its group and
  // caught up by then, so these measure the running pipeline, not its start
  const running: number[] = []
  let firstSeenAt: number | undefined
  let probeId = 10_000_000
  let txns = 0
  const stopAt = Date.now() + seconds * 1000
  let nextProgress = Date.now() + 3000
  let alteredAt = 0
  let sharded = false
  const poller = setInterval(async () => {
    if (probes.size === 0) return
    try {
      const ids = [...probes.keys()]
      const [rows] = (await p.target.query(
        `SELECT user_id FROM \`${p.scenario.targetDatabase}\`.ods_user WHERE user_id IN (${ids.join(',')})`,
      )) as [Array<{ user_id: number | string }>, unknown]
      const now = Date.now()
      for (const row of rows) {
        const id = Number(row.user_id)
        const at = probes.get(id)
        if (at !== undefined) {
          latencies.push(now - at)
          if (firstSeenAt === undefined) firstSeenAt = now
          else if (at >= firstSeenAt) running.push(now - at)
          probes.delete(id)
        }
      }
    } catch {
      // the next poll tries again
    }
  }, 50)

  say(`workload: ${rate} transactions/s for ${seconds} s`)
  while (Date.now() < stopAt) {
    const tick = Date.now()
    for (let i = 0; i < rate / 10; i++) {
      for (const s of workloadStep(p.scenario, r, tables)) await p.sql(s)
      txns += 1
    }
    if (tick % 500 < 100) {
      probeId += 1
      await p.sql(
        `INSERT INTO \`${p.scenario.database}\`.userInfo (userId, UserName, createdAt) VALUES (${probeId}, 'probe', NOW())`,
      )
      probes.set(probeId, Date.now())
    }
    if (!sharded && Date.now() > t0 && Date.now() > stopAt - (seconds * 1000) / 2) {
      sharded = true
      await p.sql([`USE \`${p.scenario.database}\``, orderTableDdl(lateOrgShard)])
      await p.sql(
        `INSERT INTO \`${p.scenario.database}\`.\`${lateOrgShard}\` (OrderNo, orgId, Amount, Status, createTime) VALUES ('NEW1', 3, 1.5, 'new', NOW()), ('NEW2', 3, 2.5, 'paid', NOW())`,
      )
      tables.push(lateOrgShard)
      say(`workload: created the new organisation shard ${lateOrgShard}`)
    }
    if (!alteredAt && Date.now() > stopAt - (seconds * 1000) / 3) {
      alteredAt = Date.now()
      await p.sql(
        `ALTER TABLE \`${p.scenario.database}\`.order_202402 ADD COLUMN Channel VARCHAR(16) NULL DEFAULT 'web'`,
      )
      say(
        'workload: ALTER TABLE order_202402 ADD COLUMN Channel (not in the warehouse: reported, not loaded)',
      )
    }
    if (Date.now() >= nextProgress) {
      nextProgress += 3000
      const [sm, km] = await Promise.all([shipper.metrics(), sinker.metrics()])
      say(
        `progress: ${txns} source transactions, shipper sent ${metricSum(sm, 'sync_shipper_messages_sent_total')} messages, sinker loaded ${metricSum(km, 'sync_sinker_rows_loaded_total')} rows, ${latencies.length} latency probes seen`,
      )
    }
    const spent = Date.now() - tick
    if (spent < 100) await new Promise((res) => setTimeout(res, 100 - spent))
  }
  say(`workload: done, ${txns} transactions; waiting for the warehouse to converge`)
  const result = await p.waitConverged(120_000)
  clearInterval(poller)
  const twice = p.doubleApplied()
  const [sm, km] = await Promise.all([shipper.metrics(), sinker.metrics()])
  const q = (list: number[], x: number) => {
    const sorted = [...list].sort((a, b) => a - b)
    return sorted[Math.min(sorted.length - 1, Math.floor(x * sorted.length))] ?? Number.NaN
  }
  console.log('')
  console.log('summary')
  console.log(
    `  source → warehouse: ${result.equal ? 'EQUAL' : 'DIFFERENT'} (converged ${(result.ms / 1000).toFixed(1)} s after the workload)`,
  )
  for (const line of describeDiffs(result.diffs).split('\n')) console.log(`    ${line}`)
  console.log(`  targets: ${targets.join(', ')}; uncaptured table audit_log: not shipped`)
  console.log(`  workload: ${txns} transactions in ${seconds} s`)
  console.log(`  shipper: ${metricSum(sm, 'sync_shipper_messages_sent_total')} messages sent`)
  console.log(
    `  sinker: ${metricSum(km, 'sync_sinker_rows_loaded_total')} rows loaded, ${p.emulator.loads.list.length} Stream Loads, dead letters ${metricSum(km, 'sync_sinker_dead_letters_total')}`,
  )
  console.log(`  loads applied twice: ${twice.length === 0 ? 'none' : twice.join(', ')}`)
  console.log('  latency source commit → visible in StarRocks (1 s flush interval):')
  console.log(
    `    running pipeline: p50 ${q(running, 0.5)} ms, p99 ${q(running, 0.99)} ms, max ${q(running, 1)} ms (${running.length} probes after the first was visible)`,
  )
  console.log(
    `    every probe:      p50 ${q(latencies, 0.5)} ms, p99 ${q(latencies, 0.99)} ms (${latencies.length} probes, the first ones wait for the sinker to join its group and catch up)`,
  )
  if (firstSeenAt !== undefined)
    console.log(
      `  sinker start → first probe visible: ${((firstSeenAt - sinkerStartedAt) / 1000).toFixed(1)} s`,
    )
  exitCode = result.equal && twice.length === 0 ? 0 : 1
} catch (err) {
  say(`demo failed: ${(err as Error).message}`)
} finally {
  await p.close({ keepData: values.keep })
}
say(exitCode === 0 ? 'demo: OK' : 'demo: FAILED')
process.exit(exitCode)
