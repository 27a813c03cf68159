// Runs the shipper as a child process, the way `pnpm --filter shipper start` does.

import { type ChildProcess, spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const appDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

export interface Child {
  proc: ChildProcess
  output(): string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

export function spawnShipper(args: string[], env: NodeJS.ProcessEnv = {}, cwd = appDir): Child {
  const proc = spawn(
    process.execPath,
    ['--conditions=@sync/source', '--import', 'tsx', join(appDir, 'src', 'main.ts'), ...args],
    {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let out = ''
  proc.stdout?.on('data', (d) => {
    out += d
  })
  proc.stderr?.on('data', (d) => {
    out += d
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('exit', (code, signal) => resolve({ code, signal }))
  })
  return { proc, output: () => out, exited }
}

export async function writeConfig(dir: string, config: unknown, name = 'shipper.json'): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, JSON.stringify(config, null, 2))
  return path
}

/** A small deterministic PRNG (mulberry32), so a failing seed can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
