// encodeUtf8 against Buffer.from(text, 'utf8') (what cipher.update(text, 'utf8') encrypts),
// for the strings where a one-pass encoder could go wrong: surrogates, 3-byte characters that
// fill the worst-case room exactly, reuse of the kept buffer, and strings past its limit.
import { describe, expect, it } from 'vitest'
import { encodeUtf8, KEPT_MAX_BYTES, wipeUtf8 } from '../src/utf8-scratch.ts'

const strings: Array<[string, string]> = [
  ['empty', ''],
  ['ASCII', '{"id":1,"name":"x"}'.repeat(5000)],
  ['Latin-1 beyond ASCII', 'é'.repeat(70_000)],
  ['Chinese only (3 bytes per unit: the room exactly)', '张'.repeat(100_000)],
  ['emoji (4 bytes per surrogate pair)', '😀'.repeat(50_000)],
  ['a lone high surrogate', `ab\ud800cd`],
  ['a lone low surrogate, then a pair', `\udc00😀`],
  ['a high surrogate at the very end', `${'x'.repeat(1000)}\ud83d`],
]

describe('encodeUtf8', () => {
  it.each(strings)('encodes %s as Buffer.from does', (_, text) => {
    expect(encodeUtf8(text).equals(Buffer.from(text, 'utf8'))).toBe(true)
  })

  it('encodes a short string correctly after a long one (the kept buffer is reused)', () => {
    encodeUtf8('张'.repeat(200_000))
    expect(encodeUtf8('abc').toString('latin1')).toBe('abc')
    expect(encodeUtf8('é').equals(Buffer.from('é'))).toBe(true)
  })

  it('gives strings past the kept limit a buffer of their own, encoded alike', () => {
    const long = `${'张'.repeat(KEPT_MAX_BYTES / 3)}😀`
    const bytes = encodeUtf8(long)
    expect(bytes.equals(Buffer.from(long, 'utf8'))).toBe(true)
    const next = encodeUtf8('short')
    expect(next.buffer).not.toBe(bytes.buffer)
  })

  it('wipes the plaintext from the kept buffer', () => {
    const bytes = encodeUtf8('secret row 张三')
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length)
    wipeUtf8(bytes)
    expect(view.every((b) => b === 0)).toBe(true)
    // what the next call reads back is its own text, not a leftover
    expect(encodeUtf8('ok').toString()).toBe('ok')
  })
})
