// The README's main command, run the way the README gives it: `bash scripts/demo.sh --
// --seconds 10` (bootstrap, stack up, then src/main.ts on the shared local stack). The
// summary it prints is parsed and every number checked: each target's source and warehouse
// counts, the messages on the demo's topics against the rows the sinker loaded and the rows
// the exactly-once audit accounted for, the checked facts. A second run has a fact made false
// while it runs (an `audit_log` table appears in its warehouse) and must exit 1 naming it.
// After each run nothing of it is left: no process of its group or naming its run, no
// database, no run folder (kept only when the run failed, for its logs).
//
// Its topics and consumer groups are not checked: librdkafka's mock serves no DeleteTopics
// or DeleteGroups (see test-kit's createTestTopic), so they stay in the mock's memory until
// the stack goes down. On a real Kafka the demo deletes them unless --keep
// (pipeline.close(); unit-tested with a scripted admin in test/kafka-cleanup.test.ts).
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createConnection } from 'node:net'
import { join } from 'node:path'
import { findRepoRoot } from '@sync/stack'
import { connectMysql } from '@sync/test-kit'
import { describe, expect, it, onTestFinished } from 'vitest'

const repoRoot = findRepoRoot()
const targets = ['ods_order', 'ods_order_org', 'ods_user']

interface DemoRun {
  code: number | null
  stdout: string
  stderr: string
  /** The process group of the script and of everything it started. */
  pgid: number
  runId: string
}

/** The environment of a user's shell: without what vitest adds for its own workers. */
function shellEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_ENV' && k !== 'TEST'),
  )
}

/**
 * Runs `bash scripts/demo.sh -- <args>` in its own process group. `onLine` sees every stdout
 * line as it comes (the run id is known from the first line of the demo on).
 */
async function runDemo(args: string[], onLine: (line: string, run: DemoRun) => void = () => {}) {
  const child: ChildProcess = spawn('bash', ['scripts/demo.sh', '--', ...args], {
    cwd: repoRoot,
    env: shellEnv(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const run: DemoRun = { code: null, stdout: '', stderr: '', pgid: child.pid!, runId: '' }
  // a run the test gave up on (timeout) must not outlive it, nor its databases
  onTestFinished(async () => {
    if (!groupAlive(run.pgid)) return
    process.kill(-run.pgid, 'SIGKILL')
    if (!run.runId) return
    const conn = await connectMysql()
    try {
      for (const db of [`sync_demo_${run.runId}`, `sync_demo_sr_${run.runId}`])
        await conn.query(`DROP DATABASE IF EXISTS \`${db}\``)
    } finally {
      await conn.end()
    }
  })
  let partial = ''
  child.stdout!.setEncoding('utf8')
  child.stderr!.setEncoding('utf8')
  child.stdout!.on('data', (chunk: string) => {
    run.stdout += chunk
    const lines = (partial + chunk).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) {
      run.runId ||= /source: creating sync_demo_([0-9a-f]+) with/.exec(line)?.[1] ?? ''
      onLine(line, run)
    }
  })
  child.stderr!.on('data', (chunk: string) => {
    run.stderr += chunk
  })
  run.code = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  return run
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

/** The processes of group `pgid`, with their command lines (to name what outlived the demo). */
function groupMembers(pgid: number): string[] {
  const found: string[] = []
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      // /proc/<pid>/stat: pid (comm) state ppid pgrp …; comm may hold spaces and parentheses
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])
      if (pgrp === pgid)
        found.push(`${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')}`)
    } catch {
      // gone meanwhile
    }
  }
  return found
}

/** Processes whose command line names the run (its folder, its databases). */
function processesNaming(runId: string): string[] {
  const found: string[] = []
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
      if (cmd.includes(`demo/${runId}`) || cmd.includes(`sync_demo_${runId}`)) found.push(`${pid}: ${cmd}`)
    } catch {
      // gone meanwhile
    }
  }
  return found
}

function portRefuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    socket.on('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.on('error', () => resolve(true))
  })
}

