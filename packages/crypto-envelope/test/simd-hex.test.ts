import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { compileHexWat } from '../scripts/build-wasm.ts'
import { HEX_WASM_BASE64 } from '../src/hex-wasm.ts'
import { DECODE_CHUNK, decodeHexView, encodeHexInto } from '../src/simd-hex.ts'

function encode(bytes: Uint8Array): string {
  const out = Buffer.alloc(2 * bytes.length + 4, 0x2e)
  encodeHexInto(bytes, out, 2)
  // nothing written outside its place
  expect(out.subarray(0, 2).toString()).toBe('..')
  expect(out.subarray(out.length - 2).toString()).toBe('..')
  return out.toString('latin1', 2, out.length - 2)
}

// lengths around the 16-byte (encode) and 32-digit (decode) SIMD blocks and their tails
const lengths = [0, 1, 2, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255, 1000, 4099, 65536]

describe('SIMD hex', () => {
  it.each(lengths)('encodes %i random bytes exactly as Buffer#toString("hex")', (n) => {
    const bytes = randomBytes(n)
    expect(encode(bytes)).toBe(bytes.toString('hex'))
  })

  it.each(lengths)('decodes the hex of %i bytes, in either case, from a string and from bytes', (n) => {
    const bytes = randomBytes(n)
    const lower = bytes.toString('hex')
    for (const text of [lower, lower.toUpperCase()]) {
      expect(Buffer.from(decodeHexView(text) ?? []).equals(bytes)).toBe(true)
      expect(Buffer.from(decodeHexView(Buffer.from(text, 'latin1')) ?? []).equals(bytes)).toBe(true)
    }
  })

  it('accepts exactly the 22 hex digits among all 256 byte values, at every place of a block and tail', () => {
    const valid = new Set([...'0123456789abcdefABCDEF'].map((c) => c.charCodeAt(0)))
    // 70 digits: two 32-digit SIMD blocks and a 6-digit scalar tail
    const base = Buffer.from('0'.repeat(70), 'latin1')
    for (let b = 0; b < 256; b++) {
      for (const at of [0, 1, 15, 16, 31, 32, 47, 63, 64, 65, 69]) {
        const text = Buffer.from(base)
        text[at] = b
        const view = decodeHexView(text)
        expect(view !== undefined, `byte 0x${b.toString(16)} at ${at}`).toBe(valid.has(b))
      }
    }
  })

  it('rejects a string with characters beyond ASCII, including ones whose low byte is a digit', () => {
    const digits = 'ab'.repeat(40)
    // U+0130 and U+0F30 end in 0x30 ("0"); a latin1 copy would have taken them for digits
    for (const c of ['\u0130', '\u0f30', 'é', '\u00e0', '😀']) {
      for (const at of [0, 33, 79]) {
        const text = digits.slice(0, at) + c + digits.slice(at + c.length)
        expect(decodeHexView(text.length % 2 === 0 ? text : `${text}0`), `${c} at ${at}`).toBeUndefined()
      }
    }
  })

  it("decodes long fields staged in pieces, whatever the last piece's length", () => {
    const digits = DECODE_CHUNK
    for (const n of [digits / 2 - 1, digits / 2, digits / 2 + 1, digits + 16, (5 * digits) / 2 + 3]) {
      const bytes = randomBytes(n)
      const hex = bytes.toString('hex')
      expect(Buffer.from(decodeHexView(hex) ?? []).equals(bytes), `${n} bytes from a string`).toBe(true)
      expect(Buffer.from(decodeHexView(Buffer.from(hex)) ?? []).equals(bytes), `${n} bytes`).toBe(true)
    }
  })

  it('rejects a bad digit in any piece of a long field, the first, a middle and the last', () => {
    const hex = randomBytes((5 * DECODE_CHUNK) / 2).toString('hex')
    for (const at of [0, DECODE_CHUNK - 1, DECODE_CHUNK, 3 * DECODE_CHUNK + 7, hex.length - 1]) {
      for (const bad of ['g', '"', 'é']) {
        const text = hex.slice(0, at) + bad + hex.slice(at + 1)
        expect(decodeHexView(text), `${bad} at ${at} of a string`).toBeUndefined()
        const bytes = Buffer.from(text, 'utf8')
        // é is two bytes in UTF-8: keep the byte form even-length
        expect(
          decodeHexView(bytes.length % 2 === 0 ? bytes : bytes.subarray(1)),
          `${bad} at ${at}`,
        ).toBeUndefined()
      }
    }
  })

  it('grows its memory for long fields and keeps working for short ones after', () => {
    const big = randomBytes(3 * 1024 * 1024)
    expect(encode(big)).toBe(big.toString('hex'))
    expect(Buffer.from(decodeHexView(big.toString('hex')) ?? []).equals(big)).toBe(true)
    const small = randomBytes(40)
    expect(encode(small)).toBe(small.toString('hex'))
  })
})

function hasWat2wasm(): boolean {
  try {
    execFileSync('wat2wasm', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

describe('the embedded module', () => {
  // scripts/bootstrap.sh --tests installs Debian's wabt, so CI always compares; elsewhere the
  // comparison needs wat2wasm and says so rather than passing without it
  it('is src/hex.wat compiled (rerun `pnpm --filter @sync/crypto-envelope build:wasm` after editing it)', () => {
    if (!hasWat2wasm()) {
      if (process.env.CI) throw new Error('wat2wasm is missing: apt-get install wabt')
      console.warn('wat2wasm is missing (apt-get install wabt): the embedded module was not compared')
      return
    }
    expect(Buffer.from(HEX_WASM_BASE64, 'base64').equals(compileHexWat())).toBe(true)
  })
})
