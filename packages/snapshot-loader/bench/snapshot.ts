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
import { connectMysql, kafkaBrokers, kafkaMockControl, mysqlOptions, uniqueName } from '@sync/test-kit'
import mysql from 'mysql2'
import { createSnapshotLoader, createWorkerSink } from '../src/index.ts'
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
  let n = 0
  for await (const _ of plain.query(`SELECT * FROM \`${db}\`.orders`).stream({ highWaterMark: 2000 })) n++
  const baselineSeconds = (performance.now() - t0) / 1000
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
  for (const placement of placements) {
    const topic = uniqueName('snapbench_batch')
    const control = kafkaMockControl()
    if (control) await control.createTopic(topic, 4, 1)
    // 'none': a sink that acknowledges at once, to show what the loader's own work allows
    const sink =
      placement === 'worker'
        ? createWorkerSink({ module: new URL('./kafka-sink.ts', import.meta.url), options: sinkOptions })
        : placement === 'none'
          ? { send: async () => {}, partitionCount: async () => 4, close: async () => {} }
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
} finally {
  clearInterval(sampler)
  await admin.query(`DROP DATABASE IF EXISTS \`${db}\``)
  await admin.end()
}
