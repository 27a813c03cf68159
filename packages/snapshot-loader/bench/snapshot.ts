// Benchmark: a 2M-row table into Kafka (the stack's broker) through the snapshot loader,
// against a plain mysql2 streaming read of the same table in the same run (the ceiling:
// the loader cannot read faster than that), with peak RSS sampled throughout. The loader
// runs three times: into a sink that acknowledges at once (its own work alone), with
// kafkajs on its own thread, and with kafkajs on a worker thread (createWorkerSink).
// Besides rows/s it prints the CPU time of the process per row and the load average: on a
// shared machine rows/s follows what the other processes leave over, CPU per row less so.
//
// `pnpm bench` runs Node with --max-semi-space-size=64 (a larger young generation: the
// loader allocates a few short-lived objects per row, and the default scavenges often).
//
//   pnpm bench                 (BENCH_ROWS=500000 for a shorter run; BENCH_SINK=none,
//                               thread or worker for some of the runs)
//
// The table is built with INSERT … SELECT from MariaDB's seq_1_to_N sequence table.

import { createEnvelopeCipher, generateKey } from '@sync/crypto-envelope'
import { createTableMatcher, parseRuleSet } from '@sync/table-matcher'
import {
  connectMysql,
  cpuPerCall,
  kafkaBrokers,
  kafkaMockControl,
  mysqlOptions,
  plaintextsLike,
  stackCpu,
  stackCpuSince,
  uniqueName,
} from '@sync/test-kit'
import mysql from 'mysql2'
import { createSnapshotLoader, createWorkerSink, type SinkMessage } from '../src/index.ts'
import { createSink } from './kafka-sink.ts'

const rows = Number(process.env.BENCH_ROWS ?? 2_000_000)
const db = uniqueName('snapbench')
const admin = await connectMysql()
let peakRss = 0
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
}, 50)

