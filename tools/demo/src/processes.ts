// Starting the apps as a user would: separate processes with a config file, logs to a
// file, /metrics scraped over HTTP. Used by the demo and by the fault-injection suite.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { findRepoRoot } from '@sync/stack'

export const repoRoot = findRepoRoot()

export async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as { port: number }).port
  await new Promise((r) => srv.close(r))
  return port
}

export interface AppProcess {
  name: string
  child: ChildProcess
  logFile: string
  metricsPort: number
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>
  /** GET /metrics as text, or undefined while the app is not serving. */
  metrics(): Promise<string | undefined>
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>
}

const appEntries = {
  shipper: 'apps/shipper/src/main.ts',
  sinker: 'apps/sinker/src/main.ts',
  'ops-cli': 'apps/ops-cli/src/main.ts',
} as const

export type AppName = keyof typeof appEntries

/** Spawns an app from sources (no build), config written to `dir/<name>.config.json`. */
export function startApp(options: {
  app: AppName
  name?: string
  dir: string
  config: unknown
  metricsPort: number
  env?: NodeJS.ProcessEnv
}): AppProcess {
  const name = options.name ?? options.app
  mkdirSync(options.dir, { recursive: true })
  const configFile = join(options.dir, `${name}.config.json`)
  writeFileSync(configFile, `${JSON.stringify(options.config, null, 2)}\n`)
  const logFile = join(options.dir, `${name}.log`)
  const log = createWriteStream(logFile, { flags: 'a' })
  const child = spawn(
    process.execPath,
    [
      '--conditions=@sync/source',
      '--import',
      'tsx',
      join(repoRoot, appEntries[options.app]),
      '--config',
      configFile,
    ],
    { cwd: repoRoot, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  child.stdout?.pipe(log, { end: false })
  child.stderr?.pipe(log, { end: false })
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      log.end()
      resolve(code ?? signal ?? 'unknown')
    })
  })
  return {
    name,
    child,
    logFile,
    metricsPort: options.metricsPort,
    exited,
    async metrics() {
      try {
        const res = await fetch(`http://127.0.0.1:${options.metricsPort}/metrics`, {
          signal: AbortSignal.timeout(2_000),
        })
        return res.ok ? await res.text() : undefined
      } catch {
        return undefined
      }
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited
      child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
      const code = await exited
      clearTimeout(timer)
      return code
    },
  }
}

/** Sums a metric's samples (all label sets) from Prometheus text. */
export function metricSum(text: string | undefined, name: string): number {
  if (!text) return 0
  let sum = 0
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)$/.exec(line)
    if (m && m[1] === name) sum += Number(m[3])
  }
  return sum
}

/** Sums the samples of a metric whose labels include every one of `labels`. */
export function metricWhere(text: string | undefined, name: string, labels: Record<string, string>): number {
  if (!text) return 0
  let sum = 0
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)$/.exec(line)
    if (!m || m[1] !== name) continue
    const set = m[2] ?? ''
    if (Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) sum += Number(m[3])
  }
  return sum
}

/** Starts the ops CLI; the caller may kill it (an interrupted snapshot). */
export function spawnOpsCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(
    process.execPath,
    ['--conditions=@sync/source', '--import', 'tsx', join(repoRoot, appEntries['ops-cli']), ...args],
    {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
}

/** Runs the ops CLI to completion; rejects with its output when it exits non-zero. */
export function runOpsCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnOpsCli(args, env)
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (d) => {
      stdout += d
    })
    child.stderr?.on('data', (d) => {
      stderr += d
    })
    child.on('exit', (code) => {
      if (code === 0) resolve({ stdout, stderr })
      else reject(new Error(`ops-cli ${args[0]} exited ${code}: ${stderr.trim() || stdout.trim()}`))
    })
  })
}

/**
 * Local ports of the TCP connections process `pid` holds to `remotePort` (read with `ss`):
 * how the suite tells its own shipper's binlog dump thread from other clients' on a shared
 * server (the processlist shows each client as host:port).
 */
export function localPortsOf(pid: number, remotePort: number): number[] {
  const out = execFileSync('ss', ['-tnpH', 'state', 'established'], { encoding: 'utf8' })
  const ports: number[] = []
  for (const line of out.split('\n')) {
    if (!line.includes(`pid=${pid},`)) continue
    const m = /(\S+):(\d+)\s+(\S+):(\d+)\s/.exec(line)
    if (m && Number(m[4]) === remotePort) ports.push(Number(m[2]))
  }
  return ports
}
