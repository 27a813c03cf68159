import { describe, expect, it } from 'vitest'
import { ensureDebianPackages, MissingDebianPackagesError } from '../src/debian.ts'

describe('ensureDebianPackages', () => {
  it('names the missing package and the command that installs it', () => {
    const needs = [
      { pkg: 'sync-no-such-package', probe: 'sync-no-such-binary' },
      { pkg: 'coreutils', probe: 'ls' },
    ]
    let caught: unknown
    try {
      ensureDebianPackages(needs, () => undefined, { SYNC_STACK_NO_INSTALL: '1' })
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(MissingDebianPackagesError)
    const err = caught as MissingDebianPackagesError
    expect(err.packages).toEqual(['sync-no-such-package'])
    expect(err.message).toContain('apt-get install -y sync-no-such-package')
  })

  it('is silent when everything is there', () => {
    expect(() => ensureDebianPackages([{ pkg: 'coreutils', probe: 'ls' }], () => undefined, {})).not.toThrow()
  })
})
