// The demo: the whole system on the embedded local stack, as a user meets it.
//
//   1. a source schema modelled on the seed's (orders sharded by month and by organisation
//      and month, a user table with camelCase columns, a table that must not be captured)
//   2. rule files, StarRocks DDL from `ops-cli gen` applied to the Stream Load emulator
//   3. the shipper (from "now"), snapshots of every rule through `ops-cli snapshot`, the sinker
//   4. a live workload: inserts, updates (some change the primary key), deletes, a new
//      organisation shard created mid-run, an ALTER TABLE … ADD COLUMN
//   5. wait until the warehouse equals the source; print counts, rates, latency and the
//      apps' peak RSS (with --baselines, beside their raw limits: src/baselines.ts)
// Exits 0 only if the warehouse equals the source and no load was applied twice.
import { rmSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { idleModulesPeakRss, type PlainLatencyProbe, peakRssMb, startPlainLatencyProbe } from './baselines.ts'
import { describeDiffs } from './compare.ts'
import { createPipeline, ruleNames, targets } from './pipeline.ts'
import { metricSum, metricWhere } from './processes.ts'
import {
  createRandom,
  ignoredTable,
  lateOrgShard,
  monthShards,
  orderTableDdl,
  orgShards,
  workloadStep,
} from './scenario.ts'
import { type RealStarRocks, readStarRocksEnv } from './warehouse.ts'

// `bash scripts/demo.sh -- --seconds 60` reaches here with the `--` still in front
const args = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'))
const { values } = parseArgs({
  args,
  options: {
    seconds: { type: 'string', default: '30' },
    rows: { type: 'string', default: '5000' },
    rate: { type: 'string', default: '50' },
    keep: { type: 'boolean', default: false },
    baselines: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
})
if (values.help) {
  console.log(`usage: pnpm demo [-- --seconds 30 --rows 5000 --rate 50 --keep --baselines]
  --seconds    length of the live workload (default 30)
  --rows       initial rows per order shard (default 5000)
  --rate       workload transactions per second (default 50)
  --keep       keep the demo databases, topics, consumer groups and logs (.stack/demo/<run>)
  --baselines  also measure the raw limits: plain Kafka produce → consume latency at each
               probe, and the peak RSS of idle node processes with the apps' modules loaded`)
  process.exit(0)
}
const seconds = Number(values.seconds)
const rowsPerTable = Number(values.rows)
const rate = Number(values.rate)

const t0 = Date.now()
const say = (line: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}`)

let starRocks: RealStarRocks | undefined
try {
  starRocks = readStarRocksEnv(process.env)
} catch (err) {
  console.error(`demo: ${(err as Error).message}`)
  process.exit(2)
}
const p = await createPipeline({ log: say, ...(starRocks ? { starRocks } : {}) })
let exitCode = 1
let plain: PlainLatencyProbe | undefined

/** What the summary states about the uncaptured table and the new column, each checked. */
async function checkFacts(unmappedAfterAlter: number): Promise<Array<{ ok: boolean; text: string }>> {
  const db = p.scenario.targetDatabase
  const fromIgnored = [...p.recorder.sourceTables()]
    .filter(([name]) => name === `${p.scenario.database}.${ignoredTable}`)
    .reduce((n, [, c]) => n + c, 0)
  const read = [...p.recorder.sourceTables().values()].reduce((n, c) => n + c, 0)
  const [tables] = (await p.target.query(
    'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
    [db],
  )) as [Array<{ t: string }>, unknown]
  const [channel] = (await p.target.query(
    "SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'ods_order' AND LOWER(COLUMN_NAME) = 'channel'",
    [db],
  )) as [unknown[], unknown]
  const names = tables.map((x) => x.t)
  return [
    {
      ok: fromIgnored === 0 && read > 0,
      text: `uncaptured ${ignoredTable}: ${fromIgnored} of the ${read} messages on the demo's topics come from it`,
    },
    {
      ok: !names.some((n) => n.toLowerCase().includes(ignoredTable)),
      text: `warehouse ${db}: tables ${names.sort().join(', ')} (no ${ignoredTable})`,
    },
    {
      ok: unmappedAfterAlter >= 1,
      text: `new column Channel: the shipper reported ${unmappedAfterAlter} newly seen unmapped column(s) of rule orders_by_month (table_matcher_unmapped_columns_total)`,
    },
    {
      ok: channel.length === 0,
      text: 'new column Channel: ods_order has no channel column, so its values are not stored (add it to the table to load them)',
    },
  ]
}

