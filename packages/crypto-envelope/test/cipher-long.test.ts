// Long rows: sealToBytes and the byte and SIMD paths of open, checked against an
// independent AES-GCM encryption and against the string forms.
import { createCipheriv, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createEnvelopeCipher } from '../src/cipher.ts'
import type { Envelope } from '../src/envelope-json.ts'
import { generateKey } from '../src/keys.ts'
import { encodeUtf8 } from '../src/utf8-scratch.ts'

// around the SIMD threshold (2 KiB), the byte scanner's (4 KiB of message) and well past both
const sizes = [0, 1, 250, 2047, 2048, 2049, 4096, 70_000, 1024 * 1024]

function reference(key: string, nonceHex: string, plain: Buffer): string {
  const c = createCipheriv(
    `aes-${key.length * 4}-gcm` as 'aes-256-gcm',
    Buffer.from(key, 'hex'),
    Buffer.from(nonceHex, 'hex'),
  )
  const body = Buffer.concat([c.update(plain), c.final()])
  return body.toString('hex') + c.getAuthTag().toString('hex')
}

describe('sealToBytes', () => {
  it.each(sizes)(
    'writes the compact message value of a %i-byte row, as an independent encryption gives',
    (n) => {
      const key = generateKey(128)
      const cipher = createEnvelopeCipher({ key })
      const plain = randomBytes(n)
      const bytes = cipher.sealToBytes(plain)
      const parsed = JSON.parse(bytes.toString('utf8')) as { nonce: string; ciphertext: string }
      expect(Object.keys(parsed)).toEqual(['nonce', 'ciphertext'])
      expect(parsed.ciphertext).toBe(reference(key, parsed.nonce, plain))
      // compact: exactly what JSON.stringify writes for the same members
      expect(bytes.toString('utf8')).toBe(JSON.stringify(parsed))
      expect(cipher.open(bytes).equals(plain)).toBe(true)
    },
  )

  it('writes "kid" last, escaped as JSON, when keyed by id', () => {
    const keys = { 'k-2026/ü"': generateKey(), old: generateKey() }
    const cipher = createEnvelopeCipher({ keys, activeKid: 'k-2026/ü"' })
    const text = '张三 😀 '.repeat(1000)
    const bytes = cipher.sealToBytes(text)
    const parsed = JSON.parse(bytes.toString('utf8')) as Record<string, string>
    expect(Object.keys(parsed)).toEqual(['nonce', 'ciphertext', 'kid'])
    expect(parsed.kid).toBe('k-2026/ü"')
    expect(bytes.toString('utf8')).toBe(JSON.stringify(parsed))
    expect(parsed.ciphertext).toBe(
      reference(keys['k-2026/ü"'], parsed.nonce ?? '', Buffer.from(text, 'utf8')),
    )
    expect(cipher.openToString(bytes)).toBe(text)
  })

  it('gives the same bytes as sealToJson for the same nonce (the nonce is the only difference)', () => {
    const key = generateKey()
    const cipher = createEnvelopeCipher({ key })
    const plain = randomBytes(100_000)
    const fromBytes = JSON.parse(cipher.sealToBytes(plain).toString()) as {
      nonce: string
      ciphertext: string
    }
    const fromJson = JSON.parse(cipher.sealToJson(plain)) as { nonce: string; ciphertext: string }
    expect(fromBytes.ciphertext).toBe(reference(key, fromBytes.nonce, plain))
    expect(fromJson.ciphertext).toBe(reference(key, fromJson.nonce, plain))
  })
})

