import { describe, expect, it } from 'vitest'
import { decodeHex, isHex } from '../src/hex.ts'

describe('decodeHex', () => {
  it('decodes upper- and lower-case digits', () => {
    expect([...decodeHex('00ff7Fa0', 'f')]).toEqual([0, 255, 127, 160])
    expect(decodeHex('', 'f').length).toBe(0)
  })

  it.each(['abc', '0g', 'ab cd', 'abcd\n', '+1', 'é0', '\u01300a', 'a\u0f31'])(
    'rejects %j instead of decoding a prefix',
    (text) => {
      expect(() => decodeHex(text, 'nonce')).toThrow(
        expect.objectContaining({ code: 'ENV_BAD_HEX', field: 'nonce' }),
      )
      expect(isHex(text)).toBe(false)
    },
  )
})