try {
  await p.prepare(rowsPerTable)
  const shipper = await p.startShipper()
  say(`shipper: started (logs ${shipper.logFile})`)
  // the shipper reads from "now": wait until it serves metrics, i.e. its reader is positioned
  for (let i = 0; i < 100 && !(await shipper.metrics()); i++) await new Promise((r) => setTimeout(r, 200))

  for (const rule of ruleNames(p.scenario)) {
    const out = await p.snapshot(rule)
    const rows = /"rows"\s*:\s*(\d+)/.exec(out)?.[1]
    say(`snapshot ${rule}: done${rows ? `, ${rows} rows` : ''}`)
  }
  await p.startRecorder()
  const sinkerStartedAt = Date.now()
  const sinker = await p.startSinker()
  say(`sinker: started (logs ${sinker.logFile})`)
  if (values.baselines) {
    plain = await startPlainLatencyProbe(p.latencyBaseline)
    say(`baseline: plain kafkajs producer and consumer on ${p.latencyBaseline.topic}, group joined`)
  }
  const unmappedOf = (text: string | undefined) =>
    metricWhere(text, 'sync_table_matcher_unmapped_columns_total', { rule: 'orders_by_month' })
  let unmappedBeforeAlter = 0
  // rows/s of the shipper (acknowledged by Kafka) and the sinker (loaded), per progress window
  const rates = { shipper: [] as number[], sinker: [] as number[] }
  let lastSample = { at: Date.now(), shipped: 0, loaded: 0 }

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
      plain?.probe()
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
      unmappedBeforeAlter = unmappedOf(await shipper.metrics())
      await p.sql(
        `ALTER TABLE \`${p.scenario.database}\`.order_202402 ADD COLUMN Channel VARCHAR(16) NULL DEFAULT 'web'`,
      )
      // a row with the new column, so the shipper meets it whatever the workload picks next
      await p.sql(
        `INSERT INTO \`${p.scenario.database}\`.order_202402 (OrderNo, orgId, Amount, Status, createTime, Channel) VALUES ('ALT1', 1, 9.5, 'new', NOW(), 'app')`,
      )
      say('workload: ALTER TABLE order_202402 ADD COLUMN Channel (the warehouse table has no such column)')
    }
    if (Date.now() >= nextProgress) {
      nextProgress += 3000
      const [sm, km] = await Promise.all([shipper.metrics(), sinker.metrics()])
      const now = {
        at: Date.now(),
        shipped: metricSum(sm, 'sync_shipper_rows_sent_total'),
        loaded: metricSum(km, 'sync_sinker_rows_loaded_total'),
      }
      const secs = (now.at - lastSample.at) / 1000
      rates.shipper.push((now.shipped - lastSample.shipped) / secs)
      rates.sinker.push((now.loaded - lastSample.loaded) / secs)
      lastSample = now
      say(
        `progress: ${txns} source transactions, shipper sent ${metricSum(sm, 'sync_shipper_messages_sent_total')} messages, sinker loaded ${now.loaded} rows, ${latencies.length} latency probes seen`,
      )
    }
    const spent = Date.now() - tick
    if (spent < 100) await new Promise((res) => setTimeout(res, 100 - spent))
  }
  say(`workload: done, ${txns} transactions; waiting for the warehouse to converge`)
  const result = await p.waitConverged(120_000)
  clearInterval(poller)
  const convergedAt = Date.now()
  const audit = p.emulated ? await p.auditDelivery() : undefined
  const twice = audit?.problems ?? []
  const [sm, km] = await Promise.all([shipper.metrics(), sinker.metrics()])
  const facts = await checkFacts(unmappedOf(sm) - unmappedBeforeAlter)
  // VmHWM: the highest RSS each process reached over the whole run
  const memory = { shipper: peakRssMb(shipper.child.pid), sinker: peakRssMb(sinker.child.pid) }
  await plain?.stop()
  const idle = values.baselines
    ? { shipper: await idleModulesPeakRss('shipper'), sinker: await idleModulesPeakRss('sinker') }
    : undefined
  const q = (list: readonly number[], x: number) => {
    const sorted = [...list].sort((a, b) => a - b)
    return sorted[Math.min(sorted.length - 1, Math.floor(x * sorted.length))] ?? Number.NaN
  }
  console.log('')
  console.log('summary')
  console.log(
    `  source → warehouse: ${result.equal ? 'EQUAL' : 'DIFFERENT'} (converged ${(result.ms / 1000).toFixed(1)} s after the workload)`,
  )
  for (const line of describeDiffs(result.diffs).split('\n')) console.log(`    ${line}`)
  console.log(
    `  targets: ${targets.join(', ')} (rules: ods_user from ops-cli gen; the sharded order targets' rules are gen's input, written by hand)`,
  )
  for (const f of facts) console.log(`  ${f.ok ? 'ok  ' : 'FAIL'} ${f.text}`)
  console.log(`  workload: ${txns} transactions in ${seconds} s`)
  const peak = (list: number[]) => Math.round(Math.max(0, ...list))
  const overall = (rows: number, from: number) => Math.round(rows / ((convergedAt - from) / 1000))
  console.log(
    `  shipper: ${metricSum(sm, 'sync_shipper_messages_sent_total')} messages sent; ${overall(metricSum(sm, 'sync_shipper_rows_sent_total'), t0)} rows/s over the run, peak ${peak(rates.shipper)} rows/s (3 s windows)`,
  )
  console.log(
    `  sinker: ${metricSum(km, 'sync_sinker_rows_loaded_total')} rows loaded (${overall(metricSum(km, 'sync_sinker_rows_loaded_total'), sinkerStartedAt)} rows/s since its start, peak ${peak(rates.sinker)} rows/s), ${p.emulated ? `${p.emulator.loads.list.length} Stream Loads, ` : ''}dead letters ${metricSum(km, 'sync_sinker_dead_letters_total')}`,
  )
  if (audit)
    console.log(
      `  exactly once: ${twice.length === 0 ? `every one of ${audit.rowsProduced} row messages loaded once (${audit.loads} loads, no offset range applied twice)` : twice.join('; ')}`,
    )
  else console.log("  exactly once: not audited (a real StarRocks: the load list is the emulator's)")
  console.log('  latency source commit → visible in StarRocks (1 s flush interval):')
  console.log(
    `    running pipeline: p50 ${q(running, 0.5)} ms, p99 ${q(running, 0.99)} ms, max ${q(running, 1)} ms (${running.length} probes after the first was visible)`,
  )
  console.log(
    `    every probe:      p50 ${q(latencies, 0.5)} ms, p99 ${q(latencies, 0.99)} ms (${latencies.length} probes, the first ones wait for the sinker to join its group and catch up)`,
  )
  if (plain)
    console.log(
      `    raw limit, plain kafkajs produce (acks=all) → consume of one message at each probe: p50 ${q(plain.latencies, 0.5).toFixed(1)} ms, p99 ${q(plain.latencies, 0.99).toFixed(1)} ms, max ${q(plain.latencies, 1).toFixed(1)} ms (${plain.latencies.length} messages)`,
    )
  if (firstSeenAt !== undefined)
    console.log(
      `  sinker start → first probe visible: ${((firstSeenAt - sinkerStartedAt) / 1000).toFixed(1)} s`,
    )
  const mb = (x: number | undefined) => (x === undefined ? 'n/a' : `${Math.round(x)} MB`)
  if (memory.shipper !== undefined || memory.sinker !== undefined)
    console.log(
      `  memory, peak RSS over the run (processes through tsx from source): shipper ${mb(memory.shipper)}, sinker ${mb(memory.sinker)}`,
    )
  if (idle)
    console.log(
      `    raw limit, an idle node process with the same modules loaded the same way, nothing started: shipper's ${mb(idle.shipper)}, sinker's ${mb(idle.sinker)}`,
    )
  exitCode = result.equal && twice.length === 0 && facts.every((f) => f.ok) ? 0 : 1
} catch (err) {
  say(`demo failed: ${(err as Error).message}`)
  process.exitCode = 1
} finally {
  await plain?.stop()
  await p.close({ keepData: values.keep })
}
// the run folder (logs, configs, rules, checkpoints) goes with the databases, unless --keep;
// a failed run keeps it for its logs
if (exitCode === 0 && !values.keep) rmSync(p.dir, { recursive: true, force: true })
else say(`logs and configs kept in ${p.dir}`)
say(exitCode === 0 ? 'demo: OK' : 'demo: FAILED')
process.exit(exitCode)
