// pnpm bench: runs every workspace benchmark one after another (the machine is shared, so
// never two at once) and writes their output, verbatim, into docs/benchmarks.md together
// with a description of the machine. Numbers in that file only ever come from here.
//
//   pnpm bench                  all benchmarks
//   pnpm bench shipper sinker   only these workspace packages (by folder name)
//
// The local stack is started first when it is not up (and stopped afterwards only then: a
// stack somebody else started is left alone). Each section opens with the workload of its
// benchmark (row shape, counts) from `workloads` below; keep it in step with the bench script.
// Each section also records when it ran, the 1-minute load average at its start, and whether
// its workspace had uncommitted changes (the checkout is shared), since a partial run leaves
// the other sections as they were.
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, freemem, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const only = process.argv.slice(2)
const workspaces = ['packages', 'apps', 'tools'].flatMap((dir) =>
  readdirSync(join(root, dir)).map((name) => ({ dir: join(dir, name), name })),
)
const withBench = workspaces.filter((w) => {
  try {
    const pkg = JSON.parse(readFileSync(join(root, w.dir, 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>
    }
    return Boolean(pkg.scripts?.bench) && (only.length === 0 || only.includes(w.name))
  } catch {
    return false
  }
})

/** What each benchmark runs, written above its output (defaults: the counts the scripts use). */
const workloads: Record<string, string> = {
  'binlog-reader':
    'Rows `(id BIGINT PK, a INT, s VARCHAR(64), sm SMALLINT, d DECIMAL(12,2), e ENUM, dt DATETIME(3), ts TIMESTAMP(3), s2 VARCHAR(200), b BIT(8))`. Bulk: 200,000 rows in 10,000-row `INSERT … SELECT` statements; single: 30,000 one-row autocommit transactions. Each binlog range is replayed by raw zongji (decode only) and by the reader (decode, render, queue, iterate).',
  'crypto-envelope':
    'In memory, no I/O: sealing and opening a 250-byte JSON row, a 64 KiB and a 1 MiB value, best of several interleaved rounds (count and length in the output), against a naive port of the Python/Java code in the same run.',
  'snapshot-loader':
    "One table of 2,000,000 rows `(id BIGINT PK, org_id INT, order_no VARCHAR(32), amount DECIMAL(12,2), status TINYINT, created_at DATETIME, note VARCHAR(64) NULL)` built with `INSERT … SELECT` from seq_1_to_N, snapshotted (encrypted) three times: into a sink that acknowledges at once (the loader's own work), into the stack's Kafka with kafkajs on the loader's thread, and with kafkajs on a worker thread; against a plain mysql2 streaming read of the same table; peak RSS sampled throughout.",
  'streamload-client':
    '10,000-row batches of ~250-byte JSON rows: a plain undici PUT of the same bytes to a body-discarding server (the baseline), the client in BE mode with a pre-serialised body, the client from rows (serialisation included), and the full path through the emulator (FE 307 → BE → MariaDB).',
  'table-matcher':
    "5,274 physical tables behind 56 rules shaped like the seed's shard schemes (range, organisation, year, month, organisation × month): table lookups and per-row column mapping, against the seed shipper's algorithm (exact dict, then a linear regex scan) written in JavaScript, same run.",
  shipper:
    "Rows `(id INT PK, org_id INT, status VARCHAR(16), amount DECIMAL(12,2), note VARCHAR(64), created_at DATETIME, updated_at TIMESTAMP, flag TINYINT)`, binlog → encrypted Kafka messages acknowledged: a bulk-insert workload and a single-row-transaction workload (sizes: BENCH_ROWS, BENCH_TXN_ROWS), each against raw zongji parsing the same binlog range and against a plain kafkajs producer sending the shipper's own messages (same sizes, acks=all, 5,000-message batches, one in flight); commit → ack latency at a steady 5,000 rows/s, beside zongji's commit → row event and a plain kafkajs send → ack at the same rate; peak RSS capturing 5,274 tables (44 organisations × 120 months, one rule), beside an idle node process with the shipper's modules loaded the same way; kafkajs Produce encoding cost per message (11 headers) as published and as patched.",
  sinker:
    "100,000 encrypted messages (BENCH_ROWS) of rows `(id BIGINT PK, name VARCHAR(64), amount DECIMAL(38,10), big LARGEINT, doc JSON)`: decrypt + batch + Stream Load into the emulator and into a body-discarding endpoint, against a plain consume + decrypt loop over the same messages; times start once the consumer joined its group. The sinker's memory is measured in the tools/demo section (its process during the end-to-end run).",
  demo: "The whole system as `pnpm demo` runs it (MariaDB → shipper → mock Kafka → sinker → emulator): 5 order shards of 2,000 rows and a 200-row user table snapshotted, then 40 s of live workload at 100 transactions/s (inserts of 1–20 rows, updates, primary-key changes, deletes, a new shard, an ADD COLUMN) with a latency probe every 500 ms. With `--baselines`: a plain kafkajs produce (acks=all) → consume of one message at each probe (consumer idle fetch wait 500 ms, as the sinker's), the peak RSS (VmHWM) of the shipper and sinker processes over the run, and idle node processes with each app's modules loaded through tsx as the demo starts the apps.",
}

/** Paths inside the checkout are written relative to it: the report does not name this machine's folders. */
const repoRelative = (text: string) => text.replaceAll(`${root}/`, '').replaceAll(root, '.')

/** Is the local stack up? (`stack status` exits 1 when MariaDB or the Kafka mock is not running) */
const stackIsUp = () =>
  spawnSync('pnpm', ['-s', 'stack', 'status'], { cwd: root, encoding: 'utf8' }).status === 0
let startedStack = false
if (!stackIsUp()) {
  process.stderr.write('bench: the local stack is not up; starting it (and stopping it afterwards)\n')
  const up = spawnSync('pnpm', ['-s', 'stack', 'up'], { cwd: root, stdio: 'inherit' })
  if (up.status !== 0) {
    process.stderr.write(`bench: pnpm stack up failed (exit ${up.status}); no benchmark was run\n`)
    process.exit(1)
  }
  startedStack = true
}

const git = (args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout?.trim() ?? ''
const commit = git(['rev-parse', '--short', 'HEAD']) || 'unknown'
/** "" or ", with uncommitted changes to N files of the workspace" */
const uncommitted = (dir: string) => {
  const n = git(['status', '--porcelain', '--', dir]).split('\n').filter(Boolean).length
  return n === 0 ? '' : `, with uncommitted changes to ${n} file${n === 1 ? '' : 's'} of the workspace`
}
const load1 = () => (loadavg()[0] ?? 0).toFixed(2)
const loadAtStart = load1()

const cpu = cpus()[0]?.model ?? 'unknown CPU'
const sections: string[] = []
for (const w of withBench) {
  process.stderr.write(`bench: ${w.dir}\n`)
  const started = Date.now()
  const startedAt = new Date(started).toISOString().slice(0, 16).replace('T', ' ')
  const loadBefore = load1()
  const changes = uncommitted(w.dir)
  const run = spawnSync('pnpm', ['-s', 'run', 'bench'], {
    cwd: join(root, w.dir),
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  })
  const seconds = ((Date.now() - started) / 1000).toFixed(0)
  const status = run.status === 0 ? 'ok' : `FAILED (exit ${run.status})`
  process.stderr.write(`bench: ${w.dir}: ${status} in ${seconds} s\n`)
  const out = repoRelative((run.stdout ?? '').trim())
  const err =
    run.status === 0
      ? ''
      : `\n\nstderr (last lines):\n\n\`\`\`\n${repoRelative((run.stderr ?? '').trim())
          .split('\n')
          .slice(-20)
          .join('\n')}\n\`\`\``
  const workload = workloads[w.name]
  sections.push(
    `## ${w.dir}\n\n${workload ? `Workload: ${workload}\n\n` : ''}Run: \`pnpm --filter ./${w.dir} bench\` — ${status}, ${seconds} s, started ${startedAt} UTC at commit ${commit}${changes}, 1-min load average ${loadBefore} at its start.\n\n\`\`\`\n${out}\n\`\`\`${err}\n`,
  )
}

if (startedStack) {
  // only a stack this run started: one that was up before belongs to whoever started it
  const down = spawnSync('pnpm', ['-s', 'stack', 'down'], { cwd: root, stdio: 'inherit' })
  process.stderr.write(`bench: stopped the stack it started (exit ${down.status})\n`)
}

const header = `# Benchmarks

Regenerated by \`pnpm bench\` (scripts/bench.ts) on ${new Date().toISOString().slice(0, 10)} at commit ${commit}
(1-minute load average ${loadAtStart} at the start). Each section is the
verbatim output of one workspace's benchmark; every figure sits next to the raw limit of
its dependency measured in the same run (zongji parse rate, plain produce/consume, plain
HTTP PUT, plain mysql2 read), because this machine is shared and noisy: compare ratios,
not absolute numbers, across runs.

Machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory
(${(freemem() / 2 ** 30).toFixed(1)} GiB free at start), Node ${process.version}, ${process.platform}/${process.arch}.
Services: the local stack (MariaDB from Debian packages with binlog on, the librdkafka
mock Kafka cluster, the Stream Load emulator over MariaDB), all on loopback.

`
const target = join(root, 'docs', 'benchmarks.md')
if (only.length > 0) {
  // a partial run replaces only its own sections
  let doc = ''
  try {
    doc = readFileSync(target, 'utf8')
  } catch {
    doc = header
  }
  for (const s of sections) {
    const title = s.split('\n')[0]!
    const at = doc.indexOf(`\n${title}\n`)
    const start = at < 0 ? -1 : at + 1
    if (start < 0) doc += `${doc.endsWith('\n\n') ? '' : doc.endsWith('\n') ? '\n' : '\n\n'}${s}`
    else {
      // `s` ends with its last line's newline; slicing from `next` (the newline before the
      // next heading) keeps the blank line between the two sections
      const next = doc.indexOf('\n## ', start + title.length)
      doc = doc.slice(0, start) + s + (next < 0 ? '' : doc.slice(next))
    }
  }
  writeFileSync(target, doc)
} else {
  writeFileSync(target, header + sections.join('\n'))
}
process.stderr.write(`bench: wrote ${target}\n`)