try {
  await admin.query(`CREATE DATABASE \`${db}\``)
  await admin.query(
    `CREATE TABLE \`${db}\`.orders (id BIGINT PRIMARY KEY, org_id INT NOT NULL, order_no VARCHAR(32) NOT NULL,
      amount DECIMAL(12,2) NOT NULL, status TINYINT NOT NULL, created_at DATETIME NOT NULL, note VARCHAR(64) NULL)`,
  )
  let t0 = performance.now()
  await admin.query(
    `INSERT INTO \`${db}\`.orders SELECT seq, seq % 500, CONCAT('NO-', seq), (seq % 100000) / 100, seq % 5,
       '2024-01-01 00:00:00' + INTERVAL (seq % 31536000) SECOND, IF(seq % 3 = 0, NULL, CONCAT('note ', seq % 1000))
       FROM \`${db}\`.seq_1_to_${rows}`,
  )
  console.log(`setup: ${rows} rows inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s`)

  // Baseline: a plain mysql2 streaming read of the same table
  const repl = mysqlOptions('repl')
  const connection = {
    host: repl.host as string,
    port: repl.port as number,
    user: repl.user as string,
    password: repl.password as string,
  }
  const plain = mysql.createConnection({
    ...connection,
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
  })
  t0 = performance.now()
  const readCpu0 = process.cpuUsage()
  const readStack0 = stackCpu()
  let n = 0
  for await (const _ of plain.query(`SELECT * FROM \`${db}\`.orders`).stream({ highWaterMark: 2000 })) n++
  const baselineSeconds = (performance.now() - t0) / 1000
  const readCpu = process.cpuUsage(readCpu0)
  const readServer = stackCpuSince(readStack0)
  plain.destroy()
  const baselineRate = n / baselineSeconds
  const rssAfterBaseline = peakRss

  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`
  const os = await import('node:os')
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')
  console.log(
    `node ${process.version}, ${os.cpus().length} cores, load average ${load()} (before the loader runs)`,
  )
  console.log(
    `plain mysql2 stream:        ${n} rows in ${baselineSeconds.toFixed(1)} s = ${Math.round(baselineRate)} rows/s (peak RSS ${mb(rssAfterBaseline)})`,
  )

  // The loader into Kafka, once per sink placement (BENCH_SINK=thread or worker for one):
  // kafkajs on the loader's thread, then on a worker thread (createWorkerSink)
  const placements = (process.env.BENCH_SINK ?? 'none,thread,worker').split(',')
  const sinkOptions = { brokers: kafkaBrokers() }
  // the first messages the loader sends (into the 'none' sink), replayed by a plain producer
  const sample: SinkMessage[] = []
  let loaderCpuPerRow: number | undefined
  for (const placement of placements) {
    const topic = uniqueName('snapbench_batch')
    const control = kafkaMockControl()
    if (control) await control.createTopic(topic, 4, 1)
    // 'none': a sink that acknowledges at once, to show what the loader's own work allows
    const sink =
      placement === 'worker'
        ? createWorkerSink({ module: new URL('./kafka-sink.ts', import.meta.url), options: sinkOptions })
        : placement === 'none'
          ? {
              send: async (_topic: string, messages: readonly SinkMessage[]) => {
                for (const m of messages) if (sample.length < 5000) sample.push(m)
              },
              partitionCount: async () => 4,
              close: async () => {},
            }
          : await createSink(sinkOptions)
    const rule = {
      version: 2,
      name: 'orders',
      match: { database: db, table: 'orders' },
      target: { table: 'ods_orders', topic: 'stream', batch_topic: topic },
      table_name_column: true,
      primary_key: { columns: ['id'], compose: 'table' },
    }
    const loader = createSnapshotLoader({
      connection,
      matcher: createTableMatcher(parseRuleSet([{ file: 'orders.json', text: JSON.stringify(rule) }])),
      sink,
      cipher: createEnvelopeCipher({ key: generateKey(256) }),
      chunkRows: 100_000,
      sendBatchRows: 5_000,
      maxInFlightSends: 4,
    })
    peakRss = 0
    t0 = performance.now()
    const cpu0 = process.cpuUsage()
    const elu0 = performance.eventLoopUtilization()
    const report = await loader.run({ table: { database: db, table: 'orders' } })
    const loaderSeconds = (performance.now() - t0) / 1000
    // CPU of every thread of this process, and how busy the loader's own thread was
    const cpu = process.cpuUsage(cpu0)
    const busy = performance.eventLoopUtilization(elu0).utilization
    await sink.close()
    const loaded = report.targets[0]?.rows ?? 0
    const rate = loaded / loaderSeconds
    if (placement === 'none') loaderCpuPerRow = (cpu.user + cpu.system) / loaded
    const label = {
      worker: 'loader, kafkajs on worker:',
      thread: 'loader, kafkajs on thread:',
      none: 'loader, no Kafka (acks):  ',
    }[placement]
    console.log(
      `${label} ${loaded} rows in ${loaderSeconds.toFixed(1)} s = ${Math.round(rate)} rows/s, ` +
        `${(rate / baselineRate).toFixed(3)}× the plain read, peak RSS ${mb(peakRss)} (${report.tables[0]?.chunks} chunks); ` +
        `CPU ${((cpu.user + cpu.system) / loaded).toFixed(1)} µs per row, loader thread busy ${(busy * 100).toFixed(0)}%, load average ${load()}`,
    )
  }

  // The ceiling on this machine: the CPU a row costs in the parts no loader can skip (mysql2
  // reading it, MariaDB serving it, sealing it, kafkajs producing it, the broker storing it),
  // spread perfectly over every core, with nothing else done (no rendering, mapping or JSON)
  if (sample.length > 0) {
    const produced = await plainProduce(sample, Math.min(rows, 200_000))
    const seal = sealCost(sample)
    const parts: Array<[string, number | undefined]> = [
      ['mysql2 read', (readCpu.user + readCpu.system) / n],
      ['MariaDB serving it', readServer ? (readServer.mysqlMs * 1000) / n : undefined],
      ['seal', seal],
      ['kafkajs produce', produced.cpuPerMessage],
      ['broker', produced.brokerCpuPerMessage],
    ]
    const sum = parts.reduce((t, [, v]) => t + (v ?? 0), 0)
    const cores = os.availableParallelism()
    const f = (x: number | undefined) => (x === undefined ? 'not measured (external)' : `${x.toFixed(1)} µs`)
    console.log(
      `plain kafkajs produce of the loader's messages (${sample.length} cycled, 5,000-message sends, acks=all): ${Math.round(produced.rate)} rows/s`,
    )
    console.log(
      `CPU per row in the parts no loader can skip: ${parts.map(([k, v]) => `${k} ${f(v)}`).join(' + ')} = ${sum.toFixed(1)} µs; ` +
        `on ${cores} cores at most ${Math.round((cores * 1e6) / sum)} rows/s with nothing else done and every core busy` +
        (loaderCpuPerRow === undefined
          ? ''
          : `; with the loader's own work (read, render, map, seal, JSON: ${loaderCpuPerRow.toFixed(1)} µs) instead of read + seal: at most ${Math.round((cores * 1e6) / (sum - parts[0]![1]! - seal + loaderCpuPerRow))} rows/s`),
    )
  }
} finally {
  clearInterval(sampler)
  await admin.query(`DROP DATABASE IF EXISTS \`${db}\``)
  await admin.end()
}

/** A plain kafkajs producer sending `count` messages cycled from `sample`: rows/s and CPU. */
async function plainProduce(sample: readonly SinkMessage[], count: number) {
  const topic = uniqueName('snapbench_plain')
  await kafkaMockControl()?.createTopic(topic, 4, 1)
  const sink = await createSink({ brokers: kafkaBrokers() })
  try {
    const batches: SinkMessage[][] = []
    for (let i = 0; i < count; i += 5000) {
      batches.push(
        Array.from({ length: Math.min(5000, count - i) }, (_, j) => sample[(i + j) % sample.length]!),
      )
    }
    const stack0 = stackCpu()
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    for (const b of batches) await sink.send(topic, b)
    const ms = performance.now() - t0
    const cpu = process.cpuUsage(cpu0)
    const stack = stackCpuSince(stack0)
    return {
      rate: (count / ms) * 1000,
      cpuPerMessage: (cpu.user + cpu.system) / count,
      brokerCpuPerMessage: stack ? (stack.kafkaMs * 1000) / count : undefined,
    }
  } finally {
    await sink.close()
  }
}

/** CPU µs per seal of plaintexts as long as the sample's rows, with the package the loader uses. */
function sealCost(sample: readonly SinkMessage[]): number {
  const cipher = createEnvelopeCipher({ key: generateKey(256) })
  return cpuPerCall(plaintextsLike(sample.map((m) => m.value)), (p) => cipher.sealToBytes(p))
}