describe('seal, sealToJson and sealToBytes of long rows (encrypted and encoded piece by piece)', () => {
  // 😀 straddles the 64 KiB piece boundary; 张 and é are three and two bytes in UTF-8
  const text = `${'é张'.repeat(32_767)}a😀${'x'.repeat(100_000)}`

  function referenceWithAad(key: string, nonceHex: string, plain: Buffer, aad: string): string {
    const c = createCipheriv('aes-256-gcm', Buffer.from(key, 'hex'), Buffer.from(nonceHex, 'hex'))
    c.setAAD(Buffer.from(aad))
    const body = Buffer.concat([c.update(plain), c.final()])
    return body.toString('hex') + c.getAuthTag().toString('hex')
  }

  it('gives what an independent encryption of the UTF-8 gives, in all three forms, with a kid beyond ASCII', () => {
    const keys = { 'schlüssel-1': generateKey(), other: generateKey() }
    const cipher = createEnvelopeCipher({ keys, activeKid: 'schlüssel-1' })
    const utf8 = Buffer.from(text, 'utf8')
    const envelope = cipher.seal(text)
    expect(envelope.kid).toBe('schlüssel-1')
    expect(envelope.nonce).toMatch(/^[0-9a-f]{32}$/)
    expect(envelope.ciphertext).toBe(reference(keys['schlüssel-1'], envelope.nonce, utf8))
    const json = cipher.sealToJson(text)
    const parsed = JSON.parse(json) as { nonce: string; ciphertext: string; kid: string }
    // the kid came back through UTF-8, not byte by byte
    expect(json).toBe(JSON.stringify(parsed))
    expect(parsed.kid).toBe('schlüssel-1')
    expect(parsed.ciphertext).toBe(reference(keys['schlüssel-1'], parsed.nonce, utf8))
    const bytes = cipher.sealToBytes(text)
    const fromBytes = JSON.parse(bytes.toString('utf8')) as { nonce: string; ciphertext: string }
    expect(fromBytes.ciphertext).toBe(reference(keys['schlüssel-1'], fromBytes.nonce, utf8))
    for (const value of [json, bytes]) expect(cipher.openToString(value)).toBe(text)
    expect(cipher.openToString(envelope)).toBe(text)
  })

  it('leaves no plaintext in the buffer it encodes long strings into, also when sealing throws', () => {
    const cipher = createEnvelopeCipher({ key: generateKey() })
    const marker = 'marker-张三-'.repeat(1000)
    const kept = () => {
      const probe = encodeUtf8('')
      return Buffer.from(probe.buffer, 0, probe.buffer.byteLength)
    }
    cipher.sealToBytes(marker)
    expect(kept().indexOf('marker-张三-')).toBe(-1)
    // a bad per-call AAD throws after the row was encoded
    expect(() => cipher.sealToBytes(marker, { aad: 42 as never })).toThrow(
      expect.objectContaining({ code: 'ENV_BAD_OPTIONS' }),
    )
    expect(kept().indexOf('marker-张三-')).toBe(-1)
  })

  it('authenticates the AAD and writes 12-byte nonces on the long path too', () => {
    const key = generateKey()
    const cipher = createEnvelopeCipher({ key, aad: 'orders', nonceBytes: 12 })
    const plain = Buffer.from(text, 'utf8')
    for (const sealed of [cipher.seal(plain), JSON.parse(cipher.sealToJson(plain)) as Envelope]) {
      expect(sealed.nonce).toMatch(/^[0-9a-f]{24}$/)
      expect(sealed.ciphertext).toBe(referenceWithAad(key, sealed.nonce, plain, 'orders'))
    }
    const perCall = cipher.sealToBytes(plain, { aad: 'customers' })
    const parsed = JSON.parse(perCall.toString()) as Envelope
    expect(parsed.ciphertext).toBe(referenceWithAad(key, parsed.nonce, plain, 'customers'))
    expect(() => cipher.open(perCall)).toThrow(expect.objectContaining({ code: 'ENV_AUTH_FAILED' }))
    expect(cipher.open(perCall, { aad: 'customers' }).equals(plain)).toBe(true)
  })
})

