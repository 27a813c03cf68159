// Peak RSS of a shipper process capturing 5,274 physical tables (44 organisations × 120
// months of one logical table, one rule): every table gets a row, so every table has a
// compiled plan and a decoded TableMap. Measured as VmHWM of the child process (Linux),
// twice over the same binlog: the shipper run through tsx from source (`pnpm --filter
// shipper start`), and built (`sync-shipper`, bin/shipper.js over dist; the workspace is
// built first, BENCH_BUILT=0 skips it). Beside each, the baseline: an idle node process with
// the same modules loaded (compose and config imported, nothing started), run the same way.
// Run: pnpm exec tsx bench/many-tables.ts   (env BENCH_TABLES to resize)

import { spawn, spawnSync } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { generateKey } from '@sync/crypto-envelope'
import { createTestDatabase, kafkaBrokers, kafkaMockControl, readStackEnv, uniqueName } from '@sync/test-kit'
import { spawnShipper } from '../test/integration/process-helpers.ts'
import { benchRules, cleanupDirs } from './bench-setup.ts'

const appDir = join(import.meta.dirname, '..')
const built = process.env.BENCH_BUILT !== '0'
if (built) {
  const b = spawnSync(
    'pnpm',
    ['-w', 'exec', 'turbo', 'run', 'build', '--filter=shipper...', '--output-logs=errors-only'],
    {
      cwd: appDir,
      encoding: 'utf8',
    },
  )
  if (b.status !== 0) throw new Error(`build failed:\n${b.stdout}\n${b.stderr}`)
}
const count = Number(process.env.BENCH_TABLES ?? 5274)
// BENCH_KAFKA: JSON merged into the kafka section, e.g. '{"worker":false}'
const kafkaExtra = JSON.parse(process.env.BENCH_KAFKA ?? '{}') as Record<string, unknown>
const env = readStackEnv()
const names: string[] = []
for (let org = 1; names.length < count; org++) {
  for (let m = 0; m < 120 && names.length < count; m++) {
    names.push(`order_org${org}_${2015 + Math.floor(m / 12)}${String((m % 12) + 1).padStart(2, '0')}`)
  }
}

/** Ships every table's row from `start` with a fresh checkpoint; prints time and peak RSS. */
async function measure(run: 'tsx' | 'built', start: { file: string; pos: number }) {
  await mkdir(join(dirs.checkpoints, run), { recursive: true })
  const config = {
    sources: [
      {
        id: 'many',
        host: env.mysql.host,
        port: env.mysql.port,
        user: env.mysqlRepl.user,
        password: env.mysqlRepl.password,
        serverId: 7_200_000 + (process.pid % 100_000),
        start,
      },
    ],
    rulesDir: dirs.rules,
    kafka: { brokers: kafkaBrokers(), clientId: 'bench-many', ...kafkaExtra },
    encryption: { key: generateKey(256) },
    checkpoint: { dir: join(dirs.checkpoints, run) },
    metrics: { port: 0, host: '127.0.0.1' },
    log: { level: 'info' },
  }
  const configPath = join(dirs.checkpoints, `config-${run}.json`)
  await writeFile(configPath, JSON.stringify(config))
  const child = run === 'tsx' ? spawnShipper(['--config', configPath]) : spawnBuilt(['--config', configPath])
  const pid = child.proc.pid!
  let port: number | undefined
  let peak = 0
  const started = Date.now()
  for (;;) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')
    peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0))
    port ??=
      Number(/"ops server listening".*?"port":(\d+)/.exec(child.output())?.[1] ?? Number.NaN) || undefined
    if (port) {
      const text = await fetch(`http://127.0.0.1:${port}/metrics`)
        .then((r) => r.text())
        .catch(() => '')
      const sent = text
        .split('\n')
        .filter((l) => l.startsWith('sync_shipper_rows_sent_total'))
        .reduce((a, l) => a + Number(l.split(' ').at(-1)), 0)
      if (sent >= names.length) break
    }
    if (Date.now() - started > 180_000) throw new Error(`timed out; output:\n${child.output().slice(-2000)}`)
    await new Promise((r) => setTimeout(r, 200))
  }
  const secs = (Date.now() - started) / 1000
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0))
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  console.log(
    `${names.length} tables captured and shipped in ${secs.toFixed(1)} s (process start included, ${run === 'tsx' ? 'run through tsx from source' : 'built: bin/shipper.js over dist'}): peak RSS ${(peak / 1024).toFixed(0)} MB, RSS after ${(rss / 1024).toFixed(0)} MB`,
  )
  child.proc.kill('SIGTERM')
  await child.exited
  await idleBaseline(run)
}

