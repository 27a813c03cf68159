// Throughput of 10k-row batches of ~250-byte rows:
//  1. baseline: a plain undici PUT of the same bytes to a server that discards the body;
//  2. the client (BE mode, pre-serialised body) to the same server, which answers Success;
//  3. the client from rows (serialisation included) to the same server;
//  4. the full path: client → emulator FE 307 → BE → MariaDB.
// Run: pnpm exec tsx bench/load.ts (the local stack must be up for step 4).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { cpus } from 'node:os'
import { startStarRocksEmulator } from '@sync/starrocks-emulator'
import { createTestDatabase, mysqlOptions } from '@sync/test-kit'
import { Agent } from 'undici'
import { createStreamLoadClient, serializeRows } from '../src/index.ts'

const ROWS = 10_000
const BATCHES = Number(process.env.BENCH_BATCHES ?? 40)

function makeRows(offset: number) {
  return Array.from({ length: ROWS }, (_, i) => ({
    id: offset + i,
    org_id: 1000 + (i % 97),
    name: `customer-${(offset + i).toString(36).padStart(8, '0')}`,
    email: `user${i}@example.org`,
    amount: '12345.6789000000',
    status: 'PAID',
    note: 'x'.repeat(26),
    created_at: '2024-05-01 12:34:56.123456',
    updated_at: '2024-05-01 12:34:57',
    __op: 0,
  }))
}

const rows = makeRows(0)
const body = Buffer.from(serializeRows(rows))
const rowBytes = body.length / ROWS

const sink = createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    const reply = JSON.stringify({
      TxnId: 1,
      Label: req.headers.label ?? '',
      Status: 'Success',
      Message: 'OK',
      NumberLoadedRows: ROWS,
    })
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(reply) })
    res.end(reply)
  })
})
await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r))
const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`

let labels = 0
type Run = (i: number) => Promise<void>

async function timeIt(batches: number, fn: Run): Promise<number> {
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < batches; i++) await fn(labels++)
  return Number(process.hrtime.bigint() - t0) / 1e9
}

function result(name: string, batches: number, s: number) {
  const rps = (batches * ROWS) / s
  const mbps = (batches * body.length) / s / 1e6
  return { name, rowsPerSec: Math.round(rps), mbPerSec: Number(mbps.toFixed(1)) }
}

const agent = new Agent({ connections: 1 })
const client = createStreamLoadClient({
  endpoints: sinkUrl,
  mode: 'be',
  user: 'root',
  database: 'db',
  connections: 1,
})
const runs: Array<[string, Run]> = [
  [
    'plain undici PUT (baseline)',
    async () => {
      const res = await agent.request({
        origin: sinkUrl,
        path: '/api/db/t/_stream_load',
        method: 'PUT',
        body,
      })
      await res.body.text()
    },
  ],
  ['client, pre-serialised body', (i) => client.load({ table: 't', label: `b_${i}`, body }).then(() => {})],
  ['client, from row objects', (i) => client.load({ table: 't', label: `r_${i}`, rows }).then(() => {})],
]
// interleaved rounds, so warm-up and machine noise hit every variant alike
const seconds = runs.map(() => 0)
for (const [, fn] of runs) await timeIt(3, fn)
const ROUNDS = 5
for (let r = 0; r < ROUNDS; r++) {
  for (const [i, [, fn]] of runs.entries()) seconds[i]! += await timeIt(BATCHES / ROUNDS, fn)
}
const [baseline, viaClient, fromRows] = runs.map(([name], i) => result(name, BATCHES, seconds[i]!))
if (!baseline || !viaClient || !fromRows) throw new Error('unreachable')
await client.close()
await agent.close()
sink.close()

const db = await createTestDatabase('bench')
const emulator = await startStarRocksEmulator({ mysql: mysqlOptions('admin'), bePorts: [0] })
await emulator.createTableFromDdl(
  `CREATE TABLE orders (id BIGINT NOT NULL, org_id INT, name VARCHAR(64), email VARCHAR(128), amount DECIMAL(20,10),
   status VARCHAR(16), note VARCHAR(128), created_at DATETIME, updated_at DATETIME)
   PRIMARY KEY (id) DISTRIBUTED BY HASH (id)`,
  db.name,
)
const full = createStreamLoadClient({ endpoints: emulator.feUrl, user: 'root', database: db.name })
const fullBatches = Math.max(3, Math.round(BATCHES / 8))
await timeIt(1, (i) => full.load({ table: 'orders', label: `f_${i}`, body }).then(() => {}))
const fullPath = result(
  'full path into the emulator (FE 307, MariaDB)',
  fullBatches,
  await timeIt(fullBatches, (i) => full.load({ table: 'orders', label: `f_${i}`, body }).then(() => {})),
)
await full.close()
await emulator.stop()
await db.drop()

console.log(`node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'})`)
console.log(`batch: ${ROWS} rows, ${(body.length / 1e6).toFixed(2)} MB, ${rowBytes.toFixed(0)} bytes/row`)
for (const r of [baseline, viaClient, fromRows, fullPath]) {
  const ratio =
    r === baseline || r === fullPath
      ? ''
      : `  ${((100 * r.rowsPerSec) / baseline.rowsPerSec).toFixed(0)}% of baseline`
  console.log(
    `${r.name.padEnd(48)} ${String(r.rowsPerSec).padStart(9)} rows/s ${String(r.mbPerSec).padStart(7)} MB/s${ratio}`,
  )
}
