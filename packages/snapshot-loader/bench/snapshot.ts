// Benchmark: a 2M-row table into Kafka (the stack's broker) through the snapshot loader,
// against a plain mysql2 streaming read of the same table in the same run (the ceiling:
// the loader cannot read faster than that), with peak RSS sampled throughout.
//
//   pnpm bench                 (BENCH_ROWS=500000 pnpm bench for a shorter run)
//
// The table is built with INSERT … SELECT from MariaDB's seq_1_to_N sequence table.

import { createEnvelopeCipher, generateKey } from '@sync/crypto-envelope'
import { createTableMatcher, parseRuleSet } from '@sync/table-matcher'
import { connectMysql, createTestKafka, kafkaMockControl, mysqlOptions, uniqueName } from '@sync/test-kit'
import mysql from 'mysql2'
import { createSnapshotLoader, type SnapshotSink } from '../src/index.ts'

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

  // The loader into Kafka
  const topic = uniqueName('snapbench_batch')
  const control = kafkaMockControl()
  if (control) await control.createTopic(topic, 4, 1)
  const kafka = createTestKafka()
  const producer = kafka.producer({ idempotent: false, maxInFlightRequests: 1, allowAutoTopicCreation: true })
  const kadmin = kafka.admin()
  await producer.connect()
  await kadmin.connect()
  const sink: SnapshotSink = {
    async send(t, messages) {
      await producer.send({
        topic: t,
        acks: -1,
        messages: messages.map((m) => ({
          key: m.key,
          value: m.value,
          headers: m.headers,
          ...(m.partition === undefined ? {} : { partition: m.partition }),
        })),
      })
    },
    async partitionCount(t) {
      const meta = await kadmin.fetchTopicMetadata({ topics: [t] })
      return meta.topics[0]?.partitions.length ?? 0
    },
  }
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
  const report = await loader.run({ table: { database: db, table: 'orders' } })
  const loaderSeconds = (performance.now() - t0) / 1000
  await producer.disconnect()
  await kadmin.disconnect()
  const loaderRate = (report.targets[0]?.rows ?? 0) / loaderSeconds

  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`
  console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} cores`)
  console.log(
    `plain mysql2 stream:   ${n} rows in ${baselineSeconds.toFixed(1)} s = ${Math.round(baselineRate)} rows/s (peak RSS ${mb(rssAfterBaseline)})`,
  )
  console.log(
    `snapshot-loader:       ${report.targets[0]?.rows} rows in ${loaderSeconds.toFixed(1)} s = ${Math.round(loaderRate)} rows/s, ` +
      `${(loaderRate / baselineRate).toFixed(2)}× the plain read, peak RSS ${mb(peakRss)} (${report.tables[0]?.chunks} chunks)`,
  )
} finally {
  clearInterval(sampler)
  await admin.query(`DROP DATABASE IF EXISTS \`${db}\``)
  await admin.end()
}