describe('open, long message values', () => {
  const key = generateKey()
  const cipher = createEnvelopeCipher({ key })
  const plain = randomBytes(50_000)
  const nonce = randomBytes(16).toString('hex')
  const ciphertext = reference(key, nonce, plain)

  const shapes: Array<[string, string]> = [
    ['compact', JSON.stringify({ nonce, ciphertext })],
    ['json.dumps spaces', `{"nonce": "${nonce}", "ciphertext": "${ciphertext}"}`],
    ['fastjson order, upper-case hex', `{"ciphertext":"${ciphertext.toUpperCase()}","nonce":"${nonce}"}`],
    ['newlines and tabs', `\n{\t"nonce" :\n"${nonce}" ,\r\n "ciphertext":"${ciphertext}"\n}\n`],
    ['an extra member', JSON.stringify({ nonce, ciphertext, producer: 'datax' })],
    ['an escaped member', `{"nonce":"${nonce}","ciphertext":"${ciphertext}","note":"a \\"quote\\""}`],
  ]
  it.each(shapes)('opens a %s message from its text and from its bytes', (_, text) => {
    expect(cipher.open(text).equals(plain)).toBe(true)
    expect(cipher.open(Buffer.from(text, 'utf8')).equals(plain)).toBe(true)
    // a Uint8Array that is not a Buffer, with an offset into a larger buffer
    const wide = Buffer.concat([Buffer.from('xx'), Buffer.from(text), Buffer.from('yy')])
    expect(cipher.open(new Uint8Array(wide.buffer, wide.byteOffset + 2, wide.length - 4)).equals(plain)).toBe(
      true,
    )
  })

  it.each([0, 1, 31, 32, 4095, 50_000, ciphertext.length - 1])(
    'refuses a non-hex digit at %i of the ciphertext, from text and from bytes',
    (at) => {
      for (const bad of ['g', ' ', 'é', '\u0130']) {
        const damaged = ciphertext.slice(0, at) + bad + ciphertext.slice(at + 1)
        const text = JSON.stringify({ nonce, ciphertext: damaged })
        for (const input of [text, Buffer.from(text, 'utf8')]) {
          expect(() => cipher.open(input)).toThrow(
            expect.objectContaining({ code: 'ENV_BAD_HEX', field: 'ciphertext' }),
          )
        }
      }
    },
  )

  it('refuses an odd number of digits, a flipped bit and the wrong key, never returning plaintext', () => {
    const odd = JSON.stringify({ nonce, ciphertext: `${ciphertext}0` })
    expect(() => cipher.open(Buffer.from(odd))).toThrow(expect.objectContaining({ code: 'ENV_BAD_HEX' }))
    const flipped = Buffer.from(JSON.stringify({ nonce, ciphertext }))
    const at = flipped.indexOf('"ciphertext":"') + 20_000
    flipped[at] = flipped[at] === 0x30 ? 0x31 : 0x30
    expect(() => cipher.open(flipped)).toThrow(expect.objectContaining({ code: 'ENV_AUTH_FAILED' }))
    const other = createEnvelopeCipher({ key: generateKey() })
    expect(() => other.open(Buffer.from(JSON.stringify({ nonce, ciphertext })))).toThrow(
      expect.objectContaining({ code: 'ENV_AUTH_FAILED' }),
    )
  })

  it('keeps the key-rotation rules on the byte path (kid chooses the key)', () => {
    const keys = { a: generateKey(), b: generateKey() }
    const writer = createEnvelopeCipher({ keys, activeKid: 'b' })
    const reader = createEnvelopeCipher({ keys, activeKid: 'a' })
    const value = writer.sealToBytes(plain)
    expect(reader.open(value).equals(plain)).toBe(true)
    const unknown = Buffer.from(value.toString().replace('"kid":"b"', '"kid":"c"'))
    expect(() => reader.open(unknown)).toThrow(expect.objectContaining({ code: 'ENV_UNKNOWN_KID' }))
  })
})
