import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { EnvelopeError } from '../src/errors.ts'
import { resolveKey } from '../src/key-source.ts'
import { generateKey } from '../src/keys.ts'

const dir = mkdtempSync(join(tmpdir(), 'crypto-envelope-keys-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const key = generateKey()

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(EnvelopeError)
    expect(inspect(error).toLowerCase()).not.toContain(key.slice(0, 16))
    return (error as EnvelopeError).code
  }
  throw new Error('expected an error')
}

describe('resolveKey', () => {
  it('takes bare hex, hex:, { hex } and normalises to lower case', () => {
    expect(resolveKey(key.toUpperCase())).toBe(key)
    expect(resolveKey(`hex:${key}`)).toBe(key)
    expect(resolveKey({ hex: ` ${key}\n` })).toBe(key)
  })

  it('reads an environment variable only from the environment it is given', () => {
    const env = { SYNC_ENVELOPE_KEY: key }
    expect(resolveKey('env:SYNC_ENVELOPE_KEY', { env })).toBe(key)
    expect(resolveKey({ env: 'SYNC_ENVELOPE_KEY' }, { env })).toBe(key)
    expect(codeOf(() => resolveKey('env:SYNC_ENVELOPE_KEY'))).toBe('ENV_BAD_OPTIONS')
    expect(codeOf(() => resolveKey('env:MISSING', { env }))).toBe('ENV_KEY_SOURCE')
  })

  it('reads a key file, ignoring the trailing newline', () => {
    const path = join(dir, 'key.hex')
    writeFileSync(path, `${key}\n`)
    expect(resolveKey(`file:${path}`)).toBe(key)
    expect(resolveKey({ file: path })).toBe(key)
    expect(codeOf(() => resolveKey({ file: join(dir, 'absent') }))).toBe('ENV_KEY_SOURCE')
  })

  it('validates what it resolved, naming the source but not the key', () => {
    const path = join(dir, 'short.hex')
    writeFileSync(path, key.slice(0, 20))
    expect(codeOf(() => resolveKey({ file: path }))).toBe('ENV_BAD_KEY')
    expect(codeOf(() => resolveKey('env:K', { env: { K: `${key.slice(0, 16)}zz` } }))).toBe('ENV_BAD_KEY')
    expect(codeOf(() => resolveKey('vault:path'))).toBe('ENV_BAD_OPTIONS')
    expect(codeOf(() => resolveKey({ hex: key, env: 'X' } as never))).toBe('ENV_BAD_OPTIONS')
  })
})

describe('a key with a typo in its source prefix', () => {
  it('is refused without echoing any of it', () => {
    const key = generateKey()
    for (const source of [
      `${key}:`,
      `hx:${key}`.replace('hx', key.slice(0, 12)),
      `${key.slice(0, 20)}:${key}`,
    ]) {
      let error: unknown
      try {
        resolveKey(source)
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(EnvelopeError)
      expect((error as EnvelopeError).code).toBe('ENV_BAD_OPTIONS')
      const shown = `${(error as Error).message}\n${inspect(error)}`
      for (const part of [key.slice(0, 8), key.slice(8, 16), key.slice(-8)]) expect(shown).not.toContain(part)
    }
  })
})
