import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'

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

export function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/sbin'])) {
    const p = `${dir}/${cmd}`
    if (dir && existsSync(p)) return p
  }
  return undefined
}
