import { describe, expect, it } from 'vitest'
import { generateKey, parseKey } from '../src/keys.ts'

describe('generateKey', () => {
  it.each([
    [128, 32],
    [192, 48],
    [256, 64],
  ] as const)('makes a random %i-bit key as %i hex digits', (bits, digits) => {
    const a = generateKey(bits)
    expect(a).toMatch(new RegExp(`^[0-9a-f]{${digits}}$`))
    expect(generateKey(bits)).not.toBe(a)
  })

  it('defaults to 256 bits and refuses other sizes', () => {
    expect(generateKey()).toHaveLength(64)
    expect(() => generateKey(512 as never)).toThrow(expect.objectContaining({ code: 'ENV_BAD_OPTIONS' }))
  })
})

describe('parseKey', () => {
  it('selects AES-128/192/256 from the key length, for hex and bytes', () => {
    expect(parseKey('00'.repeat(16), 'k').algorithm).toBe('aes-128-gcm')
    expect(parseKey(new Uint8Array(24), 'k').algorithm).toBe('aes-192-gcm')
    expect(parseKey('AB'.repeat(32), 'k').algorithm).toBe('aes-256-gcm')
  })

  it('rejects other lengths and non-hex text with ENV_BAD_KEY', () => {
    for (const bad of ['00'.repeat(20), 'xyz', '', new Uint8Array(31), 42]) {
      expect(() => parseKey(bad as string, 'k')).toThrow(
        expect.objectContaining({ code: 'ENV_BAD_KEY', field: 'k' }),
      )
    }
  })
})
