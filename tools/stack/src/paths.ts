import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root: the nearest folder above this file holding pnpm-workspace.yaml. */
export function findRepoRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(from)
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir
    const up = dirname(dir)
    if (up === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`)
    dir = up
  }
}

/** Where the stack keeps data, sockets, pid files, logs and the env file. */
export function stackDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SYNC_STACK_DIR ? resolve(env.SYNC_STACK_DIR) : join(findRepoRoot(), '.stack')
}
