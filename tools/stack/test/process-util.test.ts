import { once } from 'node:events'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ensureDebianPackages } from '../src/debian.ts'
import { StackSpawnError, spawnDetached, systemBinDirs, which } from '../src/process-util.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A directory standing in for /usr/sbin, holding `name` with the given script body. */
function sbinWith(name: string, script: string): string {
  const root = mkdtempSync(join(tmpdir(), 'sync-stack-sbin-'))
  dirs.push(root)
  const sbin = join(root, 'sbin')
  mkdirSync(sbin)
  writeFileSync(join(sbin, name), script)
  chmodSync(join(sbin, name), 0o755)
  return sbin
}

const remedy = 'install it with "sudo apt-get install -y sync-fake-server"'

describe('which', () => {
  it('looks in the system directories after PATH, sbin included', () => {
    expect(systemBinDirs).toEqual(expect.arrayContaining(['/usr/sbin', '/sbin']))
    const sbin = sbinWith('sync-fake-daemon', '#!/bin/sh\nexit 0\n')
    expect(which('sync-fake-daemon', { path: '/nonexistent', fallbackDirs: [sbin] })).toBe(
      join(sbin, 'sync-fake-daemon'),
    )
    expect(which('sync-fake-daemon', { path: '/nonexistent', fallbackDirs: [] })).toBeUndefined()
  })

  it('skips files that are not executable', () => {
    const sbin = sbinWith('sync-fake-daemon', '#!/bin/sh\nexit 0\n')
    chmodSync(join(sbin, 'sync-fake-daemon'), 0o644)
    expect(which('sync-fake-daemon', { path: sbin, fallbackDirs: [] })).toBeUndefined()
  })
})

describe('spawnDetached', () => {
  // Regression: mariadbd starts for a user whose PATH lacks /usr/sbin. Root cause: the
  // package check found /usr/sbin/mariadbd through `which` (PATH, then the system
  // directories) while spawn('mariadbd') searched PATH only, failed with ENOENT and, with no
  // 'error' listener, ended "stack up" with an unhandled error event that named nothing.
  it('starts the program the package check found outside PATH', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sync-stack-out-'))
    dirs.push(root)
    const marker = join(root, 'started')
    const sbin = sbinWith('sync-fake-daemon', `#!/bin/sh\necho "$1" > ${marker}\n`)
    const lookup = { path: '/nonexistent', fallbackDirs: [sbin] }
    const daemon = spawnDetached('sync-fake-daemon', ['--defaults-file=x'], {
      remedy,
      stdio: 'ignore',
      lookup,
    })
    const [code] = await once(daemon.child, 'exit')
    expect(code).toBe(0)
    expect(daemon.error).toBeUndefined()
    expect(readFileSync(marker, 'utf8')).toBe('--defaults-file=x\n')
  })

  it('names the program, where it looked and what to do when it is nowhere', () => {
    let caught: unknown
    try {
      spawnDetached('sync-no-such-daemon', [], {
        remedy,
        stdio: 'ignore',
        lookup: { path: '/nonexistent', fallbackDirs: ['/nonexistent-sbin'] },
      })
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(StackSpawnError)
    const err = caught as StackSpawnError
    expect(err.code).toBe('STACK_SPAWN_FAILED')
    expect(err.retriable).toBe(false)
    expect(err.command).toBe('sync-no-such-daemon')
    expect(err.message).toBe(
      `cannot start sync-no-such-daemon: no executable sync-no-such-daemon on PATH or in /nonexistent, /nonexistent-sbin; ${remedy}`,
    )
  })

  it('turns a failed spawn into an error naming the program instead of an unhandled event', async () => {
    // found and executable, but its interpreter is missing: spawn emits 'error' (ENOENT)
    const sbin = sbinWith('sync-broken-daemon', '#!/nonexistent/interpreter\n')
    const daemon = spawnDetached('sync-broken-daemon', [], {
      remedy,
      stdio: 'ignore',
      lookup: { path: '/nonexistent', fallbackDirs: [sbin] },
    })
    // no listener of ours: an 'error' event spawnDetached left unhandled would fail this test
    for (let i = 0; i < 100 && !daemon.error; i++) await new Promise((r) => setTimeout(r, 20))
    expect(daemon.error).toBeInstanceOf(StackSpawnError)
    const err = daemon.error as StackSpawnError
    expect(err.file).toBe(join(sbin, 'sync-broken-daemon'))
    expect(err.message).toMatch(
      new RegExp(
        `^cannot start sync-broken-daemon \\(${join(sbin, 'sync-broken-daemon')}\\): .*ENOENT.*; ${remedy}$`,
      ),
    )
    expect((err.cause as NodeJS.ErrnoException).code).toBe('ENOENT')
  })
})

describe('the package check and the spawn agree', () => {
  it('a daemon the check accepts is one spawnDetached can run', () => {
    // the check's probe for mariadb-server is `mariadbd`; whatever PATH says, both look it up
    // with `which`, so the check passing means resolveCommand finds the same file
    const probe = 'sh'
    expect(() => ensureDebianPackages([{ pkg: 'dash', probe }], () => undefined, {})).not.toThrow()
    const daemon = spawnDetached(probe, ['-c', 'exit 0'], { remedy, stdio: 'ignore' })
    expect(daemon.child.spawnfile).toBe(which(probe))
  })
})
