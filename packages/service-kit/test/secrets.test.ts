import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isSecretRef, resolveSecret } from '../src/secrets.ts'

describe('resolveSecret', () => {
  it('reads a literal, an environment variable, or a file without its trailing newline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secret-'))
    writeFileSync(join(dir, 'pw'), 'from-file\n')
    expect(resolveSecret('lit', 'a', {})).toBe('lit')
    expect(resolveSecret({ env: 'PW' }, 'a', { PW: 'from-env' })).toBe('from-env')
    expect(resolveSecret({ file: join(dir, 'pw') }, 'a', {})).toBe('from-file')
  })

  it('names the field and the source when it cannot resolve', () => {
    expect(() => resolveSecret({ env: 'NOPE' }, 'sources[0].password', {})).toThrow(
      'sources[0].password: environment variable NOPE is not set',
    )
    expect(() => resolveSecret({ file: '/nonexistent/x' }, 'kafka.sasl.password', {})).toThrow(
      /kafka\.sasl\.password: cannot read secret file \/nonexistent\/x: ENOENT/,
    )
  })

  it('recognises only the three forms', () => {
    expect(isSecretRef('x')).toBe(true)
    expect(isSecretRef({ env: 'X' })).toBe(true)
    expect(isSecretRef({ env: 'X', file: 'y' })).toBe(false)
    expect(isSecretRef({ vault: 'x' })).toBe(false)
  })
})
