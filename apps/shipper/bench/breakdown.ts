// Where the time goes: the source runner (reader → matcher → encoder → delivery loop)
// with Kafka replaced by a send that only counts, once with the real envelope cipher and
// once with a pass-through one, over the same 100k-row bulk binlog.
// Run: pnpm exec tsx bench/breakdown.ts

import { createChangeEncoder } from '@sync/change-message'
import { createEnvelopeCipher, generateKey } from '@sync/crypto-envelope'
import { createFileCheckpointStore, createSourceRunner } from '@sync/delivery'
import { silentLogger } from '@sync/service-kit'
import { watchRuleDirectory } from '@sync/table-matcher'
import { createTestDatabase, readStackEnv } from '@sync/test-kit'
import { benchRules } from './bench-setup.ts'

const env = readStackEnv()
const db = await createTestDatabase('nok')
await db.query(
  `CREATE TABLE orders (id INT PRIMARY KEY, org_id INT, status VARCHAR(16), amount DECIMAL(12,2), note VARCHAR(64), created_at DATETIME, updated_at TIMESTAMP NULL, flag TINYINT)`,
)
const [s] = await db.query<Array<{ File: string; Position: number }>>('SHOW MASTER STATUS')
const N = 100000
for (let i = 0; i < N; i += 1000)
  await db.query(
    `INSERT INTO orders VALUES ${Array.from({ length: 1000 }, (_, j) => `(${i + j + 1}, 1, 'paid', 1.25, 'note number', '2024-03-04 05:06:07', '2024-03-04 05:06:07', 1)`).join(',')}`,
  )
const dirs = await benchRules(db.name, 'orders', 't')
for (const mode of ['encode-only', 'no-encrypt']) {
  const rules = await watchRuleDirectory({ dir: dirs.rules, watch: false })
  const cipher =
    mode === 'no-encrypt' ? { sealToJson: (p: string) => p } : createEnvelopeCipher({ key: generateKey(256) })
  let n = 0
  let done: () => void = () => {}
  const fin = new Promise<void>((r) => (done = r))
  const t0 = performance.now()
  const p = createSourceRunner({
    id: 'x' + mode,
    reader: {
      connection: {
        host: env.mysql.host,
        port: env.mysql.port,
        user: env.mysqlRepl.user,
        password: env.mysqlRepl.password,
      },
      serverId: 7300000 + Math.floor(Math.random() * 1000),
      highWaterMark: 10000,
    },
    start: { file: s!.File, pos: Number(s!.Position) },
    matcher: rules.matcher,
    encoder: createChangeEncoder({ cipher }),
    send: async (m) => {
      n += m.length
      if (n >= N) done()
    },
    store: createFileCheckpointStore(dirs.checkpoints, 'x' + mode),
    batch: { maxMessages: 5000, maxBytes: 4 << 20 },
    checkpointIntervalMs: 1000,
    log: silentLogger,
    now: Date.now,
  })
  void p.run()
  await fin
  console.log(mode, 'no kafka:', Math.round((N / (performance.now() - t0)) * 1000), 'rows/s')
  await p.stop()
}
await db.drop()
process.exit(0)
