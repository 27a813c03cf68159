import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { createEnvelopeCipher } from '../src/cipher.ts'
import { EnvelopeError } from '../src/errors.ts'
import { generateKey } from '../src/keys.ts'

const key = generateKey()
const cipher = createEnvelopeCipher({ key })
const good = cipher.seal('{"secret":"row"}')

function caught(fn: () => unknown): EnvelopeError {
  try {
    const result = fn()
    throw new Error(`expected an error, got a result of type ${typeof result}`)
  } catch (error) {
    if (!(error instanceof EnvelopeError)) throw error
    // no key material anywhere in what a log would show
    const shown = `${error.message}\n${error.stack}\n${inspect(error, { depth: 5 })}`
    expect(shown.toLowerCase()).not.toContain(key)
    expect(shown).not.toContain('secret')
    expect(error.retriable).toBe(false)
    return error
  }
}

describe('bad input is a typed error, never plaintext', () => {
  const flip = (hex: string, at: number) =>
    hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1)
  const cases: Array<[string, unknown, string]> = [
    ['not JSON', '{"nonce":', 'ENV_MALFORMED'],
    ['a JSON array', '[1,2]', 'ENV_MALFORMED'],
    ['JSON null', 'null', 'ENV_MALFORMED'],
    ['trailing garbage', `${cipher.sealToJson('r')}x`, 'ENV_MALFORMED'],
    ['a number for nonce', `{"nonce":1,"ciphertext":"${good.ciphertext}"}`, 'ENV_MALFORMED'],
    ['no nonce', `{"ciphertext":"${good.ciphertext}"}`, 'ENV_MISSING_FIELD'],
    ['no ciphertext', { nonce: good.nonce }, 'ENV_MISSING_FIELD'],
    ['an empty object', '{}', 'ENV_MISSING_FIELD'],
    ['odd-length hex', { nonce: good.nonce, ciphertext: `${good.ciphertext}a` }, 'ENV_BAD_HEX'],
    [
      'non-hex digits',
      { nonce: good.nonce.replace(/^../, 'zz'), ciphertext: good.ciphertext },
      'ENV_BAD_HEX',
    ],
    ['an empty nonce', { nonce: '', ciphertext: good.ciphertext }, 'ENV_BAD_NONCE'],
    ['a 129-byte nonce', { nonce: '00'.repeat(129), ciphertext: good.ciphertext }, 'ENV_BAD_NONCE'],
    [
      'a ciphertext shorter than the tag',
      { nonce: good.nonce, ciphertext: good.ciphertext.slice(0, 30) },
      'ENV_TRUNCATED',
    ],
    [
      'a truncated ciphertext',
      { nonce: good.nonce, ciphertext: good.ciphertext.slice(2) },
      'ENV_AUTH_FAILED',
    ],
    ['a tampered body', { nonce: good.nonce, ciphertext: flip(good.ciphertext, 3) }, 'ENV_AUTH_FAILED'],
    [
      'a tampered tag',
      { nonce: good.nonce, ciphertext: flip(good.ciphertext, good.ciphertext.length - 1) },
      'ENV_AUTH_FAILED',
    ],
    ['a tampered nonce', { nonce: flip(good.nonce, 0), ciphertext: good.ciphertext }, 'ENV_AUTH_FAILED'],
    [
      'a 12-byte prefix of the nonce',
      { nonce: good.nonce.slice(0, 24), ciphertext: good.ciphertext },
      'ENV_AUTH_FAILED',
    ],
    ['an empty kid', { ...good, kid: '' }, 'ENV_MALFORMED'],
  ]
  it.each(cases)('%s', (_name, input, code) => {
    const error = caught(() => cipher.open(input as string))
    expect(error.code).toBe(code)
  })

  it('a wrong key', () => {
    expect(caught(() => createEnvelopeCipher({ key: generateKey() }).open(good)).code).toBe('ENV_AUTH_FAILED')
  })

  it('a plaintext of the wrong type', () => {
    expect(caught(() => cipher.seal(42 as unknown as string)).code).toBe('ENV_BAD_OPTIONS')
  })
})

describe('options are checked once, naming the option and what was received', () => {
  const cases: Array<[string, unknown, string, RegExp]> = [
    ['no key', {}, 'ENV_BAD_OPTIONS', /options\.key or options\.keys is required/],
    [
      'an unknown option',
      { key, nonceLength: 12 },
      'ENV_BAD_OPTIONS',
      /options\.nonceLength is not a known option/,
    ],
    [
      'a 10-byte nonce',
      { key, nonceBytes: 10 },
      'ENV_BAD_OPTIONS',
      /options\.nonceBytes must be 12 or 16, received 10/,
    ],
    [
      'a short key',
      { key: key.slice(0, 30) },
      'ENV_BAD_KEY',
      /must be 16, 24 or 32 bytes .* received 15 bytes/,
    ],
    ['a non-hex key', { key: `${key.slice(0, 62)}zz` }, 'ENV_BAD_KEY', /options\.key must be a hex string/],
    ['an odd-length key', { key: `${key}0` }, 'ENV_BAD_KEY', /65 characters/],
    [
      'key and keys',
      { key, keys: { a: key }, activeKid: 'a' },
      'ENV_BAD_OPTIONS',
      /options\.keys cannot be combined/,
    ],
    [
      'an unknown activeKid',
      { keys: { a: key }, activeKid: 'b' },
      'ENV_BAD_OPTIONS',
      /activeKid must name one of options\.keys, received "b"/,
    ],
    [
      'a bad key in keys',
      { keys: { a: 'abcd' }, activeKid: 'a' },
      'ENV_BAD_KEY',
      /options\.keys\["a"\] must be 16, 24 or 32 bytes/,
    ],
    [
      'a string fastSeal',
      { key, fastSeal: 'no' },
      'ENV_BAD_OPTIONS',
      /options\.fastSeal must be a boolean, received "no"/,
    ],
    [
      'a boolean aad',
      { key, aad: true },
      'ENV_BAD_OPTIONS',
      /options\.aad must be a string or a Uint8Array, received true/,
    ],
  ]
  it.each(cases)('%s', (_name, options, code, message) => {
    const error = caught(() => createEnvelopeCipher(options as never))
    expect(error.code).toBe(code)
    expect(error.message).toMatch(message)
  })
})

describe('a key handed to the wrong place is never echoed', () => {
  const key128 = generateKey(128)
  const misuses: Array<[string, () => unknown]> = [
    ['the key instead of the options', () => createEnvelopeCipher(key128 as never)],
    ['the key as options.keys', () => createEnvelopeCipher({ keys: key128 } as never)],
    ['the key as activeKid', () => createEnvelopeCipher({ keys: { a: key128 }, activeKid: key128 })],
    ['the key as nonceBytes', () => createEnvelopeCipher({ key: key128, nonceBytes: key128 } as never)],
    ['the key as aad option type', () => createEnvelopeCipher({ key: key128, tryAllKeys: key128 } as never)],
  ]
  it.each(misuses)('%s', (_name, fn) => {
    let error: unknown
    try {
      fn()
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(EnvelopeError)
    const shown = `${(error as Error).message}\n${inspect(error, { depth: 5 })}`
    for (const part of [key128, key128.slice(0, 8), key128.slice(-8)]) expect(shown).not.toContain(part)
  })
})
