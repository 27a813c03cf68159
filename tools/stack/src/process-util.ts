import { type ChildProcess, execFileSync, type StdioOptions, spawn } from 'node:child_process'
import { accessSync, constants, existsSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'

export function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined
  const pid = Number(readFileSync(file, 'utf8').trim())
  return Number.isInteger(pid) && pid > 0 ? pid : undefined
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** Stops a process from its pid file: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopByPidFile(file: string, graceMs = 10_000): Promise<boolean> {
  const pid = readPid(file)
  if (pid === undefined) return false
  if (isAlive(pid)) {
    process.kill(pid, 'SIGTERM')
    const deadline = Date.now() + graceMs
    while (isAlive(pid) && Date.now() < deadline) await sleep(100)
    if (isAlive(pid)) {
      process.kill(pid, 'SIGKILL')
      while (isAlive(pid)) await sleep(50)
    }
  }
  rmSync(file, { force: true })
  return true
}

/** Resolves when 127.0.0.1:port can be bound; otherwise names who holds it if `ss` can tell. */
export async function checkPortFree(port: number): Promise<{ free: true } | { free: false; holder: string }> {
  const free = await new Promise<boolean>((resolve) => {
    const srv = createServer()
    srv.once('error', () => resolve(false))
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)))
  })
  if (free) return { free: true }
  let holder = 'another process'
  try {
    const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' })
    const m = /users:\(\("([^"]+)",pid=(\d+)/.exec(out)
    if (m) holder = `${m[1]} (pid ${m[2]})`
  } catch {
    // ss is optional; the generic wording is still actionable
  }
  return { free: false, holder }
}

/**
 * Where Debian installs programs. A non-root user's PATH often lacks the sbin ones
 * (mariadbd is /usr/sbin/mariadbd), so lookups try these after PATH.
 */
export const systemBinDirs = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']

export interface LookupOptions {
  /** The PATH to search first (default: this process's). */
  path?: string
  /** Searched after PATH (default: `systemBinDirs`). */
  fallbackDirs?: readonly string[]
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK)
    return statSync(file).isFile()
  } catch {
    return false
  }
}

/**
 * The absolute path of an executable `cmd`: PATH first, then the system directories. The
 * package check and every spawn of the stack use it, so what the check finds is what runs.
 */
export function which(cmd: string, options: LookupOptions = {}): string | undefined {
  if (cmd.includes('/')) return isExecutableFile(cmd) ? cmd : undefined
  const path = options.path ?? process.env.PATH ?? ''
  for (const dir of [...path.split(':'), ...(options.fallbackDirs ?? systemBinDirs)]) {
    if (dir && isExecutableFile(join(dir, cmd))) return join(dir, cmd)
  }
  return undefined
}

export class StackSpawnError extends Error {
  readonly code = 'STACK_SPAWN_FAILED'
  readonly retriable = false
  constructor(
    /** The program as the stack names it (`mariadbd`). */
    readonly command: string,
    /** The file it tried to run, when the lookup found one. */
    readonly file: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** The absolute path of `command`, or a StackSpawnError naming it and `remedy`. */
export function resolveCommand(command: string, remedy: string, lookup: LookupOptions = {}): string {
  const file = which(command, lookup)
  if (file) return file
  const dirs = [
    ...(lookup.path ?? process.env.PATH ?? '').split(':'),
    ...(lookup.fallbackDirs ?? systemBinDirs),
  ]
  throw new StackSpawnError(
    command,
    undefined,
    `cannot start ${command}: no executable ${command} on PATH or in ${[...new Set(dirs.filter(Boolean))].join(', ')}; ${remedy}`,
  )
}

export interface DetachedProcess {
  child: ChildProcess
  /** Set once spawn reports that the program could not be started (checked by the caller's wait loop). */
  readonly error: StackSpawnError | undefined
}

/**
 * Starts a long-running program in its own process group, by the path `which` finds. A
 * spawn failure (a missing interpreter, no permission) becomes `error`, naming the program
 * and `remedy`, instead of an unhandled 'error' event that ends the caller.
 */
export function spawnDetached(
  command: string,
  args: string[],
  options: { remedy: string; stdio: StdioOptions; lookup?: LookupOptions },
): DetachedProcess {
  const file = resolveCommand(command, options.remedy, options.lookup)
  const child = spawn(file, args, { detached: true, stdio: options.stdio })
  child.unref()
  let error: StackSpawnError | undefined
  child.once('error', (cause) => {
    error = new StackSpawnError(
      command,
      file,
      `cannot start ${command} (${file}): ${cause.message}; ${options.remedy}`,
      { cause },
    )
  })
  return {
    child,
    get error() {
      return error
    },
  }
}
