// scripts/bootstrap.sh on a machine that lacks Debian packages: not root and no sudo, it
// stops naming the packages and the command; with sudo it installs them through sudo.
// PATH holds only fakes (id, sudo, apt-get) and the few tools the script itself runs, so
// no real package is looked up or installed.
import { execFile } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { findRepoRoot } from '../src/paths.ts'
import { which } from '../src/process-util.ts'

const run = promisify(execFile)
const script = join(findRepoRoot(), 'scripts', 'bootstrap.sh')
const bash = which('bash')!

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function fakeBin(fakes: Record<string, string>): string {
  const bin = mkdtempSync(join(tmpdir(), 'sync-bootstrap-'))
  dirs.push(bin)
  symlinkSync(which('dirname')!, join(bin, 'dirname'))
  for (const [name, body] of Object.entries(fakes)) {
    writeFileSync(join(bin, name), `#!${bash}\n${body}\n`)
    chmodSync(join(bin, name), 0o755)
  }
  return bin
}

function bootstrap(bin: string) {
  return run(bash, [script], { env: { PATH: bin, HOME: bin } }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  )
}

describe('scripts/bootstrap.sh', () => {
  it('names the missing packages and the command to run when not root and without sudo', async () => {
    const bin = fakeBin({ id: 'echo 1000' })
    const r = await bootstrap(bin)
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('bootstrap: missing Debian packages: mariadb-server mariadb-client')
    expect(r.stderr).toContain('not root and there is no sudo')
    expect(r.stderr).toMatch(
      /run as root: apt-get update && apt-get install -y mariadb-server mariadb-client .*kcat/,
    )
  })

  it('installs the missing packages through sudo when not root', async () => {
    const log = join(tmpdir(), `sync-bootstrap-sudo-${process.pid}.log`)
    const bin = fakeBin({
      id: 'echo 1000',
      // records the command and stops the script there: nothing past the install step runs
      sudo: `echo "$*" >> ${log}; exit 0`,
    })
    dirs.push(log)
    const r = await bootstrap(bin)
    const calls = readFileSync(log, 'utf8').trim().split('\n')
    expect(calls[0]).toBe('env DEBIAN_FRONTEND=noninteractive apt-get update -qq')
    expect(calls[1]).toMatch(
      /^env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mariadb-server mariadb-client/,
    )
    expect(r.stdout).toContain('bootstrap: installing Debian packages: mariadb-server')
  })
})