/** Peak RSS of a node process that loads the shipper's modules the way `run` does and idles. */
async function idleBaseline(run: 'tsx' | 'built') {
  const files = run === 'tsx' ? ['src/compose.ts', 'src/config.ts'] : ['dist/compose.js', 'dist/config.js']
  const imports = files.map((f) => `await import(${JSON.stringify(pathToFileURL(join(appDir, f)).href)});`)
  const proc = spawn(
    process.execPath,
    [
      ...(run === 'tsx' ? ['--conditions=@sync/source', '--import', 'tsx'] : []),
      '--input-type=module',
      '-e',
      `${imports.join(' ')} process.stdout.write('ready\\n'); setInterval(() => {}, 60_000)`,
    ],
    { cwd: appDir, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  await new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', (d: Buffer) => {
      if (d.includes('ready')) resolve()
    })
    proc.on('exit', (code) => reject(new Error(`the idle baseline exited ${code}`)))
  })
  await new Promise((r) => setTimeout(r, 500))
  const status = await readFile(`/proc/${proc.pid}/status`, 'utf8')
  const peak = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0)
  proc.kill('SIGTERM')
  console.log(
    `  baseline: an idle node process with the shipper's modules loaded (${run === 'tsx' ? 'through tsx from source' : 'built, dist'}), nothing started: peak RSS ${(peak / 1024).toFixed(0)} MB`,
  )
}

function spawnBuilt(args: string[]) {
  const proc = spawn(process.execPath, [join(appDir, 'bin', 'shipper.js'), ...args], {
    cwd: appDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  proc.stdout.on('data', (d) => {
    out += d
  })
  proc.stderr.on('data', (d) => {
    out += d
  })
  const exited = new Promise((resolve) => proc.on('exit', resolve))
  return { proc, output: () => out, exited }
}

const db = await createTestDatabase('bench_many')
const topic = uniqueName('many')
await kafkaMockControl()?.createTopic(topic, 8, 1)
const dirs = await benchRules(db.name, 'order_org\\d+_\\d{6}', topic, true)
try {
  const t0 = Date.now()
  for (let i = 0; i < names.length; i += 200) {
    await db.query(
      names
        .slice(i, i + 200)
        .map(
          (n) =>
            `CREATE TABLE ${n} (id INT PRIMARY KEY, orgId INT, amount DECIMAL(10,2), createdAt DATETIME)`,
        )
        .join(';'),
    )
  }
  console.log(`created ${names.length} tables in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  const [s] = await db.query<Array<{ File: string; Position: number }>>('SHOW MASTER STATUS')
  for (let i = 0; i < names.length; i += 200) {
    await db.query(
      names
        .slice(i, i + 200)
        .map((n, j) => `INSERT INTO ${n} VALUES (${i + j}, 1, 1.50, NOW())`)
        .join(';'),
    )
  }
  await measure('tsx', { file: s!.File, pos: Number(s!.Position) })
  if (built) await measure('built', { file: s!.File, pos: Number(s!.Position) })
} finally {
  await cleanupDirs(dirs)
  await db.drop()
}
process.exit(0)