function num(text: string, re: RegExp, what: string): number {
  const m = re.exec(text)
  if (!m?.[1]) throw new Error(`the demo's output has no ${what} (${re}):\n${text}`)
  return Number(m[1])
}

/** The numbers and facts of the demo's summary. */
function parseSummary(stdout: string) {
  const at = stdout.indexOf('\nsummary\n')
  if (at < 0) throw new Error(`the demo printed no summary:\n${stdout}`)
  const text = stdout.slice(at)
  const counts = Object.fromEntries(
    targets.map((t) => {
      const m = new RegExp(`\\n {4}${t}: source (\\d+) rows, target (\\d+) rows, (.*)\\n`).exec(text)
      if (!m) throw new Error(`the summary has no count line for ${t}:\n${text}`)
      return [t, { source: Number(m[1]), target: Number(m[2]), verdict: m[3] }]
    }),
  )
  const facts = [...text.matchAll(/\n {2}(ok {2}|FAIL) (.*)/g)].map((m) => ({
    ok: m[1] === 'ok  ',
    text: m[2],
  }))
  return {
    verdict: /source → warehouse: (\w+)/.exec(text)?.[1],
    counts,
    facts,
    messagesOnTopics: num(text, /of the (\d+) messages on the demo's topics/, 'message count of the topics'),
    newColumns: num(text, /the shipper reported (\d+) newly seen unmapped column/, 'unmapped column count'),
    transactions: num(text, /workload: (\d+) transactions in/, 'transaction count'),
    rowsLoaded: num(text, /sinker: (\d+) rows loaded/, 'rows loaded'),
    streamLoads: num(text, /, (\d+) Stream Loads,/, 'Stream Load count'),
    deadLetters: num(text, /dead letters (\d+)/, 'dead letter count'),
    exactlyOnceRows: /exactly once: every one of (\d+) row messages loaded once \((\d+) loads/.exec(text),
    probesSeen: num(text, /every probe: .*\((\d+) probes/, 'probe count'),
    /** The demo's last word (pnpm may add its own lines after it). */
    last: stdout.match(/demo: (?:OK|FAILED)$/gm)?.at(-1),
  }
}

/** Asserts that nothing of the run is left: processes, databases, the emulator's ports, the folder. */
async function expectCleanedUp(run: DemoRun, folder: 'removed' | 'kept') {
  // the script has exited; what it started must be gone too (a moment for their exits)
  for (let i = 0; i < 50 && groupAlive(run.pgid); i++) await new Promise((r) => setTimeout(r, 100))
  expect(groupMembers(run.pgid), 'processes of the demo still running').toEqual([])
  expect(processesNaming(run.runId)).toEqual([])
  const conn = await connectMysql()
  try {
    const [dbs] = (await conn.query('SHOW DATABASES LIKE ?', [`sync\\_demo\\_%${run.runId}`])) as [
      Array<Record<string, string>>,
      unknown,
    ]
    expect(dbs.map((r) => Object.values(r)[0])).toEqual([])
  } finally {
    await conn.end()
  }
  const emulator = /FE http:\/\/127\.0\.0\.1:(\d+), BEs (.*)/.exec(run.stdout)
  expect(emulator, 'the demo names its emulator').not.toBeNull()
  const ports = [emulator![1], ...[...emulator![2]!.matchAll(/:(\d+)/g)].map((m) => m[1])].map(Number)
  expect(ports).toHaveLength(3)
  for (const port of ports) expect(await portRefuses(port), `emulator port ${port} still open`).toBe(true)
  expect(existsSync(join(repoRoot, '.stack', 'demo', run.runId))).toBe(folder === 'kept')
}

describe('bash scripts/demo.sh (the README main command)', () => {
  it('runs the pipeline, prints a summary whose numbers agree, and leaves nothing behind', async () => {
    const run = await runDemo(['--seconds', '10'])
    expect(run.code, `the demo failed:\n${run.stdout}\n${run.stderr}`).toBe(0)
    expect(run.runId).toMatch(/^[0-9a-f]{6}$/)
    const s = parseSummary(run.stdout)

    expect(s.verdict).toBe('EQUAL')
    const rows = num(run.stdout, /with (\d+) rows per order shard/, 'initial row count')
    for (const t of targets) {
      const c = s.counts[t]!
      expect(c.target, `${t}: warehouse rows vs source rows`).toBe(c.source)
      expect(c.verdict, t).toBe('equal')
    }
    // the order shards start with `rows` each and the workload only adds or moves rows
    expect(s.counts.ods_order!.source).toBeGreaterThan(rows)
    expect(s.counts.ods_order_org!.source).toBeGreaterThan(rows)
    // userInfo starts with a tenth of that and gains one row per latency probe
    expect(s.counts.ods_user!.source).toBeGreaterThanOrEqual(rows / 10 + s.probesSeen)
    expect(s.probesSeen).toBeGreaterThan(0)

    expect(s.facts.filter((f) => !f.ok)).toEqual([])
    expect(s.facts.map((f) => f.text)).toEqual([
      expect.stringMatching(/^uncaptured audit_log: 0 of the \d+ messages/),
      `warehouse sync_demo_sr_${run.runId}: tables ods_order, ods_order_org, ods_user (no audit_log)`,
      expect.stringMatching(/^new column Channel: the shipper reported \d+ newly seen/),
      expect.stringMatching(/^new column Channel: ods_order has no channel column/),
    ])
    expect(s.newColumns).toBeGreaterThanOrEqual(1)

    // 50 transactions/s for 10 s at most; a loaded machine runs fewer
    expect(s.transactions).toBeGreaterThan(0)
    expect(s.transactions).toBeLessThanOrEqual(510)
    // every message on the topics was loaded, once
    expect(s.messagesOnTopics).toBeGreaterThan(s.transactions)
    expect(s.rowsLoaded).toBe(s.messagesOnTopics)
    expect(s.exactlyOnceRows, 'the exactly-once line').not.toBeNull()
    expect(Number(s.exactlyOnceRows![1])).toBe(s.messagesOnTopics)
    expect(Number(s.exactlyOnceRows![2])).toBe(s.streamLoads)
    expect(s.deadLetters).toBe(0)
    expect(s.last).toBe('demo: OK')

    await expectCleanedUp(run, 'removed')
  }, 150_000)

  it('exits 1 and names the fact when the warehouse gains an audit_log table during the run', async () => {
    let planted: Promise<void> | undefined
    const run = await runDemo(['--seconds', '4', '--rows', '500'], (line, r) => {
      // the warehouse database exists once the DDL is applied; the facts are read at the end
      if (planted || !line.includes('sinker: started')) return
      planted = (async () => {
        const conn = await connectMysql()
        try {
          await conn.query(`CREATE TABLE \`sync_demo_sr_${r.runId}\`.audit_log (id INT PRIMARY KEY)`)
        } finally {
          await conn.end()
        }
      })()
    })
    await planted
    // a failed run keeps its folder for the logs
    onTestFinished(() =>
      rmSync(join(repoRoot, '.stack', 'demo', run.runId), { recursive: true, force: true }),
    )
    expect(run.code, run.stdout).toBe(1)
    const s = parseSummary(run.stdout)
    // the rest still holds: only the planted fact fails
    expect(s.verdict).toBe('EQUAL')
    for (const t of targets) expect(s.counts[t]!.target, t).toBe(s.counts[t]!.source)
    expect(s.facts.filter((f) => !f.ok).map((f) => f.text)).toEqual([
      `warehouse sync_demo_sr_${run.runId}: tables audit_log, ods_order, ods_order_org, ods_user (no audit_log)`,
    ])
    expect(run.stdout).toContain(`logs and configs kept in ${join(repoRoot, '.stack', 'demo', run.runId)}`)
    expect(s.last).toBe('demo: FAILED')
    await expectCleanedUp(run, 'kept')
  }, 120_000)
})
