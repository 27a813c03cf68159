// Runs the sinker app as a child process, as an operator would.
import { type ChildProcess, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { registerCleanup, uniqueName } from '@sync/test-kit'

const appDir = new URL('../..', import.meta.url).pathname

export interface SinkerProcess {
  child: ChildProcess
  output: () => string
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>
  /** The port of /metrics and /healthz, once started. */
  opsPort: () => number | undefined
}

export function spawnSinker(
  config: Record<string, unknown>,
  env: Record<string, string> = {},
): SinkerProcess {
  const file = join(tmpdir(), `${uniqueName('sinker-config')}.json`)
  writeFileSync(file, JSON.stringify(config))
  const child = spawn(
    process.execPath,
    ['--conditions=@sync/source', '--import', 'tsx', 'src/main.ts', '--config', file],
    {
      cwd: appDir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let out = ''
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString()
  })
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString()
  })
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1))
  })
  registerCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exited
    }
  })
  return {
    child,
    output: () => out,
    exited,
    opsPort: () => {
      const m = /"metricsPort":(\d+)/.exec(out)
      return m ? Number(m[1]) : undefined
    },
  }
}
